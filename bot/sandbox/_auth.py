"""Token rules of the sandbox: the ``/connect/token`` form checks and bearer verification.

Client authentication is checked first (as IdentityServer does), then the grant type, then the
scope. Tokens are opaque random strings shaped like a JWT (three base64url parts); the sandbox
only remembers when each one expires, by its injected clock.
"""

from __future__ import annotations

import base64
import json
import secrets
from collections.abc import Mapping
from typing import Any

from bot.sandbox.state import SandboxState

__all__ = ["bearer_is_valid", "form_error", "issue_token"]


def form_error(form: Mapping[str, Any], state: SandboxState) -> str | None:
    """The OAuth2 error code for a token request form, or None when it is acceptable.

    Args:
        form: the decoded ``application/x-www-form-urlencoded`` fields.
        state: the sandbox (for the accepted credentials).

    Returns:
        ``invalid_client``, ``invalid_request``, ``unsupported_grant_type``, ``invalid_scope`` or None.
    """
    client_id = form.get("client_id")
    client_secret = form.get("client_secret")
    if not (
        isinstance(client_id, str)
        and isinstance(client_secret, str)
        and secrets.compare_digest(client_id.encode(), state.client_id.encode())
        and secrets.compare_digest(client_secret.encode(), state.client_secret.encode())
    ):
        return "invalid_client"
    grant_type = form.get("grant_type")
    if not grant_type:
        return "invalid_request"
    if grant_type != "client_credentials":
        return "unsupported_grant_type"
    scope = form.get("scope")
    if not isinstance(scope, str) or set(scope.split()) != {"api1"}:
        return "invalid_scope"
    return None


def issue_token(state: SandboxState) -> dict[str, Any]:
    """Mint an access token that expires after ``faults.token_lifetime_s`` on the state's clock.

    Returns:
        The ``/connect/token`` success body.
    """
    now = state.clock()
    lifetime = state.faults.token_lifetime_s
    header = {"alg": "RS256", "kid": "sandbox", "typ": "at+jwt"}
    claims = {
        "iss": "keepnet-sandbox",
        "nbf": int(now),
        "iat": int(now),
        "exp": int(now + lifetime),
        "scope": ["api1"],
        "client_id": state.client_id,
        "role": state.faults.role,
        "jti": secrets.token_hex(16),
    }
    token = ".".join(
        (
            _b64(json.dumps(header, separators=(",", ":")).encode()),
            _b64(json.dumps(claims, separators=(",", ":")).encode()),
            _b64(secrets.token_bytes(64)),
        )
    )
    state.tokens[token] = now + lifetime
    state.stats.tokens_issued += 1
    state.stats.issued_tokens.append(token)
    return {"access_token": token, "expires_in": lifetime, "token_type": "Bearer", "scope": "api1"}


def bearer_is_valid(authorization: str | None, state: SandboxState) -> bool:
    """Whether an ``Authorization`` header carries a token this sandbox issued and that has not expired."""
    if not authorization:
        return False
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer":
        return False
    expires_at = state.tokens.get(token.strip())
    return expires_at is not None and state.clock() < expires_at


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")
