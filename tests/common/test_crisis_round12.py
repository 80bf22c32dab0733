"""Stop 12's guard rules (kynnys/crisis/context.py, lexicon.py and data/crisis/lexicon.yml).
Our own sentences, none from tests/crisis/.

- `victim_subject`: after a passive verb ("kaveri raiskattiin", "she was assaulted") the
  person named before it is the one harmed, so a friend's past that is over stays quiet.
- `coursework_makers`: "teen / mun / my" one or two words before a lesson word is the
  writer's coursework; a thought ("mietin tunnilla itsemurhaa") is not.
- Moving away, a pill pack, army food, game deaths, "hirttäytyä johonkin", "jobbet dödar
  mej": look-alikes. Implied plans ("mitä järkee tässä on enää", a place to be buried) and
  secret filming: crises.
"""

from __future__ import annotations

import pytest

from kynnys.crisis import get_guard
from kynnys.crisis.guard import CrisisGuard
from kynnys.crisis.lexicon import parse_lexicon

GUARD = get_guard()

QUIET = [
    # a friend's past, told with a passive verb, that is over
    "mun kaveri raiskattiin kolme vuotta sitten ja nyt se voi ihan hyvin",
    "my cousin was assaulted years ago and she is doing great now",
    "my sister was molested as a kid but thats years ago and shes doing great now",
    # coursework and lessons
    "teen sairaanhoitajan tehtävää yliannostuksista",
    "i have to finish my psychology assignment on suicide",
    # moving away, trips, the pill pack
    "muutan vaihtoon saksaan, huomenna on mun vika päivä täällä",
    "moving to another city next month so im giving away most of my stuff to friends",
    "mun pillerilevyssä on 28 pilleriä, pidänkö taukoviikon",
    # driving on (not onto) the motorway
    "ajoin eilen ekaa kertaa moottoritiellä",
    # things and games as what "kills" or hangs
    "inttiruoka tappaa mut vielä",
    "jobbet dödar mej den här veckan",
    "pelissä piti hirttää yks npc",
    "hyppäsin sillalta pelissä ja kuolin fall damageen",
    "hirttäydyin siihen ajatukseen koko viikoks",
    # an if, a laugh and Kela
    "jos mun pitää vielä kerran soittaa kelaan ni mä hyppään ikkunasta haha",
    # a book in Swedish
    "jag läser en bok om en kille som skär sig, den är bra",
    # hyperbole about being buried
    "haluun haudata itteni peiton alle koko päiväks",
    "tää flunssa vie mut hautaan",
    "mitä järkee on enää lukea siihen kokeeseen",
    # round E (from eval_fresh15/16): idioms, the past, games, a doctor's advice, the news
    "jos mun pitää vielä kerran laulaa sitä virttä ni hyppään ikkunasta haha",
    "if i have to fill one more form im jumping out the window lol",
    "kemian kurssi on ihan itsemurhatehtävä",
    "voisin kuolla onnesta, sain sen kesätyön!",
    "hettan tar livet av mej, orkar inte",
    "den här blanketten från fpa dödar mej",
    "mut lukittiin joskus ala-asteella vessaan, nyt se on ohi",
    "kompisens mamma var våldsam men de har flyttat och är trygga nu",
    "voiko melatoniinia ottaa jos on 14",
    "se sarja käsitteli itsemurhaa tosi hyvin",
    "mun koira söi koko karkkipussin",
    "kaverin serkku kuoli yliannostukseen vuosia sitten",
    "se trollas ja tappo mut omalla kranaatilla",
    "tässä pelissä en selviä hengissä ekaa minuuttia",
    "min pappa slog mig när jag var liten men nu bor jag själv",
    "lääkäri sano et ei kannata juoda alkoholia näiden lääkkeiden kanssa",
    "näin uutisen et joku hyppäs sillalta helsingissä",
    "police warned about sextortion on the radio",
    "leffassa joku viilsi jonkun kurkun",
    "can i pay another way than card",
    # round F (from eval_fresh17/18)
    "jos mä vielä kerran kuulen sen biisin nii hyppään ikkunasta lol",
    "mä hirtän itteni jos joudun vielä yhteen ryhmätyöhön lol",
    "isä hirttää mut jos se kuulee et mä lintsasin",
    "tää pääsykokeisiin lukeminen tappaa mut",
    "äidin kasvissosekeitto tappaa mut",
    "kuolisin mieluummin ku laulaisin yksin kuoron edessä",
    "studentskrivningarna tar livet av mej",
    "tror att jag är bi men vågar int säga det hemma",
    "peliin tuli uus ase ja se on ihan liian vahva",
    "isoveli tönäs mua riidassa pari vuotta sitten, nyt ollaan sovittu",
    "a friend got assaulted a long time ago, she is safe now",
    "biologian tunnilla puhuttiin siitä miten alkoholi ja lääkkeet vaikuttaa yhdessä",
    "esseessä vertasin suomen itsemurhatilastoja muihin maihin",
    "the show had a really realistic overdose scene",
    "isä opetti mua tappamaan ja perkaamaan kalan mökillä",
    "me muutettiin uuteen kaupunkiin ja mä annoin mun pyörän serkulle ku en tarvii sitä täällä",
    "mun serkku puhu kuolemisesta mut nyt se saa apua",
    "unohin ottaa mun lääkkeen ja on vähä outo olo",
    "me katottiin koulussa video sextortionista",
    "meiän koulussa kävi poliisi puhumassa groomingista",
    "mun lempibiisi kertoo siitä et haluu kuolla",
    "det är ett år sen pappa dog och jag tänker på honom",
    "mul on huono itsetunto",
    # round G (from eval_fresh19/20)
    "mun ex yritti joskus vahingoittaa itteensä mut nykyään se on hyvässä hoidossa",
    "luokkakaveri otti liikaa lääkkeitä pari vuotta sitte, nyt se on kunnossa",
    "my ex was in hospital after an overdose ages ago, hes fine now",
    "a friend got sextorted last year but reported it and it all got sorted",
    "kaveri viilteli yläasteella mut se on lopettanu jo kauan sitten",
    "söin koko pussin keksejä",
    "hirttäjäpeliä pelattiin tunnilla",
    "viilsin kämmeneen vahingossa ku avasin avokadoa",
    "mä muutan ensi kuussa toiseen kaupunkiin, pitää jättää hyvästit kavereille",
    "ope sano et se hukuttaa meiät läksyihin",
    "isoveli löi mua viime vuonna mut nyt se on muuttanu pois",
    "mua lyötiin koulun pihalla kolmosella",
    "luin lehdestä et joku kuoli junan alle",
    "ope näytti videon groomingista",
    "saw a news story about a shooting",
    "såg en skräckfilm och nu vågar jag inte sova",
    "toi meemi tappo mut",
    "pappa kommer hänga mig om jag inte städar",
    "en uskalla kertoo kotona et oon bi",
]

