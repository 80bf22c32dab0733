"""Crisis guard, rounds I and J (stop 14, from the misses of eval_fresh31-38 and then of
eval_fresh39-46, each read after its blind measurement).

Our own sentences, never copied from the evaluation sets or the training examples: the crises
of each new family must fire (with check(), so the context rules are applied too), and the
look-alikes next to them must stay quiet. Round I also had to keep every earlier hit: a word
newly listed anywhere stops typo matching of that word elsewhere ("järven" was no longer read
as "järveen"), which is what the last two crises below guard against.
"""

from __future__ import annotations

import pytest

from kynnys.crisis import get_guard

GUARD = get_guard()

FIRES = [
    ("systern blir misshandlad av sin kille just nu", "violence_now"),
    ("kaverin huulet on ihan siniset ja se hengittää oudosti", "friend_in_danger"),
    ("her lips look blue and she wont wake up", "friend_in_danger"),
    ("mun pikkusisko on tukehtumassa", "friend_in_danger"),
    ("mulla on ite murha mielessä joka päivä", "suicidal"),
    ("i wanna die lol but like for real", "suicidal"),
    ("minä leikkaan minun käsi joka ilta", "self_harm"),
    ("haluisin vaan hukkua mereen", "suicidal"),
    ("en mä jaksa olla enää olemassakaan", "suicidal"),
    ("mun perhe ei välitä nii miks mä eläisin", "suicidal"),
    ("meen nyt yksin sen parkkitalon katolle", "suicidal"),
    ("mietin et meen yöllä pakkaseen makaamaan ja jään sinne", "suicidal"),
    ("esimies sano et saan lisää vuoroja jos mä nukun sen kanssa", "sexual_violence"),
    ("two guys are chasing me right now im hiding", "violence_now"),
    ("vedin kokaiinia ja nyt rintaan sattuu tosi paljon", "overdose"),
    ("join pesuainetta ja nyt oksettaa", "overdose"),
    ("pelaaminen piti mut hengissä mut nyt sekään ei enää auta", "suicidal"),
    ("oon miettiny tappavani itteni tän viikon aikana", "suicidal"),
    ("kunpa mä oisin kuollu siinä kolarissa", "suicidal"),
    ("sometimes i wish i had died in that crash", "suicidal"),
    # round J
    ("jag funderar bara på hur jag ska dö", "suicidal"),
    ("det är en fin dag att dö", "suicidal"),
    ("jag har gjort klart mitt testamente", "suicidal"),
    ("jag drack klorin för en stund sen", "overdose"),
    ("otin 15 subua ja nyt väsyttää", "overdose"),
    ("mä istun tässä isän haulikko sylissä", "suicidal"),
    ("se veti liikaa ja nyt se tärisee ja on ihan sekava", "friend_in_danger"),
    ("he locked me in the basement and took my phone", "violence_now"),
    # earlier hits that round I must not lose (typo matching of "järven", "kiipeen")
    ("ajattelin et kävelen järven jäälle ja jatkan niin kauas ku pääsee", "suicidal"),
    ("tänään mä kiipeen koulun katolle enkä tuu takas alas", "suicidal"),
]

QUIET = [
    "han blev slagen för länge sen men nu mår han bra",
    "mun huulet oli ihan siniset ku uitiin järvessä",
    "mä meinasin tukehtua nauruun ku näin sen videon",
    "i wanna go to the party but actually im tired",
    "leikkaan mun kynnet ennen salia",
    "leikkasin vahingossa käteen ku avasin pakettia",
    "meen kohta katolle kolaamaan lunta iskän kanssa",
    "talvileirillä mentiin pakkaseen nukkumaan telttaan",
    "hävisin lumisodan ja jäin makaamaan hankeen 😂",
    "pomo sanoi et jos nukun huonosti ni voin tulla myöhemmin",
    "pikkuveli jahtaa mua vesipyssyn kanssa",
    "luin uutisen et kokaiini voi saada sydämen hakkaamaan",
    "laitoin lannoitetta kukille",
    "kahvi piti mut hengissä koko tentin mut nyt se loppu",
    "jag vet inte hur jag ska göra med läxan",
    "farfar skrev sitt testamente förra våren",
    "istun passissa kiväärin kanssa, hirvijahti alkaa kuudelta",
    "kaveri veti liikaa viime kesänä mut on nyt ihan kunnossa",
    "i locked myself out again lol",
]


@pytest.mark.parametrize(("text", "category"), FIRES)
def test_crises_of_round_i_fire(text: str, category: str) -> None:
    hit = GUARD.check(text)
    assert hit is not None and hit.category == category, (
        hit, [h.rule_id for h in GUARD.check_all(text)])


@pytest.mark.parametrize("text", QUIET)
def test_look_alikes_of_round_i_stay_quiet(text: str) -> None:
    assert GUARD.check(text) is None, [h.rule_id for h in GUARD.check_all(text)]
