"""When to nudge: quiet hours in the person's time zone, the closing window, the late morning.

Pure functions of the clock and the settings, so every rule can be tested at any instant.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

CLOSING_LEAD = timedelta(hours=4)  # nudge when this much of the window remains
LATE_FOR = timedelta(days=3)  # after this, a missed follow-up is left to the app's screen


@dataclass(frozen=True)
class Quiet:
    """Quiet hours, local wall-clock times; start after end means they span midnight."""

    start: time
    end: time
    zone: ZoneInfo

    @classmethod
    def parse(cls, start: str, end: str, zone: str) -> "Quiet":
        return cls(time.fromisoformat(start), time.fromisoformat(end), ZoneInfo(zone))


def is_quiet(moment: datetime, quiet: Quiet) -> bool:
    """True when `moment` falls in the person's quiet hours."""
    local = moment.astimezone(quiet.zone).time()
    if quiet.start == quiet.end:
        return False
    if quiet.start < quiet.end:
        return quiet.start <= local < quiet.end
    return local >= quiet.start or local < quiet.end


def _at_local(day: date, clock: time, zone: ZoneInfo) -> datetime:
    # A wall-clock time skipped by a DST jump resolves to the instant just after the gap.
    return datetime.combine(day, clock, tzinfo=zone).astimezone(UTC)


def next_morning(after: datetime, quiet: Quiet) -> datetime:
    """The first end of quiet hours strictly after `after`, as a UTC instant."""
    local_day = after.astimezone(quiet.zone).date()
    for offset in range(3):
        candidate = _at_local(local_day + timedelta(days=offset), quiet.end, quiet.zone)
        if candidate > after:
            return candidate
    raise AssertionError("unreachable: a morning comes within three days")


def nudge_kind(due: datetime, now: datetime, quiet: Quiet) -> str | None:
    """ "closing" when the window closes within 4 hours, "late" the morning after it closed."""
    if is_quiet(now, quiet):
        return None
    if due - CLOSING_LEAD <= now < due:
        return "closing"
    if due <= now < due + LATE_FOR and now >= next_morning(due, quiet):
        return "late"
    return None


@dataclass(frozen=True)
class DueFollowUp:
    """What a message needs to know about one follow-up."""

    name: str
    event: str | None
    kind: str
    due: datetime


def time_left(due: datetime, now: datetime) -> str:
    """ "5 h left", "40 min left", or "2 h late"."""
    seconds = (due - now).total_seconds()
    minutes = int(abs(seconds) / 60 + 0.5)  # rounded, as the app shows it
    amount = f"{int(minutes / 60 + 0.5)} h" if minutes >= 60 else f"{max(1, minutes)} min"
    return f"{amount} left" if seconds > 0 else f"{amount} late"


def compose(items: list[DueFollowUp], now: datetime) -> tuple[str, str]:
    """One title and body summarising every follow-up in this nudge."""
    soonest = min(items, key=lambda i: i.due)
    events = {i.event for i in items}
    late = all(i.kind == "late" for i in items)
    if len(items) == 1:
        where = f" from {soonest.event}" if soonest.event else ""
        if late:
            return (
                f"Follow up with {soonest.name}",
                f"You met {soonest.name}{where}. A late thank-you still counts.",
            )
        return (
            f"Follow up with {soonest.name}",
            f"Send {soonest.name}{where} a thank-you: {time_left(soonest.due, now)}.",
        )
    who = f"{len(items)} people"
    if len(events) == 1 and soonest.event:
        who += f" from {soonest.event}"
    verb = "are still waiting" if late else "are waiting"
    tail = "" if late else f" The first window closes in {time_left(soonest.due, now).removesuffix(' left')}."
    return "Time to follow up", f"{who} {verb} for your thank-you.{tail}"
