"""The nudge schedule with an injected clock: quiet hours, time zones, DST, batching text."""

from datetime import UTC, datetime, timedelta

import pytest

from server.nudges.schedule import DueFollowUp, Quiet, compose, is_quiet, next_morning, nudge_kind, time_left

PARIS = Quiet.parse("22:00", "08:00", "Europe/Paris")


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.mark.parametrize(
    ("moment", "quiet"),
    [
        ("2026-11-27T20:59:00", False),  # 21:59 in Paris (UTC+1)
        ("2026-11-27T21:00:00", True),  # 22:00
        ("2026-11-28T06:59:00", True),  # 07:59
        ("2026-11-28T07:00:00", False),  # 08:00
        ("2026-07-01T06:30:00", False),  # 08:30 in summer time (UTC+2)
        ("2026-07-01T05:30:00", True),  # 07:30 in summer time
    ],
)
def test_quiet_hours_follow_the_persons_zone_and_summer_time(moment: str, quiet: bool) -> None:
    assert is_quiet(utc(moment), PARIS) is quiet


def test_same_instant_is_quiet_in_one_zone_and_not_another() -> None:
    moment = utc("2026-11-27T14:00:00")  # 23:00 in Tokyo, 06:00 in Los Angeles, 14:00 in London
    assert is_quiet(moment, Quiet.parse("22:00", "08:00", "Asia/Tokyo"))
    assert is_quiet(moment, Quiet.parse("22:00", "08:00", "America/Los_Angeles"))
    assert not is_quiet(moment, Quiet.parse("22:00", "08:00", "Europe/London"))


def test_daytime_quiet_hours_do_not_span_midnight() -> None:
    siesta = Quiet.parse("13:00", "15:00", "UTC")
    assert is_quiet(utc("2026-11-27T14:00:00"), siesta)
    assert not is_quiet(utc("2026-11-27T23:00:00"), siesta)


def test_next_morning_is_the_next_end_of_quiet_hours() -> None:
    assert next_morning(utc("2026-11-27T09:00:00"), PARIS) == utc("2026-11-28T07:00:00")
    assert next_morning(utc("2026-11-28T01:00:00"), PARIS) == utc("2026-11-28T07:00:00")


def test_next_morning_across_the_spring_forward_gap() -> None:
    # New York skips 02:00-03:00 on 2026-03-08; a 02:30 morning becomes 03:30 EDT (07:30 UTC).
    early = Quiet.parse("23:00", "02:30", "America/New_York")
    morning = next_morning(utc("2026-03-08T05:00:00"), early)  # 00:00 EST
    assert morning == utc("2026-03-08T07:30:00")
    assert morning.astimezone(early.zone).hour == 3


def test_next_morning_on_the_fall_back_day() -> None:
    # 2026-11-01: New York repeats 01:00-02:00; 08:00 that day is EST (13:00 UTC).
    quiet = Quiet.parse("22:00", "08:00", "America/New_York")
    assert next_morning(utc("2026-11-01T03:00:00"), quiet) == utc("2026-11-01T13:00:00")


def test_closing_nudge_when_four_hours_remain_outside_quiet_hours() -> None:
    due = utc("2026-11-28T15:00:00")  # 16:00 Paris
    assert nudge_kind(due, due - timedelta(hours=5), PARIS) is None
    assert nudge_kind(due, due - timedelta(hours=4), PARIS) == "closing"
    assert nudge_kind(due, due - timedelta(minutes=1), PARIS) == "closing"


def test_closing_window_inside_quiet_hours_waits_for_the_late_morning_nudge() -> None:
    due = utc("2026-11-28T01:00:00")  # 02:00 Paris: the whole closing window is quiet
    for hours in (4, 2, 1):
        assert nudge_kind(due, due - timedelta(hours=hours), PARIS) is None
    assert nudge_kind(due, utc("2026-11-28T06:59:00"), PARIS) is None
    assert nudge_kind(due, utc("2026-11-28T07:00:00"), PARIS) == "late"


def test_late_nudge_comes_the_next_morning_and_not_forever() -> None:
    due = utc("2026-11-27T15:00:00")
    assert nudge_kind(due, utc("2026-11-27T16:00:00"), PARIS) is None  # same evening: wait
    assert nudge_kind(due, utc("2026-11-28T07:05:00"), PARIS) == "late"
    assert nudge_kind(due, utc("2026-12-05T09:00:00"), PARIS) is None  # long past: in-app only


def test_compose_summarises_by_event() -> None:
    now = utc("2026-11-28T11:00:00")
    due = now + timedelta(hours=3, minutes=20)
    items = [DueFollowUp(n, "PyCon", "closing", due) for n in ("Ada", "Grace", "Alan")]
    title, body = compose(items, now)
    assert title == "Time to follow up"
    assert body.startswith("3 people from PyCon are waiting for your thank-you.")
    assert "3 h" in body
    mixed = [*items[:2], DueFollowUp("Linus", None, "closing", due)]
    assert compose(mixed, now)[1].startswith("3 people are waiting for your thank-you.")
    assert compose(items[:1], now) == ("Follow up with Ada", "Send Ada from PyCon a thank-you: 3 h left.")
    late = [DueFollowUp(n, "PyCon", "late", now - timedelta(hours=20)) for n in ("Ada", "Grace")]
    assert compose(late, now)[1] == "2 people from PyCon are still waiting for your thank-you."


@pytest.mark.parametrize(
    ("delta", "text"),
    [
        (timedelta(hours=5, minutes=10), "5 h left"),
        (timedelta(hours=23, minutes=59), "24 h left"),
        (timedelta(minutes=40), "40 min left"),
        (timedelta(hours=-2), "2 h late"),
        (timedelta(seconds=20), "1 min left"),
    ],
)
def test_time_left(delta: timedelta, text: str) -> None:
    now = utc("2026-11-28T11:00:00")
    assert time_left(now + delta, now) == text
