"""Slack behind the kudos domain's `Poster` and `Directory` (bot.kudos.ports)."""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient

from bot.kudos.models import Kudos
from bot.slack.kudos_blocks import (
    celebration_blocks,
    celebration_text,
    nomination_blocks,
    recipient_blocks,
    recipient_text,
    verdict_text,
)


class SlackPoster:
    """Posts kudos with a Web API client (which retries rate limits and server errors);
    every failure is raised, for the kudos service to keep the post owed."""

    def __init__(self, client: WebClient) -> None:
        self.client = client

    def celebrate(self, channel: str, kudos: Kudos, *, nominator: str | None = None) -> str:
        return self._post(channel, kudos, celebration_blocks(kudos, nominator=nominator))

    def nominate(self, channel: str, kudos: Kudos) -> str:
        return self._post(channel, kudos, nomination_blocks(kudos))

    def _post(self, channel: str, kudos: Kudos, blocks: list[dict[str, Any]]) -> str:
        reply: Any = self.client.chat_postMessage(
            channel=channel, text=celebration_text(kudos), blocks=blocks, unfurl_links=False
        )
        return str(reply.get("ts"))

    def tell_nominator(self, nominator: str, kudos: Kudos, *, approved: bool) -> None:
        self.client.chat_postMessage(channel=nominator, text=verdict_text(kudos, approved=approved))

    def tell_recipient(self, recipient: str, kudos: Kudos) -> None:
        """In the recipient's Slack language (else the customer's)."""
        try:
            language = self.locale(recipient) or kudos.language
        except Exception:
            language = kudos.language
        self.client.chat_postMessage(
            channel=recipient,
            text=recipient_text(language),
            blocks=recipient_blocks(kudos, language),
            unfurl_links=False,
        )

    def locale(self, user: str) -> str | None:
        reply: Any = self.client.users_info(user=user, include_locale=True)
        return str((reply.get("user") or {}).get("locale") or "") or None

    def group_members(self, group: str) -> frozenset[str]:
        reply: Any = self.client.usergroups_users_list(usergroup=group)
        return frozenset(reply.get("users") or [])
