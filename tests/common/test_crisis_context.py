"""Context cues (the lexicon's `context:` section): someone else's crisis that is over, a
film or a book, a kitchen cut turn a hit off; anything that names the writer, a present
danger or a relapse keeps it on. Sentences written for these tests, not taken from tests/crisis/."""

from __future__ import annotations

from typing import Any

import pytest

from kynnys.crisis import CrisisGuard, get_guard
from kynnys.crisis.lexicon import LexiconError, parse_lexicon

GUARD = get_guard()

# Someone else's crisis, explicitly over; fiction about someone else; kitchen accidents.
QUIET = [
    # over and safe (third person)
    "mun serkku viilteli ala-asteella mut nyt se voi tosi hyvin",
    "bestis yritti itsemurhaa monta vuotta sitten, nykyään se on ihan kunnossa",
    "ystävä lopetti viiltelyn ja on siitä tosi ylpee",
    "kämppis otti kerran liikaa lääkkeitä kolme vuotta sitten",
    "isosisko viilteli lukiossa ja terapia auttoi sitä paljon",
    "my cousin used to cut herself but she is doing fine now",
    "my brother tried to kill himself years ago, he has recovered",
    "min kusin skar sig för flera år sen men nu mår hon bra",
    # fiction / media about someone else
    "katoin sarjan jossa yks hahmo tappoi itsensä",
    "luin kirjan jossa päähenkilö yrittää itsemurhaa",
    "i watched a movie where a girl kills herself",
    "the main character in that book cuts herself",
    "jag läste en bok där huvudpersonen skär sig",
    # kitchen accidents
    "viilsin veitsellä kun pilkoin porkkanaa",
    "leikkasin itteäni veitsellä kun pilkoin sipulia",
    "i cut myself with the knife chopping tomatoes",
    "jag skar mig med kniven när jag skivade bröd",
]

# The same kinds of message with the writer, a present danger or a relapse in them.
FIRE = [
    # the writer is in it too
    ("kaveri viilteli joskus ja nyt mäkin teen sitä", None),
    ("katoin leffan jossa joku teki itsemurhan ja mietin et mäki vois", None),
    ("the movie made me want to kill myself", "suicidal"),
    ("luin kirjan jossa hahmo viiltelee ja se oon oikeesti mä", None),
    ("kirjotan tarinaa jossa päähenkilö tappaa ittensä", None),
    ("isä teki itsemurhan vuosia sitten ja mietin samaa", None),
    ("kaveri teki itsemurhan vuosi sitten ja mietin koko ajan et seuraisin perässä", None),
    ("my friend killed herself a year ago and i want to join her", None),
    ("luin kirjan jossa päähenkilö tappaa ittensä ja se kuulosti hyvältä idealta", None),
    ("my brother tried to kill himself years ago and now i want to do it too", None),
    ("min bror tog livet av sig för två år sen och jag vill också dö", None),
    ("mun isoveli viilteli vuosia sitten, nyt mä viiltelen", "self_harm"),
    # the person word describes the writer
    ("oon poika joka yritti itsemurhaa vuosi sitten", "suicidal"),
    ("im a girl who tried to kill herself years ago", None),
    ("jag är en tjej som försökte ta livet av sig för två år sen", None),
    # a past cue about something else does not turn off the writer's own crisis
    ("vuosia sitten kaikki oli hyvin mut nyt haluun kuolla", "suicidal"),
    ("kaveri kuoli vuosia sitten ja nyt haluun kuolla", "suicidal"),
    ("years ago i was happy, now i want to die", "suicidal"),
    # the other person is the attacker, not the one harmed
    ("poikaystävä raiskas vuosi sitten", "sexual_violence"),
    ("poikaystävä pakotti mut seksiin vuosi sitten", "sexual_violence"),
    # present danger of someone else: no cue, or a keep cue
    ("kaveri sano et se aikoo tappaa ittensä", "friend_in_danger"),
    ("my friend is cutting right now", "friend_in_danger"),
    ("kaveri viilteli vuosia sitten ja nyt se viiltelee taas", "friend_in_danger"),
    ("kaveri yritti itsemurhaa vuosi sitten ja oon huolissani siitä", "friend_in_danger"),
    ("mentiin leffaan ja kaveri sano et se aikoo tappaa ittensä", "friend_in_danger"),
    # a cue in an earlier clause speaks about something else
    ("katottiin leffaa jossa oli zombeja ja kaveri kerto et se viiltelee", "friend_in_danger"),
    # "doing well now", denied or only claimed
    ("kaveri viiltelee mut se sanoo et nyt menee hyvin", "friend_in_danger"),
    # present tense: an "over" cue does not count
    ("kaveri sano et se haluu kuolla mut nyt se on ok", "friend_in_danger"),
    ("my friend is suicidal but she is fine now", "friend_in_danger"),
    # knives without food are not a kitchen accident; a relapse is never an accident
    ("otin veitsen keittiöstä ja viiltelin", "self_harm"),
    ("i took a knife from the kitchen and cut myself", "self_harm"),
    ("viiltelin taas veitsellä kun pilkoin sipulia", "self_harm"),
]


