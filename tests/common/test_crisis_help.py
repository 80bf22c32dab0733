"""The crisis help message: 112 and the 24/7 crisis line from the service directory, in
fi/sv/en, honest about whether a volunteer is on duty, and never without the numbers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

import kynnys.directory
from kynnys.crisis import CrisisHelp, build_crisis_help
from kynnys.crisis.help_message import HELP_MESSAGES, clear_cache, preload
from kynnys.directory import load_directory

CRISIS_LINE = "09 2525 0111"
NOBODY_ON_DUTY = {
    "fi": "ei ole juuri nyt päivystäjää",
    "sv": "finns ingen jourhavande",
    "en": "no volunteer on duty",
}
SOMEONE_COMING = {
    "fi": "niin pian kuin mahdollista",
    "sv": "så snart som möjligt",
    "en": "as soon as possible",
}


@pytest.fixture(autouse=True)
def fresh_cache() -> Iterator[None]:
    clear_cache()
    yield
    clear_cache()


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
@pytest.mark.parametrize("on_shift", [True, False])
def test_message_has_112_and_the_crisis_line_with_links(language: str, on_shift: bool) -> None:
    help_ = build_crisis_help(language, on_shift)
    assert isinstance(help_, CrisisHelp)
    assert "112" in help_.text
    assert CRISIS_LINE in help_.text
    assert "{" not in help_.text  # every placeholder filled
    urls = [link["url"] for link in help_.links]
    assert "https://112.fi/" in urls
    assert "https://mieli.fi/tukea-ja-apua/kriisipuhelin/" in urls
    assert all(link["title"] for link in help_.links)
    phones = {contact["phone"] for contact in help_.contacts}
    assert phones == {"112", CRISIS_LINE}
    assert all(contact["source"].startswith("https://") for contact in help_.contacts)


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_off_shift_says_so_and_puts_the_phone_line_first(language: str) -> None:
    help_ = build_crisis_help(language, on_shift=False)
    assert NOBODY_ON_DUTY[language] in help_.text
    assert SOMEONE_COMING[language] not in help_.text
    assert help_.text.index(CRISIS_LINE) < help_.text.index("112")
    assert help_.contacts[0]["id"] == "crisis_line_24_7"
    assert help_.links[0]["url"].startswith("https://mieli.fi/")


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_on_shift_says_a_person_will_join(language: str) -> None:
    help_ = build_crisis_help(language, on_shift=True)
    assert SOMEONE_COMING[language] in help_.text
    assert NOBODY_ON_DUTY[language] not in help_.text
    assert help_.text.index("112") < help_.text.index(CRISIS_LINE)


def test_open_24_7_is_said_only_because_the_directory_says_so() -> None:
    assert "auki aina" in build_crisis_help("fi", on_shift=True).text
    assert "24/7" in build_crisis_help("en", on_shift=True).text


def test_line_working_in_finnish_only_is_told_in_swedish_and_english() -> None:
    assert "på finska" in build_crisis_help("sv", on_shift=False).text
    assert "in Finnish" in build_crisis_help("en", on_shift=False).text
    assert "suomeksi" not in build_crisis_help("fi", on_shift=False).text


def test_unknown_language_falls_back_to_finnish() -> None:
    assert build_crisis_help("de", on_shift=True).text == build_crisis_help("fi", True).text


def _directory_copy(tmp_path: Path, phone: str, drop_hours: bool = False) -> Path:
    source = kynnys.directory.DEFAULT_PATH
    data = yaml.safe_load(Path(source).read_text(encoding="utf-8"))
    for service in data["services"]:
        if service["id"] == "crisis_line_24_7":
            service["phone"] = phone
            if drop_hours:
                del service["hours"]
    path = tmp_path / "directory.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_numbers_and_hours_come_from_the_service_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(kynnys.directory, "DEFAULT_PATH", _directory_copy(tmp_path, "000 0000"))
    clear_cache()
    text = build_crisis_help("fi", on_shift=False).text
    assert "000 0000" in text
    assert CRISIS_LINE not in text
    assert "auki aina" in text

    # Without verified hours the message must not claim the line is always open.
    path = _directory_copy(tmp_path, "000 0000", drop_hours=True)
    monkeypatch.setattr(kynnys.directory, "DEFAULT_PATH", path)
    clear_cache()
    text = build_crisis_help("fi", on_shift=False).text
    assert "000 0000" in text
    assert "auki aina" not in text


def test_a_broken_directory_still_gives_both_numbers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    broken = tmp_path / "directory.yml"
    broken.write_text("services: [this is: not valid", encoding="utf-8")
    monkeypatch.setattr(kynnys.directory, "DEFAULT_PATH", broken)
    clear_cache()
    for language in ("fi", "sv", "en"):
        help_ = build_crisis_help(language, on_shift=False)
        assert "112" in help_.text and CRISIS_LINE in help_.text
        assert len(help_.links) == 2
    assert "fallback" in caplog.text


def test_fallback_contacts_are_identical_to_the_directory() -> None:
    fallback = yaml.safe_load(HELP_MESSAGES.read_text(encoding="utf-8"))["fallback_contacts"]
    directory = load_directory()
    for service_id, entry in fallback.items():
        service = directory.get(service_id)
        assert entry["phone"] == service.phone
        assert entry["url"] == service.url
        assert entry["source"] == service.source
        assert entry["always_open"] == service.always_open
        assert tuple(entry["languages"]) == tuple(service.languages)
        for language in ("fi", "sv", "en"):
            assert entry["title"][language] == service.localized(language)["title"]


def test_preloaded_help_is_instant() -> None:
    import time

    preload()
    start = time.perf_counter()
    for _ in range(50):
        build_crisis_help("sv", on_shift=True)
    assert (time.perf_counter() - start) / 50 < 0.005
