"""Who is asking: a member of staff, a guest, or someone from another organisation.

Slack Connect puts people from other companies in shared channels and DMs with the bot; the
workspace may also have guests (single- and multi-channel accounts). Both are told apart
from staff here, from what the request says (the user's team against the installing team
or enterprise, an externally shared channel) and from `users.info` (`is_stranger`, the
user's team, `is_restricted`, `is_ultra_restricted`), cached for a short time.

Nothing here decides what happens to them: `bot.slack.access` does (ignore, a notice, or
all-staff documents only).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from slack_sdk import WebClient

log = logging.getLogger(__name__)

Kind = Literal["member", "guest", "outsider"]

# Message subtypes that are still a person talking; edits, deletions, joins and bots are not.
_PERSON_SUBTYPES = {None, "file_share", "thread_broadcast"}
# Interactive payloads: the user is `user.id`, their home team `user.team_id`.
_INTERACTIONS = {
    "block_actions",
    "block_suggestion",
    "view_submission",
    "view_closed",
    "shortcut",
    "message_action",
}


def is_person_message(event: Mapping[str, Any]) -> bool:
    """A person wrote this, now: not a bot, not an edit (Slack re-sends an edited mention as
    a new `app_mention` carrying `edited`), not a deletion or a join."""
    return (
        event.get("subtype") in _PERSON_SUBTYPES
        and not event.get("bot_id")
        and not event.get("edited")
    )


@dataclass(frozen=True)
class Home:
    """The workspace (and Enterprise Grid organisation) the bot is installed in."""

    team: str | None = None
    enterprise: str | None = None


@dataclass(frozen=True)
class Knock:
    """Who a request comes from, as the request itself says."""

    user: str
    surface: str  # mention, dm, thread, assistant, home, command, interaction
    team: str | None = None  # the user's own team, when the payload names it
    enterprise: str | None = None
    channel: str | None = None
    thread_ts: str | None = None
    text: str = ""  # only to answer a notice in the asker's language; never logged


@dataclass(frozen=True)
class Visitor:
    user: str
    kind: Kind = "member"
    # False: Slack could not tell us who this is (users.info failed); such a member reads
    # all-staff documents only until it can.
    verified: bool = True
    why: str = ""  # for the log: what made them a guest or an outsider


def knock_of(body: Mapping[str, Any]) -> Knock | None:
    """The asker of a request the bot may act on; None for everything else (bot messages,
    edits, channel chatter outside threads, events nobody asks through)."""
    if body.get("type") == "event_callback":
        return _event_knock(body.get("event") or {})
    if body.get("command"):
        return Knock(
            user=str(body.get("user_id") or ""),
            surface="command",
            team=body.get("team_id"),
            enterprise=body.get("enterprise_id"),
            channel=body.get("channel_id"),
            text=str(body.get("text") or ""),
        )
    if body.get("type") in _INTERACTIONS:
        user = body.get("user") or {}
        return Knock(
            user=str(user.get("id") or ""),
            surface="interaction",
            team=user.get("team_id"),
            channel=(body.get("channel") or {}).get("id"),
        )
    return None


def _event_knock(event: Mapping[str, Any]) -> Knock | None:
    kind = event.get("type")
    if kind == "app_home_opened":
        return Knock(user=str(event.get("user") or ""), surface="home")
    if kind == "assistant_thread_started":
        thread = event.get("assistant_thread") or {}
        return Knock(
            user=str(thread.get("user_id") or ""),
            surface="assistant",
            channel=thread.get("channel_id"),
            thread_ts=thread.get("thread_ts"),
        )
    if kind not in ("app_mention", "message") or not is_person_message(event):
        return None
    if not event.get("user"):
        return None
    if kind == "app_mention":
        surface = "mention"
    elif event.get("channel_type") == "im":
        surface = "dm"
    elif event.get("thread_ts"):
        surface = "thread"
    else:
        return None  # channel chatter: the bot answers mentions and its own threads only
    return Knock(
        user=str(event["user"]),
        surface=surface,
        # `user_team` is the asker's own team; `source_team` the one the message came from.
        team=event.get("user_team") or event.get("source_team") or event.get("team"),
        channel=event.get("channel"),
        # A mention is answered in a thread under it; a DM in the DM (or its thread).
        thread_ts=event.get("thread_ts") or (event.get("ts") if surface == "mention" else None),
        text=str(event.get("text") or ""),
    )


def home_of(body: Mapping[str, Any], context: Mapping[str, Any]) -> Home:
    """The installing team: auth.test's answer (Bolt's authorize result), else the event's
    `authorizations`, else the event envelope. A command's or an interaction's `team_id` is
    the user's team, never the home."""
    result = context.get("authorize_result")
    team = getattr(result, "team_id", None)
    enterprise = getattr(result, "enterprise_id", None)
    if team or enterprise:
        return Home(team, enterprise)
    authorizations = body.get("authorizations") or []
    if authorizations:
        first = authorizations[0] or {}
        return Home(first.get("team_id"), first.get("enterprise_id"))
    if body.get("type") == "event_callback":
        return Home(body.get("team_id"), body.get("enterprise_id"))
    return Home()


