"""The crisis guard on families of messages found missing by the blind development set
tests/crisis/eval_dev2.yml, written in our own words (never copied from tests/crisis/): each
family's crisis messages fire, and everyday look-alikes of the same words stay quiet."""

from __future__ import annotations

import pytest

from kynnys.crisis import get_guard

GUARD = get_guard()

# Crisis messages: jumping with a time or a decision, not waking up, thanks + sorry, ending
# "this", tonight, violence happening now, pills with an amount or alcohol, sextortion and
# grooming secrecy, giving things away, burdens, burns, friends in danger (fi/sv/en).
CRISIS = [
    "hyppäisin mielummin alas ku jatkaisin tätä",
    "mä hyppään kohta alas täältä katolta",
    "haluisin hypätä junan eteen",
    "kunpa en heräis enää ikinä",
    "kiitos kaikesta, anteeks kaikki",
    "hyvästi kaikki, rakastan teitä",
    "en jaksa, haluun lopettaa tän",
    "mä teen sen tänä yönä",
    "tänään mä teen sen",
    "äiti lyö mua taas, apua",
    "en uskalla mennä kotiin koska isä on kännissä ja raivoaa",
    "poikaystävä ei päästä mua lähtemään",
    "söin koko purkin melatoniinia",
    "nielin kymmenen panadolia",
    "vedin pillereitä ja viinaa",
    "mä oon ottanu liikaa lääkkeitä",
    "mies netissä sanoo et levittää mun kuvat jos en lähetä lisää",
    "se kiristää mua mun nudeilla",
    "joku aikuinen haluu tavata mut ja käski olla kertomatta",
    "setä tulee mun sänkyyn öisin",
    "ostin köyden",
    "annoin kaikki mun tavarat pois",
    "mä oon taakka kaikille",
    "poltin itteäni tupakalla",
    "raavin käsiä verille",
    "kaveri on ottanu jotain pillereitä eikä herää",
    "mun siskoa hakataan",
    "jag vågar inte gå hem",
    "tack för allt, förlåt",
    "im scared to go home",
    "he said hell kill me if i tell anyone",
    "i wrote goodbye letters to my family",
    "i cant do this anymore, i want to die",
    "i dont want to wake up tomorrow",
    "nobody would care if i was gone",
    "someone is threatening to post my nudes",
    "i have a knife and i want to use it on myself",
    "en jaksa tätä enää, mä lähen täältä pysyvästi",
    "hyvästi maailma",
    "huomenna mua ei oo enää",
    "mulla on pilleri purkki kädessä",
    "mietin montako pilleriä tarvii et kuolee",
    "kuinka monta buranaa pitää ottaa et kuolee",
    "miten saa ittensä hengiltä",
    "mä haluun et kaikki loppuu",
    "oon ihan yksin ja mietin kuolemaa joka päivä",
    "ne hakkaa mua koulun takana nyt",
    "mä heitän itteni junan alle",
    "tuntuu et ainoo tie ulos on kuolema",
]

