"""The weekly wins digest in Slack: its Block Kit, and posting it (with its chart) to the wins
channel once per week."""

from __future__ import annotations

import datetime as dt
import logging

from slack_sdk import WebClient

from bot.kudos.digest import Digest, build_digest, chart_png
from bot.kudos.ports import KudosRecords
from bot.slack.mrkdwn import escape, mention, truncate
from bot.store.protocols import EventClaims

log = logging.getLogger(__name__)

Block = dict[str, object]


def post_digest(client: WebClient, channel: str, digest: Digest) -> None:
    client.chat_postMessage(
        channel=channel, text=f"This week's CX wins: {digest.wins}", blocks=digest_blocks(digest)
    )
    client.files_upload_v2(
        channel=channel,
        content=chart_png(digest),
        filename=f"cx-wins-{digest.until.date().isoformat()}.png",
        title="CX wins per week and per value",
        alt_txt=f"Bar charts: wins per week for 8 weeks, and this week's {digest.wins} wins "
        "by CX value.",
    )


def scheduled_digest(
    client: WebClient, channel: str, kudos: KudosRecords, events: EventClaims
) -> bool:
    """The cron job: every bot process runs it, the database lets exactly one post."""
    now = dt.datetime.now(dt.UTC)
    week = now.strftime("%G-W%V")
    if not events.claim_event(f"digest:{channel}:{week}", kind="digest"):
        return False
    post_digest(client, channel, build_digest(kudos, now=now))
    return True


def start_schedule(
    client: WebClient, channel: str, kudos: KudosRecords, events: EventClaims, cron: str
) -> object:
    """An in-process schedule (APScheduler) from a crontab line such as "0 9 * * MON"."""
    from apscheduler.schedulers.background import BackgroundScheduler
    from apscheduler.triggers.cron import CronTrigger

    scheduler = BackgroundScheduler(timezone="UTC")
    scheduler.add_job(
        scheduled_digest,
        CronTrigger.from_crontab(cron, timezone="UTC"),
        args=(client, channel, kudos, events),
        id="cx-digest",
        misfire_grace_time=3600,
    )
    scheduler.start()
    log.info("Weekly digest scheduled: %s (UTC)", cron)
    return scheduler


def digest_blocks(digest: Digest) -> list[Block]:
    people = [mention(u) for u in digest.recognised] + [escape(n) for n in digest.recognised_names]
    lines = [f"*{digest.wins}* customer win{'s' if digest.wins != 1 else ''} this week."]
    if digest.values:
        lines.append("*Values shown:* " + ", ".join(f"{escape(v)} ({c})" for v, c in digest.values))
    if people:
        lines.append("*Recognised:* " + ", ".join(people))
    blocks: list[Block] = [
        {"type": "header", "text": {"type": "plain_text", "text": "🏡 This week's CX wins"}},
        {"type": "section", "text": {"type": "mrkdwn", "text": truncate("\n".join(lines), 2900)}},
    ]
    for quote in digest.quotes:
        blocks.append(
            {
                "type": "section",
                "text": {"type": "mrkdwn", "text": truncate("> " + escape(quote), 2900)},
            }
        )
    if not digest.wins:
        blocks.append(
            {
                "type": "context",
                "elements": [
                    {
                        "type": "mrkdwn",
                        "text": "No wins shared this week yet. Heard a customer say thank you? "
                        "Share it with /kudos.",
                    }
                ],
            }
        )
    return blocks
