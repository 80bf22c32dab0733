"""The crisis guard on round-3 and round-4 families (found with the development sets
tests/crisis/eval_fresh.yml and eval_fresh2.yml), written in our own words, never copied
from tests/crisis/:
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


# Round-4 recall families, our own sentences: rather dead, not supposed to be alive, "if I'm
# gone tomorrow", goodbyes for good, who gets my things, notes and letters, a plan with a
# time, no strength for life, disappearing for good, the place checked in advance, pills
# saved or lined up, water/ice/jumping, self-harm slang (sh), new marks, heated objects,
# hidden wounds, relapse, raging with a knife, screams for help, being followed, threats
# now, spiked drinks, a pet or accounts given away, one-word messages, typos.
ROUND4_FAMILIES = [
    "oisin mieluummin kuollu ku menny sinne takas",
    "ois ollu parempi jos oisin kuollut synnytyksessä",
    "ei mun kuuluis olla täällä elossa",
    "mä en ansaitse elää enää",
    "kai mun pitäis vaan kuolla pois",
    "kaikille ois helpompaa et mua ei ois",
    "jos mä oon huomenna poissa ni älkää ihmetelkö",
    "heippa kaikki lopullisesti",
    "kiitti kaikesta, moi ikuisesti",
    "this is my last goodbye to all of you",
    "en tuu kirjottaa tänne enää kenellekään",
    "tein listan kuka saa mun tavarat",
    "mietin kenelle mun pelikoneet ja kamat menee",
    "who gets my stuff when im gone",
    "wrote my goodbye note",
    "jag har skrivit ett brev ifall något händer mig",
    "jag har en plan och vet hur",
    "i have a plan and know when",
    "jag orkar inte med livet längre",
    "vill inte vakna mer",
    "alla skulle ha det bättre utan mig",
    "jag borde bara dö",
    "haluun pois kaikesta",
    "haluun vaan kadota pysyvästi",
    "i wanna disappear forever",
    "oon valmis kuolemaan",
    "ajatus kuolemasta helpottaa",
    "mun elämä on turhaa",
    "en jaksa, tää oli tässä",
    "oon niin lähellä tehdä sitä",
    "mietin et uisin kauas enkä tulis takas",
    "kävin katsomassa sillan korkeuden etukäteen",
    "mulla on pillerit valmiina edessä",
    "oon säästäny lääkkeitä",
    "kai mä hyppään jostain alas",
    "mietin et ajanko auton jokeen",
    "löin nyrkillä seinään ja käsi vuotaa",
    "mun ranne vuotaa verta mut ihan sama",
    "käytän pitkähihasia ettei kukaan nää mun arpia",
    "raavin ihon verille",
    "otin taas partakoneen terän esiin",
    "jag gömmer såren",
    "jag skar mig igen",
    "i sh again",
    "i relapsed on sh",
    "cuts getting deeper",
    "uusia jälkiä käsivarressa",
    "kuumensin avaimen ja painoin sen ihoon",
    "tein sen taas terällä",
    "jag har överdoserat",
    "isäpuoli on raivona ja sillä on veitsi",
    "äiti huutaa apua keittiössä",
    "någon följer efter mig",
    "someone is following me home",
    "kaveri ei pysty hengittää",
    "mua uhkaillaan nyt",
    "someone put something in my drink",
    "my drink was spiked last night",
    "gave my dog away to my aunt",
    "poistin kaikki mun somet",
    "kuolla",
    "vilttelin taas",
    "otin monta burania",
    "isä kurist mua",
    "mielummin oisin kuollu",
    "olisin mieluummin kuollut kuin elossa",
    "id rather be dead",
    "jag skulle hellre vara död",
    "mun ei pitäis olla olemassa",
    "i dont deserve to be alive",
    "i shouldnt be alive",
    "jag borde inte leva",
    "ois parempi jos mua ei olis ollenkaan",
    "itll be better when im not around",
    "det vore bättre om jag inte fanns",
    "jos mua ei huomenna enää oo nii älkää surko",
    "if im not here tomorrow dont be sad",
    "hyvästi kaikki lopullisesti",
    "bye everyone forever",
    "hejdå alla för alltid",
    "tää on mun viimenen viesti teille",
    "en tuu enää vastaamaan kenellekään",
    "you wont hear from me again",
    "ni kommer inte höra från mig mer",
    "tein testamentin mun kamoista",
    "who should get my things after im gone",
    "vem ska få mina saker när jag är borta",
    "kirjotin kirjeen äidille ja siskolle jos mulle käy jotain",
    "wrote letters to my family in case something happens",
    "mul on suunnitelma ja tiiän milloin",
    "i know how and when im doing it",
    "en jaksa enää elää",
    "i cant do life anymore",
    "orkar inte leva",
    "en halua herätä huomenna",
    "i dont wanna wake up tomorrow",
    "i hope i dont wake up",
    "haluun pois tästä kaikesta",
    "i want out of everything",
    "haluun vaan kadota ikuisesti",
    "vill försvinna för alltid",
    "oon valmis kuolee",
    "im ready to die",
    "kuolema houkuttaa",
    "the thought of dying calms me",
    "tanken på att dö lugnar mig",
    "mun elämä on ihan arvotonta",
    "my life is pointless",
    "mitä järkee tässä elämässä on",
    "tää oli nyt tässä, en jaksa",
    "oon ollu tosi lähellä tehä jotain",
    "i was so close to doing it last night",
    "uisin ulos niin pitkälle et en jaksais takas",
    "ajattelin ajaa rekan alle",
    "i thought about driving into the lake",
    "mä viiltelin taas",
    "sh again last night",
    "shd again",
    "relapsed on sh after 3 months",
    "i burned my arm with a hot spoon",
    "poltin ihoa tupakalla",
    "jag bränner mig med tändaren",
    "pidän hupparia ettei kukaan nää mun viiltoja",
    "i hide my arms with long sleeves",
    "jag döljer mina ärr",
    "isä on kännissä ja sillä on puukko",
    "dad is drunk and has a knife",
    "pappa är full och har en kniv",
    "äiti huutaa apua ja isä huutaa",
    "mom is screaming for help",
    "mamma skriker på hjälp",
    "joku seuraa mua kotiin",
    "a guy has been following me for blocks",
    "någon följer mig hem",
    "my friend cant breathe properly",
    "min kompis kan inte andas",
    "kaveri ei hengitä kunnolla",
    "joku laitto jotain mun juomaan",
    "someone spiked my drink",
    "någon hällde något i min drink",
    "heräsin jonkun luota enkä muista mitään",
    "i woke up at a strangers place and dont remember",
    "annoin mun kissan pois kun en tarvii sitä enää",
    "gav bort min katt",
    "poistin kaikki mun tilit ja kiitin kaikkia",
    "deleted all my socials and said bye",
    "säästin unilääkkeitä monta viikkoa",
    "ive been saving up my pills",
    "jag har sparat tabletter",
    "mulla on pillerit kädessä",
    "kaverin faija hakkaa sitä",
    "my friends dad is beating her right now",
    "vilttelin",
    "viitelin ranteeseen",
    "kuristi mua",
]

# Round-4 look-alikes: idioms, absence from school, goodbyes until tomorrow, a flea market,
# school notes, early alarms, a cottage weekend, essays, swimming back to shore, a pill
# organiser, a jetty, thin ice warnings, nail biting, razors, bread, shell scripts, paper
# cuts, a cat's scratches, an oven burn, beaten in a game, ice in a drink, a dog sitter, a
# social-media break, things and coaches that "kill", game skins and chef's knives, a
# slipped knife and a plaster, news, health class and warning-sign videos, a friend's or
# cousin's crisis that is over, a job left behind.
ROUND4_LOOK_ALIKES = [
    "kuolisin mieluummin nauruun ku menisin sinne",
    "tää kukka pitäis kuolla jo",
    "kuollakseni nälkänen",
    "jos mä oon huomenna poissa koulusta nii kerro",
    "moikka kaikki, nähään huomenna",
    "this is a goodbye card for our teacher",
    "en tuu enää bileisiin kenenkään kaa",
    "kuka saa mun vanhat vaatteet kirpparilta",
    "wrote a note for my teacher",
    "jag har en plan för helgen",
    "jag vill inte vakna tidigt imorgon",
    "haluun pois täältä bileistä",
    "haluun kadota mökille viikonlopuks",
    "oon valmis kokeeseen",
    "mun essee on turhaa",
    "oon lähellä tehdä sen esseen valmiiks",
    "uin kauas ja takaisin rantaan",
    "kävin katsomassa uutta siltaa",
    "mulla on lääkkeet dosetissa valmiina aamupalalla",
    "hyppään laiturilta veteen",
    "ajan mökille huomenna",
    "älkää menkö jäälle, se on ohutta",
    "puren kynsiä verille",
    "vaihdoin terän höylään",
    "jag skar brödet igen",
    "the sh script failed",
    "paper cut deep",
    "kissa teki uusia naarmuja mun käsivarteen",
    "poltin vahingossa käteen uunissa",
    "isoveli lyö mua taas pelissä",
    "pikkusisko lyö mua aina korttipelissä",
    "i put ice in my drink",
    "gave my dog to my mom for the weekend",
    "poistin kaikki somet detoxin ajaks",
    "valmentaja tappo meidät tänään",
    "tää helle tappaa meidät",
    "got a new knife skin",
    "got a new chef knife",
    "veitsi lipsahti ja laastari riitti",
    "skar mig på papperet",
    "this deadline is killing me",
    "luin jutun puukotuksesta",
    "terveystiedossa opittiin mitä tehdä jos kaveri ottaa liikaa lääkkeitä",
    "saw a video about warning signs of suicide",
    "mun kaveri viilteli lukiossa mut nyt se opiskelee",
    "serkku joi liikaa viime vuonna mut ei juo enää",
    "hon tog en överdos för länge sen men är frisk nu",
    "jag kommer inte finnas kvar på jobbet efter sommaren",
    # the person is named outside the hit's clause; "ittee" said of someone else
    "serkku joutui sairaalaan viime talvena ku nieli liikaa pillereitä, nyt se voi hyvin",
    "soitin kaverille ambulanssin viime kesänä, nyt sillä menee hyvin",
    "siskoni satutti ittee vuosia sitten mut se on ohi jo kauan",
    # the same families in Swedish and English
    "id rather die than sing karaoke tonight",
    "jag skulle hellre dö än äta surströmming",
    "the game is more fun when im not around the toxic guys lol",
    "if im not here by noon just start without me",
    "you wont hear from me this week, no wifi at the cabin",
    "mulla on suunnitelma kesälle ja tiedän milloin lähden",
    "i know how and when to use a semicolon now",
    "grandma had a peaceful death and i miss her",
    "i was so close to doing it perfectly in the recital",
    "i cover my arms with sleeves because of sunburn",
    "the character in the movie was screaming for help",
    "my brother cant breathe through his nose, flu again",
    "jag la socker i min drink",
    "heräsin mummon luota enkä muistanu et oli lauantai",
    "isä hakkaa sitä vanhaa rumpua autotallissa",
]


@pytest.mark.parametrize("text", ROUND4_FAMILIES)
def test_round4_family_fires(text: str) -> None:
    assert GUARD.check(text) is not None


@pytest.mark.parametrize("text", ROUND4_LOOK_ALIKES)
def test_round4_look_alike_stays_quiet(text: str) -> None:
    assert GUARD.check(text) is None, GUARD.check_all(text)


@pytest.mark.parametrize(
    "text",
    [
        # a hit that names the writer now is never turned off by an over/news cue
        "mä haluun kuolla, kaveri viilteli lukiossa mut nyt se opiskelee",
        "luin artikkelin miten auttaa kaveria ja mä haluun kuolla itse",
        # "ittee" can be the writer too: only someone else's over story is quiet
        "satutin ittee eilen",
        # a friend in a subordinate clause, still happening
        "kaveri on sairaalassa ku otti liikaa lääkkeitä äsken",
    ],
)
def test_round4_writer_or_present_still_fires(text: str) -> None:
    assert GUARD.check(text) is not None
