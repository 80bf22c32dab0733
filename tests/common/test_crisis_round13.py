"""Crisis guard, round H (stop 13, from the misses and false alarms of eval_fresh23-30).

Our own sentences, never copied from the evaluation sets or the training examples: each pair
shows a family of look-alikes that must stay quiet and the crises next to it that must fire.
"""

from __future__ import annotations

import pytest

from kynnys.crisis import get_guard

GUARD = get_guard()

QUIET = [
    # a thing that IS (pure) suicide: an idiom (cue_any_is_pure_suicide)
    "tää parkkimaksu on ihan itsari",
    "koko tää kurssi on ihan itsemurhaa, viis esseetä viikossa",
    "bussikortin hinta är rena självmordet",
    "the queue at the pharmacy is literally suicide lol",
    # "I'll shoot myself if..." with a laugh and a trivial trigger (joke_possible)
    "mä ammun itteni jos se soittaa taas sitä samaa biisiä lol",
    # games, leg day, chores
    "eilen joku tappo mut rustissa ja vei kaikki kamat",
    "kaveri tappo mut fifassa ihan suoraan",
    "jalkatreeni tappo mut, en pääse portaita ylös",
    "neuvolan jonotus tappaa mut, tunti jo odotettu",
    # one letter from a crisis word
    "raskauden jälkeen oon ollu tosi väsyny",
    "my little brother is growing so fast",
    "tuntuu et oon väärässä paikassa tässä työssä",
    "we always eat lunch in the break room",
    # a weekly pill box
    "laitoin dosettiin viikon lääkkeet valmiiks, helpottaa muistamista",
    # lessons and first aid
    "ensiapukurssilla opeteltiin mitä tehdä jos joku ottaa yliannostuksen",
    "meidän opo puhu siitä miten tunnistaa grooming",
    "provet i historia kommer döda mig haha",
    "den där låten har tagit livet av mig, den spelas hela tiden",
    "if i have to watch one more powerpoint today im jumping out the window lol",
    "leikkelin kuvia lehdestä kollaasiin",
]

FIRES = [
    ("mun ainoo vaihtoehto on itsemurha", "suicidal"),
    ("mä oon ihan itsari enkä jaksa enää", "suicidal"),
    ("mietin ihan oikeesti itsemurhaa", "suicidal"),
    ("mä ammun itteni tänään", "suicidal"),
    ("isä tappo melkein mut eilen ja se on taas kotona", "violence_now"),
    ("tänker ta livet av mej efter matchen", "suicidal"),
    ("jag hänger mig om hon lämnar mig", "suicidal"),
    ("mulla on kaikki lääkkeet valmiina pöydällä", "suicidal"),  # a plan: suicidal first
    ("mä oon vaarassa", "violence_now"),
    ("leikkelin taas itteeni eilen", "self_harm"),
    ("oon leikelly ranteita koko syksyn", "self_harm"),
    ("onks kipeetä jos hukkuu", "suicidal"),
    ("onko olemassa kivutonta tapaa kuolla", "suicidal"),
]


@pytest.mark.parametrize("text", QUIET)
def test_look_alikes_stay_quiet(text: str) -> None:
    assert GUARD.check(text) is None, [h.rule_id for h in GUARD.check_all(text)]


@pytest.mark.parametrize(("text", "category"), FIRES)
def test_crises_next_to_them_fire(text: str, category: str) -> None:
    hit = GUARD.check(text)
    assert hit is not None and hit.category == category, hit