# Look-alikes: the same verbs and nouns in everyday messages (sports, school, chats, food,
# dosing by the instructions, relationships ending, weddings, games).
LOOKALIKES = [
    "hyppään huomenna trampoliinilla",
    "mä hyppään kohta bussiin",
    "huomenna hyppään uimahallin hyppytornista",
    "kiitos kaikesta, olit tosi kiva",
    "kiitos kaikesta, oli kiva jutella",
    "kiitos kaikesta avusta, nyt mulla on parempi olo",
    "hyvästi vanha puhelin, kiitos palveluksista",
    "mä lopetan tän tänään koska ei oo aikaa",
    "lopetan tän kanavan seuraamisen",
    "teen sen huomenna",
    "teen sen yöllä ku on rauhallista koodata",
    "teen sen salaa, se on yllätys",
    "tiiän miten teen sen",
    "isoveli uhkaa mua et kertoo äidille",
    "se pitää mua hyvänä ystävänä",
    "otti veitsen esiin ja leikkas kakun",
    "meidän salaisuus on et me tykätään toisistamme",
    "älä kerro kenellekään mut mä tykkään siitä",
    "kaveri haluu tavata mut kahvilassa",
    "valmentaja laitto viestin treeniajoista",
    "mun setä tulee öisin kotiin töistä",
    "painosti mua tekemään juttuja koulussa joita en halunnu",
    "kaveri sano et se kuolee nälkään",
    "kaveri kuolee tänään kauhuleffaan",
    "mummo kirjotti testamentin",
    "en nää kavereita jouluna",
    "onks musta apua",
    "haluun pois tästä kaupungista",
    "haluun pois täältä ku en jaksa tätä meteliä",
    "en jaksa, haluun pois koulusta",
    "lähden enkä tuu takas ennen iltaa",
    "toivon et kaikki unohtais sen",
    "haluun olla poissa tunnilta",
    "sori kaikille et myöhästyin",
    "turha elää stressissä",
    "en pelkää kuolemaa mut pelkään hämähäkkejä",
    "helpoin tapa mennä kouluun on pyörällä",
    "mikä on nopein tapa lopettaa nuuskaaminen",
    "kumpi on parempi, bussi vai juna",
    "voiko hukkua jos ei osaa uida",
    "yritin soittaa mut ajatukset harhailee",
    "yritin keskittyä mut ajatukset karkaa",
    "päivä on päätetty, häät on kesäkuussa",
    "tää on mun viimenen kesä ennen armeijaa",
    "halasin mummoa viimeisen kerran",
    "ajastin viestit kaikille",
    "annoin mun kissan siskolle kun muutin",
    "haava ei parane ja kukaan ei tiedä miksi",
    "poltin kättä tupakalla vahingossa",
    "tahallaan lyömättä, sattuu silti",
    "olin puhdas kolme kuukautta mut poltin taas",
    "otin monta buranaa päivän aikana ohjeen mukaan",
    "söin kaikki lääkkeet jotka lääkäri määräs",
    "otin koko annoksen melatoniinia",
    "my brother is gonna jump on me lol",
    "theyre gonna jump me in the game",
    "i dont think ill make it to class tomorrow",
    "i wont be around much longer today, have to go",
    "im tired of living in this town",
    "tired of life admin",
    "there is no point going to school",
    "tonight is the night we win",
    "took all my meds this morning",
    "i gave away my old clothes, i dont need them anymore",
    "dont try to find me, im hiding for hide and seek",
    "i have the rope for the camping trip",
    "jag tog alla mina mediciner i morse",
    "jag har druckit kaffe och tagit tabletter",
    "ingen idé att fortsätta träna",
    "min styvpappa tar mig till skolan när mamma jobbar",
    "jag försökte men tankarna vandrade",
    "hyppäsin alas puusta ja nyrjäytin nilkan",
    "hyppäsin alas portailta ja kaaduin",
    "mietin hypätä lukion jälkeen välivuoteen",
    "meinasin hypätä pois bussista väärällä pysäkillä",
    "huomenna hyppään uuteen duuniin",
    "mä hyppään kohta junaan",
    "haluun hypätä tän kurssin yli",
    "tahallaan jätin sen kotiin ja nyt sattuu ku en saanu sitä",
    "tein sen tarkotuksella et se sattuis sitä",
    "joku potkas mua jalkapallossa tahallaan ja nyt sattuu",
    "hyvästi talvi, kiitos lumesta",
    "kiitos kaikesta ja anteeks et en vastannu aiemmin",
    "voisin lopettaa tän jo",
    "en jaksa enää, lopetan tän pelin",
    "mun pitäis lopettaa tää kaikki herkkujen syöminen",
    "lähen enkä tuu takas tähän kauppaan",
    "en tuu ikinä takas tähän ravintolaan",
    "haluun kadota hetkeks mökille",
    "en haluu olla enää tiimin kapteeni",
    "ei tarvii enää huolehtia, sain työpaikan",
    "oon valmis lähtemään pois täältä bileistä",
    "mä en jaksa enkä haluu, haluun pois tästä luokasta",
    "haluun pois tästä ryhmächatista, ihan sama",
    "voisinko hukkua jos meen uimaan yksin",
    "en usko et näen joulua mummolassa tänä vuonna",
    "en nää joulua ennen ku tuun kotiin",
    "sori kaikille tästä spämmistä",
    "päivämäärä on valittu häille",
    "mun viimenen kesä lukiossa",
    "annoin mun koiran hoitoon naapurille viikonlopuks",
    "siirsin rahat säästötilille",
    "oon yrittäny nukkua mut ajatukset pyörii",
    "yritin soittaa sulle mut mieli muuttu",
    "olin puhdas koko viikon ja sit söin karkkia taas",
    "piilotan mun mustelmat treeneistä",
    "mun haava on auki ja en uskalla kattoo sitä",
    "poltin käden kiukaalla vahingossa",
    "ostin uuden sytkärin ja poltin kättä vahingossa",
    "en ansaitse tätä palkintoa",
    "en ansaitse sua",
    "he did it on purpose and it hurt my feelings",
    "i did it on purpose to make her laugh",
    "im not gonna make it to the party next year",
    "dont try to call me, im at the cinema",
    "dont try to find me in the crowd lol",
    "gonna end it with my girlfriend",
    "my teacher sent me messages about homework",
    "im afraid to go home because my mom will see my grades",
    "jag försökte plugga men tankarna kom tillbaka",
    "tack för allt, vi ses igen",
    "i have the rope ready for the climbing trip",
    "the knife is ready, dinner at 6",
    "im so tired of life in this town",
]