def _enterprise_of(facts: Mapping[str, Any] | None) -> str | None:
    if not facts:
        return None
    grid = facts.get("enterprise_user") or {}
    return grid.get("enterprise_id") or facts.get("enterprise_id")


def foreign_team(
    team: str | None, enterprise: str | None, home: Home, facts: Mapping[str, Any] | None
) -> str | None:
    """Why `team` is another organisation, or None when it is ours (or unknown)."""
    if not team or (home.team is None and home.enterprise is None) or team == home.team:
        return None
    if home.enterprise and home.enterprise in (enterprise, _enterprise_of(facts)):
        return None  # another workspace of our own Enterprise Grid organisation
    grid_teams = ((facts or {}).get("enterprise_user") or {}).get("teams") or []
    if home.team and home.team in grid_teams:
        return None
    return f"team {team} is not this workspace"


def classify(knock: Knock, home: Home, facts: Mapping[str, Any] | None, *, shared: bool) -> Visitor:
    """`facts`: the user's `users.info` record (None when it could not be read); `shared`:
    the request came from a channel shared with other organisations."""
    user = knock.user
    foreign = foreign_team(knock.team, knock.enterprise, home, facts)
    if foreign:
        return Visitor(user, "outsider", why=foreign)
    if facts is None:
        if shared:  # someone in a Slack Connect channel we cannot place: not staff
            return Visitor(user, "outsider", verified=False, why="shared channel, unknown user")
        return Visitor(user, "member", verified=False, why="users.info unavailable")
    if facts.get("is_stranger"):
        return Visitor(user, "outsider", why="is_stranger")
    foreign = foreign_team(facts.get("team_id"), _enterprise_of(facts), home, facts)
    if foreign:
        return Visitor(user, "outsider", why=foreign)
    if facts.get("is_ultra_restricted"):
        return Visitor(user, "guest", why="single-channel guest")
    if facts.get("is_restricted"):
        return Visitor(user, "guest", why="multi-channel guest")
    return Visitor(user, "member")


def recipient_problem(facts: Mapping[str, Any] | None, home: Home) -> str | None:
    """Why a kudos recipient is not one of our people (None: they are, or Slack could not
    say; the kudos itself is stored durably either way)."""
    if facts is None:
        return None
    if facts.get("deleted"):
        return "is no longer in our Slack"
    if facts.get("is_bot") or facts.get("is_app_user"):
        return "is an app, not a person"
    if facts.get("is_stranger") or foreign_team(
        facts.get("team_id"), _enterprise_of(facts), home, facts
    ):
        return "is from another organisation"
    return None


@dataclass
class People:
    """`users.info`, cached: a user's team, guest flags and profile (title, locale)."""

    ttl_seconds: float = 600.0
    retry_seconds: float = 30.0  # after a failed lookup, ask again soon
    clock: Callable[[], float] = time.monotonic
    _cache: dict[str, tuple[float, dict[str, Any] | None]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def user(self, client: WebClient, user_id: str) -> dict[str, Any] | None:
        """The user's record, or None when Slack cannot say (a missing scope, an outage)."""
        now = self.clock()
        with self._lock:
            cached = self._cache.get(user_id)
        if cached is not None and cached[0] > now:
            return cached[1]
        record: dict[str, Any] | None = None
        until = now + min(self.retry_seconds, self.ttl_seconds)
        try:
            reply: Any = client.users_info(user=user_id)
            record = dict(reply.get("user") or {})
            until = now + self.ttl_seconds
        except Exception:  # a missing scope or a deleted user must not stop the bot
            log.warning("Could not read the Slack profile of %s", user_id, exc_info=True)
        with self._lock:
            self._cache[user_id] = (until, record)
        return record

    def visitor(self, client: WebClient, knock: Knock, home: Home, *, shared: bool) -> Visitor:
        if not knock.user:
            return Visitor("", "outsider", verified=False, why="no user")
        # The payload alone may settle it, without a call to Slack: someone from another
        # team, unless that team may be a workspace of our own Grid organisation.
        foreign = foreign_team(knock.team, knock.enterprise, home, None)
        if foreign and not (home.enterprise and not knock.enterprise):
            return Visitor(knock.user, "outsider", why=foreign)
        return classify(knock, home, self.user(client, knock.user), shared=shared)


class SlackGroups:
    """`GroupMembers` (bot.answering.readers) through `usergroups.users.list`; raises when
    the group cannot be read, and the resolver then fails closed."""

    def __init__(self, client: WebClient) -> None:
        self.client = client

    def members(self, group_id: str) -> frozenset[str]:
        reply: Any = self.client.usergroups_users_list(usergroup=group_id)
        return frozenset(str(u) for u in reply.get("users") or [])