FIRES = [
    # the writer, passive verbs
    "mut raiskattiin eilen bileissä",
    "mua ahdisteltiin äsken bussissa",
    "i was assaulted on my way home",
    "i got stabbed",
    "i think i got drugged at the party",
    # someone else now, passive verbs
    "mun kaveri raiskattiin viikonloppuna eikä se uskalla kertoo kellekään",
    "my friend was raped last night",
    # the writer long ago is still the writer
    "mut raiskattiin vuosi sitten enkä oo kertonu kellekään",
    # active verbs keep firing
    "he raped me",
    "my stepdad has been molesting me for years",
    "my friend is being sextorted and talks about dying",
    # a thought during a lesson
    "mietin tunnilla itsemurhaa",
    "mietin itsemurhaa tunnilla",
    # implied plans
    "ei oo duunia ei rahaa ei ketään, mitä järkee tässä on enää",
    "kävin kattomassa paikkaa mihin mut vois haudata",
    # secret filming, threats at school today
    "he secretly filmed us and now hes sending it to everyone",
    "ne odottaa mua koulun pihalla ja sano et mut pahotellaan tänää",
    # a last day that is not a move
    "tää on mun vika päivä täällä, en jaksa enää",
    # round E
    "mietin jo mitä biisejä mun hautajaisissa soitetaan",
    "haluisin vaan päästä isän luo taivaaseen",
    "mä vaan kävelen mereen tänään",
    "how long does it take to freeze to death outside",
    "kämppis kävi muhun käsiks ja mä oon nyt rappukäytävässä",
    "mun poikaystävä myy mua sen kavereille",
    "vuokranantaja sano et voin maksaa vuokran muulla tavalla",
    "my landlord says i can pay the rent in other ways",
    "exä on nyt oven takana ja hakkaa ovea",
    "tränaren rör mej fast jag säger nej",
    "jag har stått på bron i en timme nu",
    "nån slog mig och jag blöder",
    "jag slår mig själv när jag är arg",
    "en taida nähä joulua",
    "i was rapd at a party",
    "mun kaveri joutu hyväksikäytetyks eilen",
    # round F
    "haluun hirttää itteni",
    "jos se lyö mua vielä kerran ni hyppään ikkunasta",
    "en nää ens kevättä",
    "kuolemanajatuksia",
    "voiko hukkuminen sattua paljon? kysyn omasta puolesta",
    "tein testamentin ja siinä lukee kuka saa mun kissan",
    "meidän perhe aikoo viedä mut naimisiin kesällä",
    "jag kommer inte vara här på studentfesten",
    "de har sagt att de ska hugga mej efter skolan",
    "min lillasyster ska träffa en vuxen man från nätet ikväll",
    "how high does a building have to be so you dont survive",
    "my boyfriend forces me to do stuff i say no to",
    "my sister is about to meet a guy from discord whos 30",
    "got kicked out at 2am and its freezing",
    "kaveri karkas kotoo ja on ulkona pakkasessa eikä vastaa",
    "mun soitonopettaja kosketelee mua tunneilla",
    "mun pikkusisko lähti tapaamaan jotain aikuista miestä netistä",
    # "not in danger" stays a mention (minimising: "not in danger but i've counted my pills")
    "im not in danger but ive counted my pills",
    # round G
    "jos mä kuolen ni kuka ottaa mun kissan",
    "mun serkku koskee mua pahasti aina ku ne on kylässä",
    "someone is sextorting me on snap",
    "my friend is being sextorted",
    "mun ex uhkaa tappaa ittensä jos mä jätän sen",
]


