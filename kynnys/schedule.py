"""The chat's own on-duty hours (``data/hours.yml``), always in Europe/Helsinki wall-clock time.

Weekly periods say when volunteers are normally on duty; dated exceptions (a closed day, a day with
changed hours, or a closed range such as a summer break) replace the weekly periods for those days.
All comparisons happen on local wall-clock time, so the summer-time changes need no special care.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from kynnys.directory import Problem, key_lines, load_yaml, read_yaml_with_lines

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "data" / "hours.yml"
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
LOOKAHEAD_DAYS = 400
_PERIOD_RE = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")

_DAY_NAMES = {
    "fi": ("ma", "ti", "ke", "to", "pe", "la", "su"),
    "sv": ("mån", "tis", "ons", "tors", "fre", "lör", "sön"),
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
}
_TEXTS = {
    "fi": {
        "open_now": "Päivystäjät ovat chatissa nyt, tänään {until} asti.",
        "closed_now": "Nyt chatissa ei ole päivystäjiä.",
        "next": "Seuraavan kerran olemme paikalla {when}.",
        "no_next": "Seuraavia päivystysaikoja ei ole vielä tiedossa.",
        "weekly": "Päivystysajat (Suomen aikaa): {periods}.",
        "no_weekly": "Chatilla ei ole nyt säännöllisiä päivystysaikoja.",
        "exceptions": "Poikkeukset: {items}.",
        "closed": "suljettu",
        "today": "tänään",
        "tomorrow": "huomenna",
        "at": "klo",
    },
    "sv": {
        "open_now": "Jourhavande finns i chatten nu, i dag till {until}.",
        "closed_now": "Just nu finns det ingen jourhavande i chatten.",
        "next": "Nästa gång är vi här {when}.",
        "no_next": "Nästa jourtider är inte kända ännu.",
        "weekly": "Jourtider (finsk tid): {periods}.",
        "no_weekly": "Chatten har inga regelbundna jourtider just nu.",
        "exceptions": "Undantag: {items}.",
        "closed": "stängt",
        "today": "i dag",
        "tomorrow": "i morgon",
        "at": "kl.",
    },
    "en": {
        "open_now": "Volunteers are on duty in the chat now, today until {until}.",
        "closed_now": "There is no one on duty in the chat right now.",
        "next": "Next time we are here: {when}.",
        "no_next": "The next on-duty hours are not known yet.",
        "weekly": "On-duty hours (Finnish time): {periods}.",
        "no_weekly": "The chat has no regular on-duty hours at the moment.",
        "exceptions": "Exceptions: {items}.",
        "closed": "closed",
        "today": "today",
        "tomorrow": "tomorrow",
        "at": "",
    },
}


@dataclass(frozen=True)
class Period:
    """Minutes from local midnight; end may be 1440 (24:00)."""

    start: int
    end: int

    def contains(self, minute: int) -> bool:
        return self.start <= minute < self.end


@dataclass(frozen=True)
class Exception_:
    first: dt.date
    last: dt.date
    periods: tuple[Period, ...]  # empty = closed

    def covers(self, day: dt.date) -> bool:
        return self.first <= day <= self.last


@dataclass
class ChatSchedule:
    timezone: ZoneInfo
    weekly: dict[int, tuple[Period, ...]]
    exceptions: list[Exception_] = field(default_factory=list)

    # --- queries ---------------------------------------------------------------------------
    def periods_on(self, day: dt.date) -> tuple[Period, ...]:
        for exc in self.exceptions:
            if exc.covers(day):
                return exc.periods
        return self.weekly.get(day.weekday(), ())

    def local(self, now: dt.datetime) -> dt.datetime:
        if now.tzinfo is None:
            raise ValueError("use an aware datetime (with a time zone)")
        return now.astimezone(self.timezone)

    def current_period(self, now: dt.datetime) -> Period | None:
        local = self.local(now)
        minute = local.hour * 60 + local.minute
        for period in self.periods_on(local.date()):
            if period.contains(minute):
                return period
        return None

    def is_open(self, now: dt.datetime) -> bool:
        return self.current_period(now) is not None

    def open_until(self, now: dt.datetime) -> dt.datetime | None:
        """When the current on-duty period ends (None when closed now)."""
        period = self.current_period(now)
        if period is None:
            return None
        return self._at(self.local(now).date(), period.end)

    def next_opening(self, now: dt.datetime) -> dt.datetime | None:
        """Start of the first on-duty period that begins after ``now`` (None if none within a year)."""
        local = self.local(now)
        today = local.date()
        minute = local.hour * 60 + local.minute
        for offset in range(LOOKAHEAD_DAYS):
            day = today + dt.timedelta(days=offset)
            for period in sorted(self.periods_on(day), key=lambda p: p.start):
                if offset == 0 and period.start <= minute:
                    continue
                return self._at(day, period.start)
        return None

    def upcoming_exceptions(self, now: dt.datetime, days: int = 14) -> list[Exception_]:
        today = self.local(now).date()
        horizon = today + dt.timedelta(days=days)
        return [e for e in self.exceptions if e.last >= today and e.first <= horizon]

    def _at(self, day: dt.date, minute: int) -> dt.datetime:
        naive = dt.datetime.combine(day, dt.time()) + dt.timedelta(minutes=minute)
        aware = naive.replace(tzinfo=self.timezone)
        # round-trip through UTC so a wall time in the spring-forward gap becomes a real instant
        return aware.astimezone(dt.timezone.utc).astimezone(self.timezone)

    # --- texts -----------------------------------------------------------------------------
    def describe(self, language: str, now: dt.datetime) -> str:
        lang = language if language in _TEXTS else "fi"
        texts = _TEXTS[lang]
        parts: list[str] = []
        until = self.open_until(now)
        if until is not None:
            parts.append(texts["open_now"].format(until=_clock(until, lang)))
        else:
            parts.append(texts["closed_now"])
            opening = self.next_opening(now)
            if opening is None:
                parts.append(texts["no_next"])
            else:
                parts.append(texts["next"].format(when=self.when(opening, lang, now)))
        parts.append(self.describe_hours(lang, now))
        return " ".join(parts)

    def describe_hours(self, language: str, now: dt.datetime) -> str:
        """Only the weekly hours and the exceptions of the next two weeks (no claim about now)."""
        lang = language if language in _TEXTS else "fi"
        texts = _TEXTS[lang]
        weekly = self.weekly_summary(lang)
        parts = [texts["weekly"].format(periods=weekly) if weekly else texts["no_weekly"]]
        upcoming = self.upcoming_exceptions(now)
        if upcoming:
            items = ", ".join(self._exception_text(e, lang) for e in upcoming)
            parts.append(texts["exceptions"].format(items=items))
        return " ".join(parts)

    def when(self, moment: dt.datetime, language: str, now: dt.datetime) -> str:
        """'tänään klo 14', 'huomenna klo 14.30', 'ti 25.11. klo 14' in the chat's time zone."""
        lang = language if language in _TEXTS else "fi"
        texts = _TEXTS[lang]
        local = moment.astimezone(self.timezone)
        days = (local.date() - self.local(now).date()).days
        if days == 0:
            day_text = texts["today"]
        elif days == 1:
            day_text = texts["tomorrow"]
        else:
            day_text = f"{_DAY_NAMES[lang][local.weekday()]} {_date(local.date())}"
        joiner = " at " if lang == "en" else " "
        return f"{day_text}{joiner}{_clock(local, lang)}"

    def weekly_summary(self, language: str) -> str:
        """'ma–to klo 14–21, su klo 16–21': consecutive days with the same hours are grouped."""
        lang = language if language in _TEXTS else "fi"
        names = _DAY_NAMES[lang]
        groups: list[tuple[int, int, tuple[Period, ...]]] = []
        for day in range(7):
            periods = self.weekly.get(day, ())
            if groups and groups[-1][2] == periods and groups[-1][1] == day - 1:
                groups[-1] = (groups[-1][0], day, periods)
            else:
                groups.append((day, day, periods))
        items = []
        for first, last, periods in groups:
            if not periods:
                continue
            days = names[first] if first == last else f"{names[first]}–{names[last]}"
            items.append(f"{days} {_periods_text(periods, lang)}")
        return ", ".join(items)

    def _exception_text(self, exc: Exception_, lang: str) -> str:
        dates = _date(exc.first) if exc.first == exc.last else f"{_date(exc.first)}–{_date(exc.last)}"
        what = _periods_text(exc.periods, lang) if exc.periods else _TEXTS[lang]["closed"]
        return f"{dates} {what}"


