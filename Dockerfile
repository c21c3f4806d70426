# overage-bot container image: the wheel alone (no build tools, no dev dependencies), non-root.
# Build: docker build -t overage-bot .   Run: docker run --env-file .env -p 3000:3000 -v overage-data:/data overage-bot

FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
RUN python -m pip install --no-cache-dir --upgrade pip \
 && python -m pip wheel --no-cache-dir --wheel-dir /wheels .

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    OVERAGE_DATA_DIR=/data \
    PORT=3000
COPY --from=build /wheels /wheels
RUN python -m pip install --no-cache-dir --no-index --find-links=/wheels overage-bot \
 && rm -rf /wheels \
 && useradd --system --uid 10001 --home-dir /data --shell /usr/sbin/nologin overage \
 && mkdir -p /data && chown overage /data
USER 10001
WORKDIR /data
VOLUME /data
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["python", "-c", "import urllib.request, sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:3000/healthz', timeout=4).status == 200 else 1)"]
ENTRYPOINT ["overage-bot"]
CMD ["run"]