@pytest.mark.parametrize("sentence", QUIET)
def test_someone_elses_past_or_fictional_crisis_and_kitchen_cuts_stay_quiet(sentence: str) -> None:
    assert GUARD.check(sentence) is None, GUARD.check_all(sentence)


@pytest.mark.parametrize("sentence", QUIET)
def test_the_quiet_sentences_are_quiet_because_of_a_cue(sentence: str) -> None:
    """Without the context section each of them fires: the cue does the work, not a gap."""
    assert GUARD.context_kinds(sentence) - {"keep"}
    bare = CrisisGuard(GUARD.lexicon.__class__(
        entries=GUARD.lexicon.entries, category_priority=GUARD.lexicon.category_priority
    ))
    assert bare.check(sentence) is not None


@pytest.mark.parametrize(("sentence", "category"), FIRE)
def test_the_writer_a_present_danger_or_a_relapse_still_fires(
    sentence: str, category: str | None
) -> None:
    hit = GUARD.check(sentence)
    assert hit is not None, sentence
    if category is not None:
        assert hit.category == category, hit


def test_a_later_first_person_match_of_the_same_entry_still_fires() -> None:
    # the first "viilt…" is the friend's (turned off); the second is the writer's
    hits = GUARD.check_all("kaveri viilteli vuosia sitten, nyt viiltelen itekin")
    assert any(hit.category == "self_harm" for hit in hits)


def test_a_now_cue_does_not_stop_fiction() -> None:
    # present tense is what stories are told in
    assert GUARD.check("luin kirjan jossa päähenkilö viiltelee") is None
    assert "now" in GUARD.context_kinds("luin kirjan jossa päähenkilö viiltelee")


def test_context_kinds_reports_the_cues() -> None:
    assert GUARD.context_kinds("se tapahtui kaks vuotta sitten") == {"over"}
    assert GUARD.context_kinds("katoin leffan jossa oli lohikäärmeitä") == {"fiction"}
    assert GUARD.context_kinds("veitsellä kun pilkoin tomaatteja") == {"accident"}
    assert "keep" in GUARD.context_kinds("se tekee sitä taas")
    assert GUARD.context_kinds("tänään oli kiva päivä") == {"keep"}
    assert GUARD.context_kinds("kiva päivä") == frozenset()
    assert GUARD.context_kinds("se haluu lähteä") == {"now"}


# ---- the mechanism on a small lexicon ------------------------------------------------


def _document(**context: Any) -> dict[str, Any]:
    base_context: dict[str, Any] = {
        "others": ["kaveri*", "se"],
        "victims": ["sitä"],
        "victim_categories": ["violence_now"],
        "self": ["mä", "mun"],
        "self_is": ["oon"],
        "clause_breaks": ["ja", "mut"],
        "cues": [
            {"id": "cue_ago", "kind": "over", "all": [["vuotta"], ["sitten"]], "window": 1,
             "examples": ["kaks vuotta sitten"]},
            {"id": "cue_again", "kind": "keep", "any": ["taas"], "examples": ["taas"]},
        ],
    }
    base_context.update(context)
    return {
        "version": 1,
        "entries": [
            {"id": "fi_cut", "category": "self_harm", "any": ["viiltel*"],
             "examples": ["viiltelen"]},
            {"id": "fi_cut_self", "category": "self_harm", "person": "self",
             "any": ["viilteli"], "examples": ["viilteli"]},
            {"id": "fi_friend", "category": "friend_in_danger", "all": [["kaveri*"], ["viilt*"]],
             "examples": ["kaveri viiltelee"]},
            {"id": "fi_hit", "category": "violence_now", "any": ["hakkas"],
             "examples": ["hakkas"]},
        ],
        "context": base_context,
    }


def _guard(**context: Any) -> CrisisGuard:
    return CrisisGuard(parse_lexicon(_document(**context)))


def test_person_auto_follows_the_last_person_named_in_the_clause() -> None:
    guard = _guard()
    assert not guard.matches("fi_cut", "kaveri viilteli kaks vuotta sitten")
    assert not guard.matches("fi_friend", "kaveri viilteli kaks vuotta sitten")
    assert guard.matches("fi_cut", "mun kaveri se ja mä viiltelin kaks vuotta sitten")
    assert guard.matches("fi_cut", "kaveri viilteli kaks vuotta sitten taas")  # keep cue
    assert guard.matches("fi_cut", "viiltelin kaks vuotta sitten")  # no one else named