def _hm(minute: int, lang: str) -> str:
    hours, mins = divmod(minute, 60)
    if lang == "en":
        return f"{hours:02d}:{mins:02d}"
    return f"{hours}" if mins == 0 else f"{hours}.{mins:02d}"


def _with_prefix(text: str, lang: str) -> str:
    prefix = _TEXTS[lang]["at"]
    return f"{prefix} {text}" if prefix else text


def _clock(moment: dt.datetime, lang: str) -> str:
    return _with_prefix(_hm(moment.hour * 60 + moment.minute, lang), lang)


def _periods_text(periods: tuple[Period, ...], lang: str) -> str:
    spans = ", ".join(f"{_hm(p.start, lang)}–{_hm(p.end, lang)}" for p in periods)
    return _with_prefix(spans, lang)


def _date(day: dt.date) -> str:
    return f"{day.day}.{day.month}."


# --- loading and validation ----------------------------------------------------------------


class ScheduleError(ValueError):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


def parse_period(text: Any) -> Period | None:
    """'14:00-21:00' -> Period; None when it is not a possible period on one day."""
    if not isinstance(text, str):
        return None
    match = _PERIOD_RE.match(text)
    if not match:
        return None
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    if h1 > 23 or m1 > 59 or m2 > 59 or h2 > 24 or (h2 == 24 and m2 != 0):
        return None
    start, end = h1 * 60 + m1, h2 * 60 + m2
    if end <= start:
        return None
    return Period(start, end)


