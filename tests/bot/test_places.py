"""kynnys.places: the municipality list, counties, and recognition in any grammatical case."""

from __future__ import annotations

import csv
from collections import Counter

import pytest

from kynnys import places
from kynnys.places import (
    DATA_DIR,
    all_municipalities,
    county_of,
    find_municipalities,
    find_municipality,
)

EXPECTED_COUNTS = {
    "Etelä-Karjala": 9, "Etelä-Pohjanmaa": 18, "Etelä-Savo": 8, "Itä-Uusimaa": 7, "Kainuu": 8,
    "Kanta-Häme": 11, "Keski-Pohjanmaa": 8, "Keski-Suomi": 22, "Keski-Uusimaa": 6,
    "Kymenlaakso": 6, "Lappi": 21, "Länsi-Uusimaa": 10, "Pirkanmaa": 23, "Pohjanmaa": 14,
    "Pohjois-Karjala": 13, "Pohjois-Pohjanmaa": 30, "Pohjois-Savo": 23, "Päijät-Häme": 10,
    "Satakunta": 16, "Vantaa ja Kerava": 2, "Varsinais-Suomi": 27, "Helsinki": 1,
    "Ahvenanmaa": 16,
}


def _rows() -> list[dict[str, str]]:
    with open(DATA_DIR / "municipalities.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_every_municipality_once_with_a_known_county() -> None:
    rows = _rows()
    names = [row["municipality"] for row in rows]
    codes = [row["code"] for row in rows]
    assert len(names) == len(set(names)) == 309
    assert len(set(codes)) == 309 and all(len(code) == 3 and code.isdigit() for code in codes)
    assert Counter(row["wellbeing_county"] for row in rows) == EXPECTED_COUNTS
    assert len(EXPECTED_COUNTS) == 21 + 2  # 21 counties + Helsinki + Åland
    assert all_municipalities() == sorted(names)


def test_uusimaa_is_split_into_five_organisers() -> None:
    assert county_of("Helsinki") == "Helsinki"
    assert county_of("Vantaa") == county_of("Kerava") == "Vantaa ja Kerava"
    assert county_of("Espoo") == county_of("Kauniainen") == county_of("Raasepori") == "Länsi-Uusimaa"
    assert county_of("Järvenpää") == county_of("Hyvinkää") == "Keski-Uusimaa"
    assert county_of("Porvoo") == county_of("Sipoo") == "Itä-Uusimaa"


@pytest.mark.parametrize(
    ("municipality", "county"),
    [
        ("Tampere", "Pirkanmaa"), ("Kuhmoinen", "Pirkanmaa"), ("Savonlinna", "Pohjois-Savo"),
        ("Joroinen", "Pohjois-Savo"), ("Heinävesi", "Pohjois-Karjala"), ("Iitti", "Päijät-Häme"),
        ("Isokyrö", "Etelä-Pohjanmaa"), ("Vaala", "Pohjois-Pohjanmaa"), ("Maarianhamina", "Ahvenanmaa"),
        ("Kemi", "Lappi"), ("Koski Tl", "Varsinais-Suomi"), ("Pedersören kunta", "Pohjanmaa"),
    ],
)
def test_county_of(municipality: str, county: str) -> None:
    assert county_of(municipality) == county


def test_county_of_accepts_swedish_names_aliases_and_case() -> None:
    assert county_of("Tammerfors") == "Pirkanmaa"
    assert county_of("tampere") == "Pirkanmaa"
    assert county_of("Pedersöre") == "Pohjanmaa"
    assert county_of("Atlantis") is None


CASES = [
    # (text, municipality) — many municipalities, many cases, gradation and stem changes
    ("Tampereella", "Tampere"), ("Tampereelta", "Tampere"), ("Tampereelle", "Tampere"),
    ("Tampereen", "Tampere"), ("Tampereeseen", "Tampere"), ("tamperelainen", "Tampere"),
    ("Ylöjärvellä", "Ylöjärvi"), ("ylöjärveltä", "Ylöjärvi"), ("Ylöjärvelle", "Ylöjärvi"),
    ("Lahdessa", "Lahti"), ("Lahteen", "Lahti"), ("Kemissä", "Kemi"), ("Kemiin", "Kemi"),
    ("Turussa", "Turku"), ("Turkuun", "Turku"), ("Turun", "Turku"), ("Turusta", "Turku"),
    ("Hämeenlinnassa", "Hämeenlinna"), ("Helsingissä", "Helsinki"), ("Helsinkiin", "Helsinki"),
    ("Helsingistä", "Helsinki"), ("Espoossa", "Espoo"), ("Espooseen", "Espoo"),
    ("Nokialta", "Nokia"), ("Vantaalla", "Vantaa"), ("Vantaalta", "Vantaa"),
    ("Joensuussa", "Joensuu"), ("Joensuuhun", "Joensuu"), ("Kuopiossa", "Kuopio"),
    ("Kuopioon", "Kuopio"), ("Iissä", "Ii"), ("Porissa", "Pori"), ("Poriin", "Pori"),
    ("Vaasassa", "Vaasa"), ("Kotkassa", "Kotka"), ("Mänttä-Vilppulassa", "Mänttä-Vilppula"),
    ("Koski Tl", "Koski Tl"), ("Lempäälästä", "Lempäälä"), ("Seinäjoella", "Seinäjoki"),
    ("Utsjoelta", "Utsjoki"), ("Rovaniemellä", "Rovaniemi"), ("Orivedellä", "Orivesi"),
    ("Haapavedeltä", "Haapavesi"), ("Pieksämäellä", "Pieksämäki"), ("Riihimäelle", "Riihimäki"),
    ("Pietarsaaressa", "Pietarsaari"), ("Rautalammella", "Rautalampi"),
    ("Kirkkonummella", "Kirkkonummi"), ("Outokummussa", "Outokumpu"), ("Juuassa", "Juuka"),
    ("Hangossa", "Hanko"), ("Liedossa", "Lieto"), ("Vihdissä", "Vihti"), ("Iitissä", "Iitti"),
    ("Luhangassa", "Luhanka"), ("Puolangalla", "Puolanka"), ("Lappeenrannassa", "Lappeenranta"),
    ("Järvenpäähän", "Järvenpää"), ("Hyvinkäällä", "Hyvinkää"), ("Kaskisissa", "Kaskinen"),
    ("Kauniaisissa", "Kauniainen"), ("Paraisilla", "Parainen"), ("Kaustisella", "Kaustinen"),
    ("Virroilla", "Virrat"), ("Alavudella", "Alavus"), ("Kannuksessa", "Kannus"),
    ("Nurmeksessa", "Nurmes"), ("Punkalaitumella", "Punkalaidun"), ("Kangasalla", "Kangasala"),
    ("Uudessakaupungissa", "Uusikaupunki"), ("Kristiinankaupungissa", "Kristiinankaupunki"),
    ("Maarianhaminassa", "Maarianhamina"), ("Saltvikissa", "Saltvik"), ("Lopella", "Loppi"),
    ("Pedersöressä", "Pedersören kunta"), ("Jyväskylässäkin", "Jyväskylä"),
    ("Oulussako", "Oulu"), ("Sodankylästä", "Sodankylä"), ("Äänekoskella", "Äänekoski"),
]


@pytest.mark.parametrize(("text", "municipality"), CASES)
def test_every_case_form_alone_is_recognised(text: str, municipality: str) -> None:
    assert find_municipality(text) == municipality


@pytest.mark.parametrize(
    ("text", "municipality"),
    [
        ("asun tampereella", "Tampere"),
        ("mä asun nokialla ja käyn koulua tampereella", "Nokia"),
        ("Mun koulu on Kotkassa.", "Kotka"),
        ("asun kotkassa", "Kotka"),
        ("mä oon lahdesta", "Lahti"),
        ("oon kotoisin kolarista", "Kolari"),
        ("me muutettiin kuopioon viime vuonna", "Kuopio"),
        ("mun koti on lahdessa", "Lahti"),
        ("asun koskella", "Koski Tl"),
        ("oon lahtelainen", "Lahti"),
        ("I live in Kotka", "Kotka"),
        ("jag bor i Helsingfors", "Helsinki"),
        ("Jag bor i Jakobstad", "Pietarsaari"),
        ("mä oon hesast", "Helsinki"),
        ("Tampereel asun", "Tampere"),
        ("asun jyvaskylassa", "Jyväskylä"),  # typed without ä
        ("asun tampereela", "Tampere"),  # one l missing
        ("kotka", "Kotka"),  # the whole message
    ],
)
def test_places_in_sentences(text: str, municipality: str) -> None:
    assert find_municipality(text) == municipality


@pytest.mark.parametrize(
    "text",
    [
        "koski oli kaunis",
        "tää koskee mua tosi paljon",
        "kävin lahdella uimassa",
        "mun nokia hajos",
        "ei mee hyvinkään",
        "oon lopen väsyny",
        "jouduin kolariin",
        "mun kaveri Inari sano et se ei tuu",
        "Kotka lensi yli",
        "en tajuu kemia yhtään",
        "mulla on paha olo",
        "haluun puhua jonkun kanssa",
        "onks tää anonyymi",
        "varkaudesta jäi kiinni",
        "se on aika lieto juttu",
        "det ska ingå i priset",
        "Mun nimi on Simo",
    ],
)
def test_ordinary_words_are_not_places(text: str) -> None:
    assert find_municipality(text) is None


def test_several_places_with_offsets() -> None:
    text = "asun Nokialla mutta koulu on Tampereella"
    matches = find_municipalities(text)
    assert [m.municipality for m in matches] == ["Nokia", "Tampere"]
    assert [text[m.start:m.end] for m in matches] == ["Nokialla", "Tampereella"]


def test_every_municipality_alone_resolves_to_itself() -> None:
    """Each name as the whole message, as written or lowercase: no name shadows another."""
    for name in all_municipalities():
        assert find_municipality(name) == name, name
        assert find_municipality(name.lower()) == name, name
        assert county_of(name) in EXPECTED_COUNTS, name


@pytest.mark.parametrize(
    ("text", "municipality"),
    [("oon tamperelainen", "Tampere"), ("me ollaan oululaisia", "Oulu"),
     ("oon helsinkiläinen", "Helsinki"), ("oon ylöjärveläinen", "Ylöjärvi"),
     ("oon kotkalainen", "Kotka")],
)
def test_demonyms_name_the_place(text: str, municipality: str) -> None:
    assert find_municipality(text) == municipality


def test_ambiguous_list_only_names_known_places() -> None:
    known = {name.lower() for name in all_municipalities()}
    known |= {alias.lower() for alias in places._aliases()}
    known |= {places.swedish_name_of(name).lower() for name in all_municipalities()}  # type: ignore[union-attr]
    assert places._ambiguous() <= known
