"""The crisis guard on round-3 families (found with the development set
tests/crisis/eval_fresh.yml), written in our own words, never copied from tests/crisis/:
look-alikes of crisis words stay quiet, and the same words said about a crisis now still fire."""

from __future__ import annotations

import pytest

from kynnys.crisis import get_guard

GUARD = get_guard()

# Look-alikes: waiting and school hyperbole, someone else's crisis that is long over (years,
# childhood, "all is well now", happy now), school-age bullying that has ended, news and
# statistics, an event report, a classic tragedy, a recipe, "my post last week".
NOT_CRISIS = [
    "tää ruuhka tappaa mut kohta",
    "opettaja tappo meidät biologian kokeella",
    "mun täti teki itsemurhan viime kesänä ja mä ikävöin sitä",
    "ala-asteella mua potkittiin pihalla mut nyt on ihan ok",
    "i got two likes on my post last week",
    "mun veli oli itsetuhoinen nuorena mut nyt se on onnellinen",
    "yks tyttö meidän koulusta viilteli yläasteella, nyt se on ihan kunnossa",
    "mun serkkua ahdisteltiin kolme vuotta sitten ja asia on hoidettu",
    "kaveri sano joskus et se haluu kuolla mut siitä on jo kauan",
    "se viilteli lapsena, nyt se on 30 ja kaikki on hyvin",
    "lehdessä oli et yliannostuskuolemat on vähentyny",
    "read that overdose deaths fell last year",
    "kuulin et keskustassa oli puukotus viime yönä",
    "näytelmässä molemmat tappaa ittensä lopussa",
    "viilsin pullataikinaan kuvion",
]

# The same words, a crisis now: these must still fire.
CRISIS = [
    "tää elämä tappaa mut, en jaksa enää elää",
    "mun täti teki itsemurhan ja nyt mäkin haluun kuolla",
    "mua lyötiin just koulun pihalla ja vuotaa verta",
    "this is my last post, goodbye",
    "mun veli on itsetuhoinen nyt ja mä pelkään",
    "kaveri haluu kuolla, se sano sen tänään",
    "otin överit äsken",
    "i think i overdosed",
    "mua puukotettiin äsken",
    "se uhkas et puukottaa mut",
    "viilsin ranteeseen",
    "yritin viime vuonna ja nyt ne ajatukset on tullu takas",
]

# Round-3 recall families, our own sentences (fi/sv/en): plans and means, being gone,
# wishes, self-harm signs, overdose signs, violence now, sexual violence, friends.
FAMILIES = [
    "oon miettiny miten sen tekisin niin ettei kukaan huomaa ajoissa",
    "jag undrar hur man gör det smärtfritt",
    "how many sleeping pills would it take",
    "luin paljonko unilääkettä pitää ottaa et ei enää heräis",
    "haluisin vaan häipyä täältä pysyvästi",
    "onks tää parveke tarpeeks korkee",
    "ei kukaan tuu kaipaamaan mua sitten ku oon kuollu",
    "hon kommer inte finnas kvar efter ikväll",
    "oon päättäny, teen sen tänä iltana",
    "hyvästi kaikki",
    "mä teen kohta jotain peruuttamatonta",
    "ois niin helpompaa vaan kuolla",
    "toivon et lakkaisin hengittämästä unissa",
    "ois parempi jos mulle vaan sattuis jotain",
    "miks edes jatkaa",
    "mulla on isän pistooli kädessä",
    "vedin rakoterällä ranteeseen",
    "jag rispade mig med rakbladet igår",
    "relapsed on cutting yesterday",
    "otin liikaa lääkkeitä enkä tunne mun sormia",
    "otin kaik pillerit mitä löysin",
    "took all the pills in the bottle",
    "isäpuoli hakkaa äitiä taas",
    "se makaa lattialla eikä hengitä",
    "de säger att de ska misshandla mig efter skolan",
    "valmentaja kouraisi mua pyllystä",
    "pelkään et mun sisko tekee itselleen jotain",
    "pelkään et se tekee itelleen jotain tänään",
    "mun ystävä on antanu kaikki kamansa pois",
    "🪦 tänään",
    "oon kohta ⚰️",
]

# Look-alikes of the round-3 families.
FAMILY_LOOK_ALIKES = [
    "kuinka sen kakun tekis ettei se valu",
    "haluun muuttaa pois täältä kaupungista pysyvästi",
    "ikävöin kuollutta mummoa",
    "kukaan ei kaipaa mua ku oon poissa leirillä",
    "mamma kommer döda mig om jag kommer sent",
    "kello lyö taas",
    "kaveri antaa vanhoja vaatteitaan pois kirppikselle",
    "oli niin kylmä etten tunne mun varpaita",
    "koe huomenna, oon kohta 🪦 lol",
    "mummon 🪦 on kaunis",
    "uniapneassa ihminen voi lakata hengittämästä",
    "mummo makaa sohvalla eikä vastaa puhelimeen",
    "haluun satuttaa sitä samalla tavalla ku se satutti mua sanoillaan",
    "kirjotin viestin ja se lukee sen sit myöhemmin",
    "ostin narua eikä se ollu kallista",
    "vasta ku nään verta mä rauhotun, tykkään splatter leffoista",
    "miten sen tekis ettei se satu, siis korvakorun",
    "how many tablets of ibuprofen does it take to work",
    "riittääkö tää silta tarpeeks vahva",
    "jag kommer inte finnas där imorgon",
    "teen lopullisen valinnan huomenna",
    "ois kiva kuolla vaikka 90-vuotiaana",
    "istun ikkunalla ja katon lunta",
    "se makaa sängyssä eikä liiku koko päivänä, tosi laiska",
    "haluisin lyödä sitä pallolla",
    "tein ne itse, haavat näyttää aidoilta",
    "otin liikaa karkkia en tunne mun kieltä",
    "tein itelleni jotain hyvää",
    "the bridge is high enough for boats",
    "otin liikaa stressiä enkä tunne mitään",
    "ostin narua mut ei kiinnosta askarrella",
    "se makaa maassa eikä liiku, pelissä bugi",
]


@pytest.mark.parametrize("text", FAMILIES)
def test_round3_family_fires(text: str) -> None:
    assert GUARD.check(text) is not None


@pytest.mark.parametrize("text", FAMILY_LOOK_ALIKES)
def test_round3_family_look_alike_stays_quiet(text: str) -> None:
    assert GUARD.check(text) is None, GUARD.check_all(text)


def test_grave_emoji_is_a_word_and_skull_is_not() -> None:
    assert GUARD.check("🪦🪦 tänään") is not None
    assert GUARD.check("💀 tänään") is None


@pytest.mark.parametrize("text", NOT_CRISIS)
def test_look_alike_stays_quiet(text: str) -> None:
    assert GUARD.check(text) is None, GUARD.check_all(text)


@pytest.mark.parametrize("text", CRISIS)
def test_crisis_still_fires(text: str) -> None:
    assert GUARD.check(text) is not None
