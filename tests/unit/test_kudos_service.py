"""The kudos rules alone (bot.kudos.service): who broadcasts, review, redaction, posting once
and posting again after an outage, with an in-memory store and a fake Slack."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest

from bot.kudos.models import Kudos
from bot.kudos.ports import KudosPolicy
from bot.kudos.service import index_in_background
from ingest.index import SyncBusyError
from tests.fakes import MANAGER, FakeKnowledge, FakePoster, MemoryKudos, chunk, kudos_service

QUOTE = "Kenji called me back the next day and sorted everything out, thank you!"


def kudos(sender: str = MANAGER, **fields: object) -> Kudos:
    values: dict[str, object] = {"recipients": ["U0KENJI"], "quote": QUOTE, "sender": sender}
    return Kudos.model_validate(values | fields)


def wait_for(check: Callable[[], object], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_a_managers_kudos_is_celebrated_once_and_indexed() -> None:
    records, poster, celebrated = MemoryKudos(), FakePoster(), threading.Event()
    service = kudos_service(records=records, poster=poster, on_celebrated=celebrated.set)
    result = service.submit(kudos(dedupe_key="view:V1"))
    assert result.new and result.delivered and result.kudos.status == "broadcast"
    [(kind, channel, posted, nominator)] = poster.posts
    assert (kind, channel, nominator) == ("celebrate", "CWINS", None)
    assert posted.id == result.kudos.id
    assert records.posted[posted.id or 0].startswith("17")  # marked posted: nothing owed
    assert celebrated.is_set()
    again = service.submit(kudos(dedupe_key="view:V1"))  # a double click
    assert not again.new and again.delivered and len(poster.posts) == 1
    # Each celebrated person hears the customer's words directly, once.
    assert poster.thanked == [(r, posted.id) for r in dict.fromkeys(posted.recipients)]


def test_anyone_elses_kudos_is_a_nomination_for_review() -> None:
    poster = FakePoster()
    result = kudos_service(poster=poster).submit(kudos(sender="U0NOMINATOR"))
    assert result.kudos.status == "nominated"
    assert [(k, c) for k, c, *_ in poster.posts] == [("nominate", "CREVIEW")]


def test_personal_data_is_redacted_before_it_is_stored_or_posted() -> None:
    records, poster = MemoryKudos(), FakePoster()
    quote = "Thank you! Write to taro@example.com or call 090-1234-5678."
    kudos_service(records=records, poster=poster).submit(kudos(quote=quote))
    [stored] = records.rows.values()
    assert "taro@example.com" not in stored.quote and "[email]" in stored.quote
    assert "090-1234-5678" not in poster.posts[0][2].quote


def test_the_celebration_speaks_the_senders_locale_else_the_customers() -> None:
    poster = FakePoster()
    poster.locales[MANAGER] = "ja-JP"
    service = kudos_service(poster=poster)
    assert service.submit(kudos(dedupe_key="a")).kudos.language == "ja"
    # Unknown sender locale (the lookup fails): the customer's language.
    assert service.submit(kudos(sender="UNOBODY", dedupe_key="b")).kudos.language == "en"


def test_managers_may_come_from_a_user_group_read_once() -> None:
    poster = FakePoster()
    poster.groups["S0MGRS"] = frozenset({"U0GROUPIE"})
    policy = KudosPolicy(wins_channel="CWINS", manager_group="S0MGRS")
    service = kudos_service(poster=poster, policy=policy)
    assert service.is_manager("U0GROUPIE") and not service.is_manager("U0OTHER")
    poster.groups.clear()  # read again only after `group_refresh_seconds`
    assert service.is_manager("U0GROUPIE")


def test_a_group_that_cannot_be_read_makes_nobody_a_manager() -> None:
    policy = KudosPolicy(wins_channel="CWINS", manager_group="S0GONE")
    assert not kudos_service(policy=policy).is_manager("U0ANY")


def test_approval_celebrates_with_both_names_and_tells_the_nominator() -> None:
    records, poster = MemoryKudos(), FakePoster()
    service = kudos_service(records=records, poster=poster)
    nomination = service.submit(kudos(sender="U0NOMINATOR")).kudos
    assert nomination.id is not None
    assert service.approve(nomination.id, reviewer="U0NOBODY").outcome == "not_a_manager"
    review = service.approve(nomination.id, reviewer=MANAGER)
    assert review.outcome == "approved" and review.kudos is not None
    kind, channel, posted, nominator = poster.posts[-1]
    assert (kind, channel, posted.sender, nominator) == (
        "celebrate",
        "CWINS",
        MANAGER,
        "U0NOMINATOR",
    )
    service.tell_nominator(review)
    assert poster.told == [("U0NOMINATOR", nomination.id, True)]
    # A second click (or a second manager) finds it reviewed already.
    assert service.approve(nomination.id, reviewer=MANAGER).outcome == "already_reviewed"
    assert service.decline(nomination.id, reviewer=MANAGER).outcome == "already_reviewed"
    assert sum(kind == "celebrate" for kind, *_ in poster.posts) == 1


def test_a_declined_nomination_is_not_posted_and_the_nominator_is_thanked() -> None:
    poster = FakePoster()
    service = kudos_service(poster=poster)
    nomination = service.submit(kudos(sender="U0NOMINATOR")).kudos
    review = service.decline(nomination.id or 0, reviewer=MANAGER)
    service.tell_nominator(review)
    assert review.outcome == "declined"
    assert [kind for kind, *_ in poster.posts] == ["nominate"]
    assert poster.told == [("U0NOMINATOR", nomination.id, False)]


def test_a_failed_post_stays_owed_and_a_retry_posts_it_once() -> None:
    records, poster = MemoryKudos(), FakePoster()
    poster.failures = 2  # the first post and the first retry fail
    service = kudos_service(records=records, poster=poster, retry_delays=(0.01, 0.01, 0.01))
    result = service.submit(kudos())
    assert result.new and not result.delivered
    assert records.posted[result.kudos.id or 0] in ("pending", f"claim:{result.kudos.id}")
    wait_for(lambda: records.unposted() == [] and poster.posts)
    assert len(poster.posts) == 1
    assert service.retry_unposted() == 0  # nothing owed: nothing posted again
    assert len(poster.posts) == 1


def test_retry_counts_what_is_still_owed_and_survives_a_database_outage() -> None:
    records, poster = MemoryKudos(), FakePoster()
    service = kudos_service(records=records, poster=poster, retry_delays=(3600.0,))
    poster.failures = 1
    service.submit(kudos())
    poster.failures = 1
    assert service.retry_unposted() == 1
    records.broken = True
    assert service.retry_unposted() == -1
    records.broken = False
    assert service.retry_unposted() == 0 and len(poster.posts) == 1


def test_without_a_wins_channel_the_kudos_waits_in_storage() -> None:
    records, poster = MemoryKudos(), FakePoster()
    service = kudos_service(
        records=records, poster=poster, policy=KudosPolicy(managers=frozenset({MANAGER}))
    )
    result = service.submit(kudos())
    assert result.delivered and poster.posts == []
    assert records.unposted() == [result.kudos]


def test_the_value_suggested_is_the_closest_value_of_the_vision() -> None:
    vision = FakeKnowledge(
        [
            chunk("en/vision.md", "Our values > 1. Own it", "Call the customer back yourself.",
                  doc_type="vision"),
            chunk("en/vision.md", "Our values > 2. Be warm", "Smile and greet every customer.",
                  doc_type="vision", position=1),
        ]
    )  # fmt: skip
    service = kudos_service(index=vision)
    assert service.value_names("en") == ["Own it", "Be warm"]
    assert service.suggest_value("She called the customer back the next day", "en") == "Own it"
    assert service.submit(kudos()).kudos.value == "Own it"
    assert kudos_service().suggest_value(QUOTE, "en") is None  # no vision, no value


@pytest.mark.parametrize("busy_first", [False, True])
def test_wins_are_indexed_in_the_background(busy_first: bool) -> None:
    calls: list[int] = []
    done = threading.Event()

    def sync() -> None:
        calls.append(1)
        if busy_first and len(calls) == 1:
            raise SyncBusyError("another ingest")
        done.set()

    index_in_background(sync)
    assert done.wait(10)
    assert len(calls) == (2 if busy_first else 1)