@pytest.mark.parametrize("text", CRISIS)
def test_crisis_message_of_a_gap_family_fires(text: str) -> None:
    assert GUARD.check(text) is not None, text


@pytest.mark.parametrize("text", LOOKALIKES)
def test_everyday_look_alike_stays_quiet(text: str) -> None:
    assert GUARD.check(text) is None, GUARD.check_all(text)


@pytest.mark.parametrize(
    ("over", "still_on"),
    [
        (
            "kaveri viilteli ennen mut nyt se on ollu vuoden ilman",
            "kaveri viilteli ennen ja nyt se viiltelee taas",
        ),
        (
            "mun serkku ajatteli itsaria lukiossa, nyt se voi tosi hyvin",
            "mä ajattelin itsaria lukiossa ja nyt taas",
        ),
        (
            "hennes bror hade självmordstankar för länge sen",
            "jag har självmordstankar",
        ),
        (
            "kaveri laitto hyvästiviestin mut se oli vaan läppä",
            "kaveri laitto hyvästiviestin eikä vastaa",
        ),
    ],
)
def test_someone_elses_crisis_that_is_over_is_off_but_a_current_one_stays_on(
    over: str, still_on: str
) -> None:
    assert GUARD.check(over) is None, GUARD.check_all(over)
    assert GUARD.check(still_on) is not None, still_on


@pytest.mark.parametrize(
    ("topic", "own"),
    [
        ("luin artikkelin nuorten itsemurhista", "mietin itsemurhaa koko ajan"),
        ("the documentary was about self harm", "i self harm when im stressed"),
        ("vi hade en lektion om självskada", "jag håller på med självskada"),
        ("talked about overdoses in class", "i think i took an overdose"),
    ],
)
def test_a_topic_in_the_news_or_at_school_is_quiet_but_the_writers_own_words_fire(
    topic: str, own: str
) -> None:
    assert GUARD.check(topic) is None, GUARD.check_all(topic)
    assert GUARD.check(own) is not None, own
