"""The guard's present-tense cue reaches only the clause it is in (kynnys/crisis/context.py).

Someone else's crisis that is over stays quiet even when a later clause speaks in the present
about the recovery ("...ja puhuu siitä nykyään avoimesti"). A present-tense verb in the hit's own
clause still keeps it firing ("nyt se haluu kuolla"). Our own sentences, none from tests/crisis/.
"""

from __future__ import annotations

import pytest

from kynnys.crisis import get_guard

GUARD = get_guard()

# Before stop 10 each of these fired: "puhuu", "kertoo", "sanoo" anywhere in the message made
# the whole message present tense.
RECOVERY_IN_THE_PRESENT = [
    "serkku viilteli yläasteella mut se on ollu kunnossa monta vuotta ja puhuu siitä nykyään avoimesti",
    "mun sisko yritti itsaria lukiossa, nyt se voi hyvin ja kertoo siitä muille nuorille",
    "kaveri otti yliannostuksen pari vuotta sitten, nykyään se on raitis ja sanoo et elämä maistuu",
    "mun veli viilteli teininä mut nyt se on 25 ja sanoo et arvet ei haittaa",
    "serkku viilteli lukiossa mut se on ollu puhdas kolme vuotta ja puhuu siitä nykyään",
]

PRESENT_IN_THE_HITS_CLAUSE = [
    "kaveri yritti itsaria viime vuonna ja nyt se haluu kuolla",
    "kämppis sano et se haluu kuolla, vaikka se oli kunnossa pitkään",
    "my friend tried to kill herself last year and now she wants to die",
    "kaveri viilteli ennen mut nyt se viiltelee",
    "mun sisko oli osastolla viime vuonna ja nyt se puhuu itsarista koko ajan",
    "serkku on ollu kunnossa pitkään mut nyt se sanoo et se haluu kuolla",
]


@pytest.mark.parametrize("text", RECOVERY_IN_THE_PRESENT)
def test_recovery_told_in_the_present_stays_quiet(text: str) -> None:
    assert GUARD.check(text) is None, GUARD.check_all(text)


@pytest.mark.parametrize("text", PRESENT_IN_THE_HITS_CLAUSE)
def test_present_tense_in_the_hits_clause_still_fires(text: str) -> None:
    assert GUARD.check(text) is not None