def load_schedule(path: Path | None = None) -> ChatSchedule:
    """Load and validate the schedule; raises ScheduleError listing every problem."""
    path = path or DEFAULT_PATH
    problems = validate_schedule(path)
    if problems:
        raise ScheduleError(problems)
    data = load_yaml(path.read_text(encoding="utf-8"))
    weekly = {
        DAYS.index(day): tuple(sorted((_must(parse_period(p)) for p in periods or []), key=_start))
        for day, periods in (data.get("weekly") or {}).items()
    }
    exceptions = []
    for entry in data.get("exceptions") or []:
        first, last = _exception_dates(entry)
        assert first is not None and last is not None
        periods = () if entry.get("closed") else tuple(
            sorted((_must(parse_period(p)) for p in entry.get("hours") or []), key=_start)
        )
        exceptions.append(Exception_(first, last, periods))
    return ChatSchedule(ZoneInfo(data.get("timezone", "Europe/Helsinki")), weekly, exceptions)


def _start(period: Period) -> int:
    return period.start


def _must(period: Period | None) -> Period:
    if period is None:
        raise ValueError("invalid period slipped past validation")
    return period


def _as_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return None
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _exception_dates(entry: dict[str, Any]) -> tuple[dt.date | None, dt.date | None]:
    if "date" in entry:
        day = _as_date(entry["date"])
        return day, day
    return _as_date(entry.get("from")), _as_date(entry.get("to"))