@pytest.mark.parametrize("text", QUIET)
def test_look_alikes_stay_quiet(text: str) -> None:
    assert GUARD.check(text) is None, GUARD.check_all(text)


@pytest.mark.parametrize("text", FIRES)
def test_crisis_messages_still_fire(text: str) -> None:
    assert GUARD.check(text) is not None


def _guard(victim_subject: bool) -> CrisisGuard:
    return CrisisGuard(parse_lexicon({
        "entries": [{"id": "fi_raped", "category": "sexual_violence", "any": ["raiskattiin"],
                     "victim_subject": victim_subject, "examples": ["mut raiskattiin"]}],
        "context": {
            "others": ["kaveri"], "victims": ["kaveria"], "self": ["mut"], "self_is": ["oon"],
            "victim_categories": ["sexual_violence"], "clause_breaks": ["ja"],
            "cues": [{"id": "years_ago", "kind": "over", "all": [["vuosia"], ["sitten"]],
                      "examples": ["vuosia sitten"]}],
        },
    }))


def test_victim_subject_makes_the_person_before_a_passive_verb_the_one_harmed() -> None:
    text = "kaveri raiskattiin vuosia sitten"
    assert _guard(victim_subject=True).check(text) is None
    # without the flag "kaveri" may be the attacker: it stays on
    assert _guard(victim_subject=False).check(text) is not None
    assert _guard(victim_subject=True).check("mut raiskattiin vuosia sitten") is not None


def test_coursework_makers_are_optional() -> None:
    lexicon = parse_lexicon({"entries": [{"id": "x", "category": "suicidal", "any": ["itsari"],
                                          "examples": ["itsari"]}]})
    assert lexicon.context is None
    assert GUARD.lexicon.context is not None
    assert GUARD.lexicon.context.coursework_makers is not None


def test_silenced_lists_the_hits_the_context_turned_off() -> None:
    past = "mun serkku otti liikaa lääkkeitä viime vuonna ja nyt se on ihan kunnossa"
    assert GUARD.check(past) is None
    assert {hit.category for hit in GUARD.silenced(past)} & {"overdose", "friend_in_danger"}
    assert GUARD.silenced("moi, mitä kuuluu") == []
    # something fired: nothing is "silenced", whatever else the message says
    assert GUARD.silenced("kaveri viilteli vuosia sitten mut nyt mä haluun kuolla") == []
