"""Stop 11's guard rules (kynnys/crisis/context.py, guard.py, lexicon.py and
data/crisis/lexicon.yml). Our own sentences, none from tests/crisis/.

- A topic word in a lesson, a talk, a film or the news stays quiet whatever `keep` cue the
  message has ("tänään"), unless the writer's own state is named.
- Context cues count in every place they occur, not only the first.
- "mut" is "me" only next to the hit; elsewhere it is "but".
- `unless_before`: a thing as the subject just before the hit ("tää excel tappaa mut").
- Small cuts on a finger or a grater, a friend's crisis that is over and safe, a call for an
  ambulance that went well.
- A joke: an if, a laugh and a trivial trigger in the sentence of a `joke_possible` hit.
- Something that happened (raiskattiin, sexually assaulted) and a word describing a person
  (suicidal, itsetuhoinen) are never topics; only the nouns are.
"""

from __future__ import annotations

from typing import Any

import pytest

from kynnys.crisis import get_guard
from kynnys.crisis.guard import CrisisGuard
from kynnys.crisis.lexicon import LexiconError, parse_lexicon

GUARD = get_guard()

QUIET = [
    # a topic with a `keep` cue (today, again) elsewhere in the message
    "tänään koulussa puhuttiin itsemurhista ja mielenterveydestä",
    "idag hade vi en föreläsning om sexuellt våld i skolan",
    "today our health teacher covered suicide prevention",
    # the topic cue in the second clause, another one in the first
    "koulussa oli teemaviikko ja puhuttiin itsetuhoisuudesta",
    # a film or a comic as the frame of a topic word; "mut" as "but"
    "katoin dokkarin itsemurhista ja se oli hyvä mut raskas",
    "watched a documentary on sexual assault, good but heavy",
    # a thing as the subject of "kills me"
    "tää kemian kurssi tappaa mut",
    "nää aamuvuorot tappaa mut",
    "den här bussen dödar mig",
    "det här regnet tar livet av mig",
    "this weather is killing me",
    # small cuts that are accidents
    "viilsin peukaloon ku avasin pakettia",
    "skar mig i fingret på en konservburk",
    "cut my thumb on the grater lol",
    # someone else's crisis that is over and safe
    "serkku otti liikaa lääkkeitä mut nyt se on terve ja opiskelee",
    "min vän tog en överdos för länge sen men mår bra nu",
    "soitettiin ambulanssi ku kaveri pyörty bileissä, se toipu hyvin",
    "ringde ambulans för en kompis som svimmade, han klarade sig fint",
    # jokes about a song, a lesson or lag
    "hyppään parvekkeelta jos kuulen sen biisin vielä kerran lol",
    "if my teacher plays that song again im jumping out the window lmao",
    "om läraren pratar om det en gång till hoppar jag från taket haha",
    # coursework, lessons and the news as topics
    "tein esseen itsetuhoisuudesta ja sain kympin",
    "vi hade en lektion om självskada och hur man hjälper en vän",
    "our school had a talk about sextortion",
    "the film had a scene where someone overdosed",
    "iltalehdessä oli juttu raiskauksesta",
    # idioms
    "meinasin kuolla nauruun",
    "vedin överit karkkia",
    "fifassa teki mieli heittää ohjain seinään",
    # round C: friends' crises that are over, said in written Finnish, Swedish and English
    "veljeni otti kerran yliannostuksen mut on ollu kuivilla kolme vuotta",
    "min kusin skar sig i gymnasiet men har inte gjort det på tre år",
    "a friend overdosed last spring but he survived and is doing much better",
    # things that are "hengenvaarallinen", goodbyes when leaving, idioms
    "tää juustohöylä on ihan hengenvaarallinen",
    "heippa kaikki, lähen vaihtoon enkä oo huomenna täällä kevääseen asti",
    "tack för allt, hejdå! skönt att prata",
    "ahdistaa tosi paljon nyt, sydän hakkaa mut tiiän et se menee ohi",
    "i thought i was going to die, the chili was so hot",
    "sarjassa joku hyppäs sillalta ja kaikki etsi sitä",
]

FIRES = [
    # the writer's own state next to a lesson or a film
    "tänään koulussa puhuttiin itsemurhasta ja mietin sitä itekin",
    "mut raiskattiin kurssin bileissä",
    "katoin dokkarin itsemurhasta ja haluun tehä saman",
    "mua raiskattiin leffan jälkeen",
    # a person as the subject of "kills me"
    "se tappaa mut jos mä meen kotiin",
    "tää jätkä sano et se tappaa mut",
    "tää elämä tappaa mut",
    "hes killing my mom",
    "he is going to kill me",
    "jag vill ta livet av mig",
    "jag har tänkt ta livet av mig i helgen",
    # a cut that is not on a finger, a crisis that is not over
    "viilsin käsivarteen taas",
    "kaveri otti liikaa lääkkeitä ja se ei herää",
    "soittakaa ambulanssi mun kaveri ei hengitä",
    # no trivial trigger, or no laugh: not a joke
    "jos se jättää mut ni hyppään sillalta lol",
    "jos kuulen sen biisin taas hyppään sillalta",
    # something that happened, at school or after a lesson
    "raiskattiin koulussa eilen",
    "jag blev sexuellt utnyttjad i skolan",
    "i was suicidal during class today",
    "olin itsetuhoinen koko tunnin",
    "jag var suicidal på lektionen",
    "my heart is racing after the pills",
    "tilanne kotona on hengenvaarallinen",
    "otin noi pillerit ja nyt sydän hakkaa ihan hulluna",
    "en oo huomenna enää täällä",
]


@pytest.mark.parametrize("text", QUIET)
def test_look_alikes_stay_quiet(text: str) -> None:
    assert GUARD.check(text) is None, GUARD.check_all(text)


@pytest.mark.parametrize("text", FIRES)
def test_crisis_messages_still_fire(text: str) -> None:
    assert GUARD.check(text) is not None


def _guard(entry: dict[str, Any]) -> CrisisGuard:
    return CrisisGuard(parse_lexicon({"entries": [{"id": "fi_kill", "category": "violence_now",
                                                   "examples": ["se tappaa mut"], **entry}]}))


def test_unless_before_looks_only_before_the_hit() -> None:
    guard = _guard({"all": [["tappaa"], ["mut"]], "unless_before": ["tää"]})
    assert guard.check("tää excel tappaa mut") is None
    assert guard.check("se tappaa mut ja tää on totta") is not None  # after the hit: no effect
    assert guard.check("tää on totta ja nyt se tappaa mut") is not None  # too far before


def test_unless_before_window_is_configurable() -> None:
    guard = _guard({"all": [["tappaa"], ["mut"]], "unless_before": ["tää"],
                    "unless_before_window": 5})
    assert guard.check("tää on totta ja se tappaa mut") is None


def test_unless_before_needs_word_lists() -> None:
    with pytest.raises(LexiconError, match="unless_before"):
        parse_lexicon({"entries": [{"id": "x", "category": "suicidal", "regex": "kuolla",
                                    "unless_before": ["en"], "examples": ["kuolla"]}]})


def test_joke_possible_is_read_from_the_lexicon() -> None:
    lexicon = parse_lexicon({"entries": [{"id": "fi_jump", "category": "suicidal",
                                          "any": ["hyppään"], "joke_possible": True,
                                          "examples": ["hyppään"]}]})
    assert lexicon.entries[0].joke_possible is True