def validate_schedule(path: Path) -> list[Problem]:
    """Every problem in the hours file: bad times, impossible or overlapping periods, bad dates."""
    name = str(path)
    data, root, problems = read_yaml_with_lines(path)
    if problems:
        return problems
    if not isinstance(data, dict) or root is None:
        return [Problem(name, 1, "the file must be a mapping with 'version', 'weekly', 'exceptions'")]
    top = key_lines(root)
    if data.get("version") != 1:
        problems.append(Problem(name, top.get("version", 1), "version must be 1"))
    try:
        ZoneInfo(str(data.get("timezone", "Europe/Helsinki")))
    except (ZoneInfoNotFoundError, ValueError):
        problems.append(Problem(name, top.get("timezone", 1), "unknown timezone",
                                "use Europe/Helsinki"))
    for key in sorted(set(data) - {"version", "timezone", "weekly", "exceptions"}):
        problems.append(Problem(name, top.get(key, 1), f"unknown field '{key}'"))

    weekly = data.get("weekly") or {}
    weekly_node = _child(root, "weekly")
    weekly_lines = key_lines(weekly_node) if weekly_node is not None else {}
    if not isinstance(weekly, dict):
        problems.append(Problem(name, top.get("weekly", 1), "'weekly' must map days to periods"))
        weekly = {}
    for day, periods in weekly.items():
        line = weekly_lines.get(str(day), top.get("weekly", 1))
        if day not in DAYS:
            problems.append(Problem(name, line, f"unknown day '{day}'", "days: " + ", ".join(DAYS)))
            continue
        problems.extend(_check_periods(name, line, str(day), periods))

    exceptions = data.get("exceptions") or []
    exc_node = _child(root, "exceptions")
    items = list(exc_node.value) if isinstance(exc_node, yaml.SequenceNode) else []
    if not isinstance(exceptions, list):
        problems.append(Problem(name, top.get("exceptions", 1), "'exceptions' must be a list"))
        exceptions = []
    ranges: list[tuple[dt.date, dt.date, int]] = []
    for index, entry in enumerate(exceptions):
        line = items[index].start_mark.line + 1 if index < len(items) else top.get("exceptions", 1)
        if not isinstance(entry, dict):
            problems.append(Problem(name, line, "each exception must be a mapping"))
            continue
        first, last = _exception_dates(entry)
        if "date" in entry and ("from" in entry or "to" in entry):
            problems.append(Problem(name, line, "give either 'date' or 'from' and 'to', not both"))
        if first is None or last is None:
            problems.append(Problem(name, line, "exception needs a real date (date: 2026-12-24) "
                                    "or a range (from: ..., to: ...)", "dates are YYYY-MM-DD"))
            continue
        if last < first:
            problems.append(Problem(name, line, f"'to' {last} is before 'from' {first}"))
            continue
        closed = entry.get("closed")
        hours = entry.get("hours")
        if closed not in (None, True, False):
            problems.append(Problem(name, line, "'closed' must be true or false"))
        if closed is True and hours:
            problems.append(Problem(name, line, "an exception cannot be closed and have hours",
                                    "remove 'hours' or 'closed'"))
        elif closed is not True:
            if not hours:
                problems.append(Problem(name, line, "exception needs 'closed: true' or 'hours'"))
            else:
                problems.extend(_check_periods(name, line, str(first), hours))
        for other_first, other_last, other_line in ranges:
            if first <= other_last and other_first <= last:
                problems.append(Problem(name, line, f"exception {first} overlaps the one on line "
                                        f"{other_line}", "merge them into one"))
        ranges.append((first, last, line))
        for key in sorted(set(entry) - {"date", "from", "to", "closed", "hours", "note"}):
            problems.append(Problem(name, line, f"unknown field '{key}' in exception"))
    return problems


def _child(node: yaml.Node | None, key: str) -> yaml.Node | None:
    if not isinstance(node, yaml.MappingNode):
        return None
    for k, v in node.value:
        if getattr(k, "value", None) == key:
            return v
    return None


def _check_periods(name: str, line: int, label: str, periods: Any) -> list[Problem]:
    if periods is None:
        return []
    if not isinstance(periods, list):
        return [Problem(name, line, f"{label}: periods must be a list like [\"14:00-21:00\"]")]
    problems: list[Problem] = []
    parsed: list[tuple[Period, str]] = []
    for text in periods:
        period = parse_period(text)
        if period is None:
            problems.append(Problem(
                name, line, f"{label}: impossible period {text!r}",
                "write HH:MM-HH:MM on one day, end after start (24:00 ends at midnight); "
                "split a night shift into two days",
            ))
        else:
            parsed.append((period, str(text)))
    parsed.sort(key=lambda item: item[0].start)
    for (a, a_text), (b, b_text) in zip(parsed, parsed[1:], strict=False):
        if b.start < a.end:
            problems.append(Problem(name, line, f"{label}: periods {a_text} and {b_text} overlap",
                                    "merge them into one period"))
    return problems


def main(argv: list[str] | None = None) -> int:
    """python -m kynnys.schedule [FILE]: validate the hours file and show what it means now."""
    import sys

    args = sys.argv[1:] if argv is None else argv
    path = Path(args[0]) if args else DEFAULT_PATH
    problems = validate_schedule(path)
    for problem in problems:
        print(problem)
    if problems:
        return 1
    schedule = load_schedule(path)
    now = dt.datetime.now(dt.timezone.utc)
    for lang in ("fi", "sv", "en"):
        print(f"[{lang}] {schedule.describe(lang, now)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
