"""The chat's own on-duty hours: time zone, summer time, exceptions, next opening, validation."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from kynnys.schedule import DEFAULT_PATH, load_schedule, parse_period, validate_schedule

HELSINKI = ZoneInfo("Europe/Helsinki")
UTC = dt.timezone.utc

HOURS = """\
version: 1
timezone: Europe/Helsinki
weekly:
  mon: ["14:00-21:00"]
  tue: ["14:00-21:00"]
  wed: ["09:00-11:00", "14:00-21:00"]
  thu: ["14:00-21:00"]
  fri: ["14:00-18:00"]
  sat: []
  sun: ["16:00-24:00"]
exceptions:
  - {date: 2026-12-24, closed: true, note: Jouluaatto}
  - {date: 2026-12-31, hours: ["12:00-16:00"]}
  - {from: 2027-07-01, to: 2027-07-31, closed: true}
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "hours.yml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture()
def schedule(tmp_path: Path):
    return load_schedule(write(tmp_path, HOURS))


def local(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=HELSINKI)


def test_the_shipped_hours_file_is_valid_and_loads() -> None:
    assert validate_schedule(DEFAULT_PATH) == []
    schedule = load_schedule()
    assert any(schedule.weekly.values()), "the chat must be open at some time of the week"


def test_open_and_closed_on_local_wall_clock(schedule) -> None:
    # Monday 2026-11-23
    assert not schedule.is_open(local(2026, 11, 23, 13, 59))
    assert schedule.is_open(local(2026, 11, 23, 14, 0))
    assert schedule.is_open(local(2026, 11, 23, 20, 59))
    assert not schedule.is_open(local(2026, 11, 23, 21, 0))
    assert not schedule.is_open(local(2026, 11, 28, 15, 0))  # Saturday: no hours
    # Sunday until midnight (24:00)
    assert schedule.is_open(local(2026, 11, 29, 23, 59))
    assert not schedule.is_open(local(2026, 11, 30, 0, 0))


def test_utc_instants_are_judged_in_helsinki_time_across_summer_time(schedule) -> None:
    # Summer time starts Sun 2026-03-29 at 03:00 local. Sunday hours are 16-24 local.
    winter_sunday = dt.datetime(2026, 3, 22, 13, 30, tzinfo=UTC)  # 15:30 EET: closed
    summer_sunday = dt.datetime(2026, 3, 29, 13, 30, tzinfo=UTC)  # 16:30 EEST: open
    assert not schedule.is_open(winter_sunday)
    assert schedule.is_open(summer_sunday)
    # Summer time ends Sun 2026-10-25 at 04:00 local; 14:30 UTC is then 16:30 EET: open,
    # and the same UTC time a week earlier is 17:30 EEST: also open, but 13:30 UTC differs.
    assert schedule.is_open(dt.datetime(2026, 10, 25, 14, 30, tzinfo=UTC))
    assert not schedule.is_open(dt.datetime(2026, 10, 25, 13, 30, tzinfo=UTC))  # 15:30 EET
    assert schedule.is_open(dt.datetime(2026, 10, 18, 13, 30, tzinfo=UTC))  # 16:30 EEST


def test_next_opening_gives_the_right_instant_on_the_summer_time_day(schedule) -> None:
    saturday = local(2026, 3, 28, 12, 0)
    opening = schedule.next_opening(saturday)
    assert opening is not None
    assert opening.astimezone(UTC) == dt.datetime(2026, 3, 29, 13, 0, tzinfo=UTC)  # 16:00 EEST
    assert opening.astimezone(HELSINKI).hour == 16


def test_naive_datetimes_are_refused(schedule) -> None:
    with pytest.raises(ValueError):
        schedule.is_open(dt.datetime(2026, 11, 23, 15, 0))


def test_next_opening_within_a_day_and_across_the_week(schedule) -> None:
    # Wednesday 12:00, between the two periods -> 14:00 the same day
    assert schedule.next_opening(local(2026, 11, 25, 12, 0)) == local(2026, 11, 25, 14, 0)
    # Friday 19:00 -> nothing on Saturday -> Sunday 16:00
    assert schedule.next_opening(local(2026, 11, 27, 19, 0)) == local(2026, 11, 29, 16, 0)
    # while open, the next opening is the next period, not the current one
    assert schedule.next_opening(local(2026, 11, 23, 15, 0)) == local(2026, 11, 24, 14, 0)


def test_a_schedule_with_a_single_weekly_period_wraps_around_the_week(tmp_path: Path) -> None:
    only_monday = load_schedule(write(tmp_path, 'version: 1\nweekly:\n  mon: ["10:00-12:00"]\n'))
    tuesday = local(2026, 11, 24, 9, 0)
    assert only_monday.next_opening(tuesday) == local(2026, 11, 30, 10, 0)
    assert only_monday.next_opening(local(2026, 11, 30, 10, 0)) == local(2026, 12, 7, 10, 0)


