"""The service directory: the shipped data, lookups by topic and county, and the validator."""

from __future__ import annotations

from pathlib import Path

import pytest

from kynnys.directory import (
    DEFAULT_PATH,
    NATIONAL,
    TOPICS,
    DirectoryError,
    load_directory,
    validate_directory,
)
from kynnys.places import all_counties

# Every phone number in the directory must be one somebody has verified at its source.
# Adding a number? Check it on the service's own page, then add it here in the same review.
VERIFIED_PHONES = {
    "112": "https://112.fi/",
    "09 2525 0111": "https://mieli.fi/tukea-ja-apua/kriisipuhelin/",
    "0800 147 111": "https://www.myrkytystietokeskus.fi/",
    "080 005 005": "https://www.nollalinja.fi/",
    "116 111": "https://www.mll.fi/lastenjanuortenpuhelin/",
    "116117": "https://www.116117.fi/",
    "0800 100 101": "https://www.peluuri.fi/",
}
VERIFIED_ALWAYS_OPEN = {"emergency_112", "crisis_line_24_7", "poison_information_centre", "nollalinja"}


@pytest.fixture(scope="module")
def directory():
    return load_directory()


def test_shipped_directory_is_valid() -> None:
    assert validate_directory(DEFAULT_PATH) == []


def test_required_crisis_entries(directory) -> None:
    emergency = directory.get("emergency_112")
    assert emergency.phone == "112" and emergency.always_open
    line = directory.get("crisis_line_24_7")
    assert line.phone == "09 2525 0111"
    assert line.always_open
    assert line.source == "https://mieli.fi/tukea-ja-apua/kriisipuhelin/"
    crisis_ids = [s.id for s in directory.for_topic("crisis")]
    assert crisis_ids[:2] == ["emergency_112", "crisis_line_24_7"]


def test_no_invented_phone_numbers_or_hours(directory) -> None:
    for service in directory.services:
        if service.phone is not None:
            assert service.phone in VERIFIED_PHONES, f"{service.id}: unverified phone {service.phone}"
            assert service.source == VERIFIED_PHONES[service.phone], service.id
        if service.always_open:
            assert service.id in VERIFIED_ALWAYS_OPEN, f"{service.id}: unverified 24/7 hours"
        assert service.source.startswith("https://")


def test_every_topic_has_national_services(directory) -> None:
    for topic in TOPICS:
        national = [s for s in directory.for_topic(topic) if s.is_national]
        assert national, topic


def test_every_county_from_places_has_its_own_regional_entry(directory) -> None:
    for county in all_counties():
        regional = [s for s in directory.services if county in s.regions]
        assert regional, f"no regional entry for {county}"
        assert directory.for_topic("feeling_bad", county)[-1].regions == (county,)


def test_for_topic_gives_national_first_then_the_county(directory) -> None:
    found = directory.for_topic("substances", "Pirkanmaa")
    national = [s for s in found if NATIONAL in s.regions]
    regional = [s for s in found if NATIONAL not in s.regions]
    assert found == national + regional
    assert {s.id for s in national} >= {"paihdelinkki", "peluuri"}
    assert [s.url for s in regional] == ["https://www.pirha.fi/"]
    # another county's services never leak in, and case does not matter
    assert all("Pirkanmaa" in s.regions or s.is_national for s in found)
    assert directory.for_topic("substances", "pirkanmaa") == found
    assert directory.for_topic("substances", None) == national
    assert directory.for_topic("substances", "Atlantis") == national


def test_localized_texts_and_finnish_fallback(directory) -> None:
    line = directory.get("crisis_line_24_7")
    fi = line.localized("fi")
    assert fi == {
        "title": "MIELI ry:n Kriisipuhelin",
        "text": fi["text"],
        "url": "https://mieli.fi/tukea-ja-apua/kriisipuhelin/",
        "phone": "09 2525 0111",
        "hours": "avoinna aina (24/7)",
    }
    assert line.localized("sv")["title"] == "MIELI rf:s kristelefon"
    assert line.localized("en")["hours"] == "open 24/7"
    assert line.localized("de") == fi
    assert directory.get("sekasin_chat").localized("fi")["phone"] == ""
    assert "09 2525 0111" in line.one_line("fi") and "https://mieli.fi" in line.one_line("fi")
    with pytest.raises(KeyError):
        directory.get("no_such_service")


BROKEN = """\
version: 1
services:
  - id: emergency_112
    name: {fi: Hätänumero, sv: Nödnumret, en: Emergency}
    description: {fi: a, sv: b, en: c}
    topics: [crisis]
    regions: [national]
    phone: "112"
    languages: [fi]
    source: https://112.fi/
    checked: 2026-11-01
  - id: Bad-Id
    name: {fi: Nimi}
    description: {fi: a, sv: b, en: c}
    topics: [weather]
    regions: [national]
    phone: 116117
    url: http://example.org/
    hours: {mon: "9-17"}
    languages: [de]
    checked: someday
  - id: emergency_112
    name: {fi: a, sv: b, en: c}
    description: {fi: a, sv: b, en: c}
    topics: [crisis]
    regions: [national]
    url: https://112.fi/
    languages: [fi]
    source: https://112.fi/
    checked: 2026-11-01
    fax: "123"
"""


def test_validator_finds_every_kind_of_problem_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "directory.yml"
    path.write_text(BROKEN, encoding="utf-8")
    problems = validate_directory(path)
    by_line: dict[int, list[str]] = {}
    for problem in problems:
        by_line.setdefault(problem.line, []).append(problem.message)
    text = "\n".join(str(p) for p in problems)
    assert any("snake_case" in m for m in by_line[12]), text
    assert any("needs texts for fi, sv and en" in m for m in by_line[13]), text
    assert any("unknown topic 'weather'" in m for m in by_line[15]), text
    assert any("quoted string" in m for m in by_line[17]), text  # unquoted number
    assert any("https://" in m for m in by_line[18]), text
    assert any("hours may only be" in m for m in by_line[19]), text
    assert any("'languages'" in m for m in by_line[20]), text
    assert any("'checked' must be a date" in m for m in by_line[21]), text
    assert any("'source' is required" in m for m in by_line[12]), text
    assert any("used twice" in m for m in by_line[22]), text
    assert any("unknown field 'fax'" in m for m in by_line[31]), text
    assert any("crisis_line_24_7" in m for m in by_line[2]), text
    with pytest.raises(DirectoryError):
        load_directory(path)


def test_validator_cli_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from kynnys.directory import main

    assert main([str(DEFAULT_PATH)]) == 0
    broken = tmp_path / "d.yml"
    broken.write_text("version: 2\nservices: []\n", encoding="utf-8")
    assert main([str(broken)]) == 1
    assert "version must be 1" in capsys.readouterr().out