def test_a_person_word_just_after_self_is_describes_the_writer() -> None:
    guard = _guard()
    assert guard.matches("fi_cut", "oon se kaveri joka viilteli kaks vuotta sitten")
    assert guard.matches("fi_friend", "oon se kaveri joka viilteli kaks vuotta sitten")
    # "oon" as an auxiliary ("oon kuullu"): within reach it still counts, on the safe side
    assert guard.matches("fi_cut", "oon kuullu et yks kaveri viilteli kaks vuotta sitten")
    assert not guard.matches(
        "fi_cut", "oon kuullu et meidän koulun yks kaveri viilteli kaks vuotta sitten"
    )


def test_a_clause_naming_no_one_takes_the_person_named_before_it_in_the_sentence() -> None:
    guard = _guard()
    assert not guard.matches("fi_cut", "kaveri on kunnossa mut viilteli kaks vuotta sitten")
    assert guard.matches("fi_cut", "mä oon kunnossa mut viilteli kaks vuotta sitten")
    # only within the sentence: a person in an earlier sentence does not count
    assert guard.matches("fi_cut", "kaveri on kunnossa. mut viilteli kaks vuotta sitten")
    # a word after the hit names the harmed one only in violence entries
    assert guard.matches("fi_cut", "viilteli kaks vuotta sitten kaverin kanssa")
    assert not guard.matches("fi_hit", "hakkas sitä kaks vuotta sitten")


def test_person_self_is_never_turned_off() -> None:
    assert _guard().matches("fi_cut_self", "kaveri viilteli kaks vuotta sitten")


def test_in_victim_categories_only_victim_words_make_it_someone_elses() -> None:
    guard = _guard()
    assert guard.matches("fi_hit", "kaveri hakkas kaks vuotta sitten")
    assert not guard.matches("fi_hit", "kaveri kerto et sitä hakkas kaks vuotta sitten")


def test_a_cue_in_an_earlier_clause_does_not_apply_but_a_later_one_does() -> None:
    guard = _guard()
    assert guard.matches("fi_cut", "kaks vuotta sitten mut kaveri viiltelee")
    assert not guard.matches("fi_cut", "kaveri viilteli mut kaks vuotta sitten")
    assert guard.matches("fi_cut", "kaveri viilteli. kaks vuotta sitten")  # next sentence


def test_cues_have_no_typo_tolerance() -> None:
    cues = [{"id": "cue_keep", "kind": "keep", "any": ["houkutt*"], "examples": ["houkuttaa"]},
            {"id": "cue_ago", "kind": "over", "all": [["vuotta"], ["sitten"]],
             "examples": ["vuotta sitten"]}]
    guard = _guard(cues=cues)
    assert guard.context_kinds("houkuttelee") == {"keep"}
    assert guard.context_kinds("hukuttautuu") == frozenset()  # one letter from "houkutt"


def test_self_test_reports_a_cue_that_misses_its_example() -> None:
    cues = [{"id": "cue_ago", "kind": "over", "any": ["sitten"], "examples": ["vuosi sitten"]},
            {"id": "cue_x", "kind": "over", "any": ["ennen"], "examples": ["kauan sitten"]}]
    problems = _guard(cues=cues).self_test()
    assert problems == ["context entry cue_x: does not match its example 'kauan sitten'"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"cues": [{"id": "c", "kind": "maybe", "any": ["x"], "examples": ["x"]}]}, "kind must"),
        ({"cues": [{"id": "c", "any": ["x"], "examples": ["x"]}]}, "give its kind"),
        ({"self": []}, "context: self is missing"),
        ({"victim_categories": ["hyperbole"]}, "unknown category"),
        ({"colour": "red"}, "unknown key"),
    ],
)
def test_a_broken_context_section_is_reported(change: dict[str, Any], message: str) -> None:
    with pytest.raises(LexiconError, match=message):
        _guard(**change)


def test_an_unknown_person_value_is_reported() -> None:
    document = _document()
    document["entries"][0]["person"] = "them"
    with pytest.raises(LexiconError, match="person must be one of"):
        parse_lexicon(document)


def test_a_cue_id_may_not_repeat_an_entry_id() -> None:
    cues = [{"id": "fi_cut", "kind": "over", "any": ["sitten"], "examples": ["sitten"]}]
    with pytest.raises(LexiconError, match="used twice"):
        _guard(cues=cues)