def test_no_hours_at_all_means_no_next_opening(tmp_path: Path) -> None:
    closed = load_schedule(write(tmp_path, "version: 1\nweekly: {}\n"))
    assert closed.next_opening(local(2026, 11, 23, 12, 0)) is None
    assert "ole vielä tiedossa" in closed.describe("fi", local(2026, 11, 23, 12, 0))


def test_exceptions_close_days_change_hours_and_cover_ranges(schedule) -> None:
    # Thursday 24.12. would normally be open 14-21
    assert not schedule.is_open(local(2026, 12, 24, 15, 0))
    # Thursday 31.12.: changed hours 12-16
    assert schedule.is_open(local(2026, 12, 31, 12, 30))
    assert not schedule.is_open(local(2026, 12, 31, 17, 0))
    # closed for July 2027: next opening is Sunday 1.8.2027 16:00
    assert not schedule.is_open(local(2027, 7, 5, 15, 0))
    assert schedule.next_opening(local(2027, 7, 1, 9, 0)) == local(2027, 8, 1, 16, 0)
    # next opening skips the closed Christmas Eve
    assert schedule.next_opening(local(2026, 12, 23, 22, 0)) == local(2026, 12, 25, 14, 0)


def test_describe_in_three_languages(schedule) -> None:
    closed_now = local(2026, 12, 23, 22, 0)  # Wed evening before Christmas Eve
    fi = schedule.describe("fi", closed_now)
    assert "Nyt chatissa ei ole päivystäjiä." in fi
    assert "pe 25.12. klo 14" in fi
    assert "ma–ti klo 14–21" in fi and "ke klo 9–11, 14–21" in fi and "su klo 16–24" in fi
    assert "24.12. suljettu" in fi and "31.12. klo 12–16" in fi
    sv = schedule.describe("sv", closed_now)
    assert "fre 25.12. kl. 14" in sv and "24.12. stängt" in sv
    en = schedule.describe("en", closed_now)
    assert "Fri 25.12. at 14:00" in en and "24.12. closed" in en
    open_now = schedule.describe("fi", local(2026, 11, 23, 15, 0))
    assert open_now.startswith("Päivystäjät ovat chatissa nyt, tänään klo 21 asti.")
    assert "huomenna klo 14" in schedule.describe("fi", local(2026, 11, 23, 22, 0))
    # unknown language falls back to Finnish
    assert schedule.describe("de", closed_now) == fi


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("14:00-21:00", (840, 1260)),
        ("0:00-24:00", (0, 1440)),
        ("21:00-14:00", None),
        ("22:00-02:00", None),
        ("14:00-14:00", None),
        ("25:00-26:00", None),
        ("10:60-11:00", None),
        ("24:30-24:45", None),
        ("noon-night", None),
    ],
)
def test_parse_period(text: str, expected: tuple[int, int] | None) -> None:
    period = parse_period(text)
    assert (None if period is None else (period.start, period.end)) == expected


def test_validator_reports_impossible_and_overlapping_periods_with_lines(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """\
version: 1
weekly:
  mon: ["14:00-21:00", "20:00-22:00"]
  tue: ["22:00-02:00"]
  funday: ["10:00-11:00"]
exceptions:
  - {date: 2026-12-24, closed: true, hours: ["10:00-12:00"]}
  - {from: 2026-12-20, to: 2026-12-26, closed: true}
  - {date: 2026-02-30, closed: true}
  - {date: 2026-12-31}
""",
    )
    problems = validate_schedule(path)
    text = "\n".join(str(p) for p in problems)
    assert any(p.line == 3 and "overlap" in p.message for p in problems), text
    assert any(p.line == 4 and "impossible period" in p.message for p in problems), text
    assert any(p.line == 5 and "unknown day" in p.message for p in problems), text
    assert any(p.line == 7 and "closed and have hours" in p.message for p in problems), text
    assert any(p.line == 8 and "overlaps" in p.message for p in problems), text
    assert any(p.line == 9 and "real date" in p.message for p in problems), text
    assert any(p.line == 10 and "needs 'closed: true' or 'hours'" in p.message for p in problems), text
    with pytest.raises(ValueError):
        load_schedule(path)


def test_validator_reports_broken_yaml(tmp_path: Path) -> None:
    problems = validate_schedule(write(tmp_path, "version: 1\nweekly:\n  mon: [\"14:00-21:00\"\n"))
    assert problems and "not valid YAML" in problems[0].message


def test_describe_hours_makes_no_claim_about_now(schedule) -> None:
    text = schedule.describe_hours("fi", local(2026, 12, 23, 22, 0))
    assert text.startswith("Päivystysajat (Suomen aikaa): ma–ti klo 14–21")
    assert "24.12. suljettu" in text
    assert "Nyt" not in text and "nyt" not in text.split(":")[0]
