"""The weekly report as a new post in a Teams channel (a ``schedule`` destination ``teams:<channel id>``).

Posting needs the conversation reference saved when the app was installed in the team (or
messaged there): its regional serviceUrl, tenant and bot id. The post goes through the SDK's
proactive path (``continue_conversation_with_claims``) and its Connector client as
``POST /v3/conversations/<channel id>/activities``, which starts a new thread.
"""

from __future__ import annotations

import aiohttp
import structlog
from microsoft_agents.activity import (
    Activity,
    ChannelAccount,
    ConversationAccount,
    ConversationReference,
)
from microsoft_agents.hosting.core import (
    CardFactory,
    ClaimsIdentity,
    ConnectorClientBase,
    MessageFactory,
    TurnContext,
)

from bot.deps import Deps
from bot.report.model import OverageReport
from bot.store.types import ConversationRef
from bot.teams.cards import build_report_card
from bot.teams.edge import TeamsEdge
from bot.teams.entra import CREDENTIALS_REJECTED, explain_token_result, token_failure_result
from bot.teams.errors import (
    TeamsCredentialsError,
    TeamsNotInstalledError,
    TeamsPostError,
    TeamsServiceUrlError,
)
from bot.teams.handlers._activity import base_conversation_id

__all__ = ["TeamsChannelPoster"]

log = structlog.get_logger(__name__)


class TeamsChannelPoster:
    """Posts reports into one Teams channel.

    Args:
        channel_id: the channel's conversation id (``19:…@thread.tacv2``; ``;messageid=…`` is dropped).
        deps: the store (conversation references), settings and clock.
        edge: the Teams edge (SDK adapter and connection).
    """

    def __init__(self, channel_id: str, deps: Deps, edge: TeamsEdge) -> None:
        self.channel_id = base_conversation_id(channel_id.strip())
        self.name = f"teams:{self.channel_id}"
        self._deps = deps
        self._edge = edge

    async def post(self, report: OverageReport, *, period: str) -> str:
        """Post the report card as a new post.

        Args:
            report: the report.
            period: the ledger period (logged only).

        Returns:
            The Teams activity id of the post.

        Raises:
            TeamsNotInstalledError: the app was never installed in that team.
            TeamsServiceUrlError: the stored serviceUrl is not a Bot Framework host.
            TeamsPostError: the Bot Connector refused or could not be reached.
            TeamsCredentialsError: Microsoft Entra ID refused the bot's app token.
        """
        settings = self._edge.settings
        card = build_report_card(report, tz=settings.tz, now=self._deps.clock(), weekly=True)
        activity_id = await self._send(MessageFactory.attachment(CardFactory.adaptive_card(card)))
        log.info("teams_report_posted", channel_id=self.channel_id, period=period, activity_id=activity_id)
        return activity_id

    async def post_failure(self, text: str) -> None:
        """Post a short text (e.g. why this week's report is missing).

        Args:
            text: the text.

        Raises:
            TeamsError: as :meth:`post`.
        """
        await self._send(MessageFactory.text(text))

    async def _reference(self) -> ConversationRef:
        store = self._deps.store
        ref = await store.get_conversation(self.channel_id) if store is not None else None
        if ref is None:
            raise TeamsNotInstalledError(
                f"No conversation reference is stored for Teams channel {self.channel_id}."
            )
        if not self._edge.anonymous and not self._edge.host_validator.is_allowed(ref.service_url):
            raise TeamsServiceUrlError(
                f"The stored serviceUrl of channel {self.channel_id} is not a Bot Framework host."
            )
        return ref

    def _claims(self, ref: ConversationRef) -> ClaimsIdentity:
        if self._edge.anonymous:
            return ClaimsIdentity()  # no claims: no outgoing token
        identity: ClaimsIdentity = self._edge.adapter.create_claims_identity(
            self._edge.settings.teams_client_id or ""
        )
        return identity

    async def _send(self, activity: Activity) -> str:
        ref = await self._reference()
        bot = ChannelAccount(id=ref.bot_id or f"28:{self._edge.settings.teams_client_id or 'bot'}")
        conversation = ConversationAccount(
            id=self.channel_id, is_group=True, conversation_type="channel", tenant_id=ref.tenant_id
        )
        reference = ConversationReference(
            channel_id="msteams", service_url=ref.service_url, conversation=conversation, agent=bot
        )
        activity.conversation = conversation
        activity.from_property = bot
        activity.service_url = ref.service_url
        result: dict[str, str] = {}

        async def callback(context: TurnContext) -> None:
            connector = context.services.get(ConnectorClientBase)  # type: ignore[type-abstract]
            if connector is None:
                raise TeamsPostError("The SDK gave no Connector client for the proactive turn.")
            response = await connector.conversations.send_to_conversation(self.channel_id, activity)
            result["id"] = response.id or ""

        try:
            await self._edge.adapter.continue_conversation_with_claims(
                self._claims(ref), reference.get_continuation_activity(), callback
            )
        except aiohttp.ClientResponseError as exc:
            raise TeamsPostError(
                f"Teams refused the post to channel {self.channel_id} (HTTP {exc.status}).", status=exc.status
            ) from None
        except aiohttp.ClientError as exc:
            raise TeamsPostError(f"The Bot Connector could not be reached ({type(exc).__name__}).") from None
        except ValueError as exc:
            refused = token_failure_result(exc)
            if refused is None:
                raise
            raise _credentials_error(refused) from None
        return result.get("id", "")


def _credentials_error(result: dict[str, object]) -> TeamsCredentialsError:
    """The typed error for a refused app token, with Entra ID's reason (never the secret)."""
    verdict = explain_token_result(result)
    reason = verdict.detail.removeprefix(CREDENTIALS_REJECTED).lstrip(": ")
    return TeamsCredentialsError(f"{CREDENTIALS_REJECTED} ({reason[:120]}).")
