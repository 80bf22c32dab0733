"""Context that turns a lexicon hit off: someone else's crisis that is over, fiction about
someone else, a kitchen accident, or a topic word in a lesson or the news (the lexicon's
`context:` section holds the words).

  - A `topic` or `fiction` cue (a lesson, an essay, the news, a film) turns off hits of
    `topic_word` entries in its clause, unless the rest of the sentence names the writer's own
    state (`self_state`: mietin, haluun, mulla, my, i want...). `keep` cues do not matter here.
  - A `joke` cue (an if, a laugh and a trivial trigger: "...jos kuulen tän biisin lol") in the
    sentence of a `joke_possible` hit (the jumping entries) turns it off, whatever else.
  - Otherwise a `keep` cue anywhere in the message (again, right now, me too, worried...)
    turns nothing off.
  - An `accident` cue (a knife next to food) turns off hits of `accident_possible` entries.
  - An `over` cue (years ago, doing great now...) or a `fiction` cue (a film in which..., a
    main character) turns off hits about someone else, when the cue is in the hit's clause
    (an `over` cue may also follow in a later clause of the same sentence). An `over` cue
    does not count when the hit's clause has a `now` cue (present tense: haluu, is cutting).
  - About someone else: `person: other` and friend_in_danger entries, unless the hit's own
    words name the writer; `person: auto` when the last person named in the hit's clause is in
    `others` (in `victim_categories`: in `victims`, since "se"/"kaveri" may be the attacker);
    never `person: self`. When the hit's clause names no one ("...ku otti liikaa lääkkeitä"),
    the person named nearest before it in the same sentence counts; for `victim_categories`
    also the one harmed named after it in its clause ("soitin ambulanssin kaverille").
    First-person verbs in `self` ("otin", "yritin") name the writer.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from kynnys.crisis.lexicon import Context, Entry, Group
from kynnys.crisis.normalize import Tokens

_PUNCTUATION_BREAKS = frozenset(".,;:!?\n")
_SENTENCE_BREAKS = frozenset(".!?\n")
_SELF_IS_REACH = 5  # "im a 15 year old girl": the person word is at most 5 words after "im"
# A lesson or the news (`topic`), or a film or book (`fiction`), can make a topic word a topic.
_TOPIC_KINDS = frozenset({"topic", "fiction"})


class WordSet:
    """Plain (no typo tolerance) membership test for a word list: words, stem*, *part*."""

    def __init__(self, group: Group) -> None:
        self._exact = {p.text for p in group.positives if not p.prefix and not p.infix}
        self._prefixes = tuple(p.text for p in group.positives if p.prefix)
        self._infixes = tuple(p.text for p in group.positives if p.infix)
        self._not_exact = {p.text for p in group.negatives if not p.prefix and not p.infix}
        self._not_prefixes = tuple(p.text for p in group.negatives if p.prefix)

    def contains(self, forms: Iterable[str]) -> bool:
        return any(self._contains(form) for form in forms)

    def _contains(self, form: str) -> bool:
        if form in self._not_exact or form.startswith(self._not_prefixes):
            return False
        return (
            form in self._exact
            or form.startswith(self._prefixes)
            or any(part in form for part in self._infixes)
        )


@dataclass(frozen=True)
class MessageContext:
    """The cues found in one message: (kind, token positions) pairs."""

    cues: tuple[tuple[str, list[int]], ...]
    tokens: Tokens

    @property
    def kinds(self) -> frozenset[str]:
        return frozenset(kind for kind, _ in self.cues)

    @property
    def can_suppress(self) -> bool:
        return bool(self.cues) and "keep" not in self.kinds


class ContextRules:
    def __init__(self, context: Context) -> None:
        self.context = context
        self._others = WordSet(context.others)
        self._victims = WordSet(context.victims)
        self._self = WordSet(context.self_words)
        self._self_is = WordSet(context.self_is)
        self._breaks = WordSet(context.clause_breaks)
        self._self_state = WordSet(context.self_state) if context.self_state else None
        self._makers = WordSet(context.coursework_makers) if context.coursework_makers else None

    def suppresses(self, entry: Entry, span: list[int], message: MessageContext) -> bool:
        """True when this hit (entry, token positions) is turned off by the message's cues."""
        kinds = message.kinds
        # A topic word is judged by the writer's own words (`self_state`), not by `keep` cues:
        # "tänään tunnilla puhuttiin itsemurhasta" is still a lesson.
        if entry.topic_word and kinds & _TOPIC_KINDS and self._topic_applies(entry, span, message):
            return True
        if entry.joke_possible and "joke" in kinds and self._in_sentence_of("joke", span, message):
            return True
        if not message.can_suppress:
            return False
        tokens = message.tokens
        if entry.accident_possible and "accident" in kinds:
            return True
        about_other: bool | None = None
        now_here = "now" in kinds and self._now_in_clause(span, message)
        for kind, cue in message.cues:
            if kind == "over" and now_here:
                continue  # present tense ("se haluu kuolla"): not over, whatever else it says
            if kind not in ("over", "fiction") or not self._cue_applies(kind, cue, span, tokens):
                continue
            if about_other is None:
                about_other = self.about_someone_else(entry, span, tokens)
            if about_other:
                return True
        return False

    def _topic_applies(self, entry: Entry, span: list[int], message: MessageContext) -> bool:
        """A topic word in a lesson, an essay or the news: a `topic` cue in the hit's clause, and
        nothing from that clause to the end of the sentence naming the writer's own thoughts or
        state ("mietin itsemurhaa tunnilla" still fires)."""
        if entry.person == "self":
            return False
        tokens = message.tokens
        clause = self._clause_start(span[0], tokens)
        if not any(
            kind in _TOPIC_KINDS and self._clause_start(cue[0], tokens) == clause
            for kind, cue in message.cues
        ):
            return False
        state = self._self_state
        # the writer may come back to it later in the sentence ("...ja haluun ottaa sellasen");
        # the word just before the hit counts even across a clause break ("mut raiskattiin")
        start = min(clause, max(span[0] - 1, 0))
        topic_positions = {
            position for kind, cue in message.cues if kind in _TOPIC_KINDS for position in cue
        }
        for position in range(start, self._sentence_end(span[-1], tokens) + 1):
            forms = tokens.forms[position]
            if position in span and self._self.contains(forms):
                return False
            if state is None or not state.contains(forms):
                continue
            if self._makers is not None and self._makers.contains(forms) and _coursework_follows(
                position, span, topic_positions
            ):
                continue  # "tein opparin itsetuhoisuudesta": the writer's coursework
            # "mut" is "me" next to the hit ("mut raiskattiin") and "but" elsewhere
            # ("tärkee mut rankka"): a word that also breaks clauses counts only next to it.
            if not self._breaks.contains(forms) or span[0] - 1 <= position <= span[-1] + 1:
                return False
        return True

    def _in_sentence_of(self, kind: str, span: list[int], message: MessageContext) -> bool:
        """A cue of this kind lies wholly in the hit's sentence."""
        tokens = message.tokens
        first, last = self._sentence_start(span[0], tokens), self._sentence_end(span[-1], tokens)
        return any(
            cue_kind == kind and first <= cue[0] and cue[-1] <= last
            for cue_kind, cue in message.cues
        )

    @staticmethod
    def _sentence_start(position: int, tokens: Tokens) -> int:
        """The first token of the sentence holding `position`."""
        while position > 0 and not any(mark in tokens.gap_before(position) for mark in _SENTENCE_BREAKS):
            position -= 1
        return position

    @staticmethod
    def _sentence_end(position: int, tokens: Tokens) -> int:
        """The last token of the sentence holding `position`."""
        while position + 1 < len(tokens):
            if any(mark in tokens.gap_before(position + 1) for mark in _SENTENCE_BREAKS):
                return position
            position += 1
        return position

    def _now_in_clause(self, span: list[int], message: MessageContext) -> bool:
        """A `now` cue in the hit's own clause: "se on ollu puhdas vuosia ja puhuu siitä
        nykyään" speaks in the present about the recovery, not about the hit."""
        clause = self._clause_start(span[0], message.tokens)
        return any(
            self._clause_start(position, message.tokens) == clause
            for kind, cue in message.cues
            if kind == "now"
            for position in cue
        )

    def _cue_applies(self, kind: str, cue: list[int], span: list[int], tokens: Tokens) -> bool:
        """A cue speaks about a hit when it is in the hit's clause; an `over` cue may also come
        in a later clause of the same sentence ("... mut nyt sillä menee hyvin")."""
        if cue[-1] < self._clause_start(span[0], tokens):
            return False  # in an earlier clause
        if cue[0] <= span[-1]:
            return True
        if kind == "fiction":
            return False
        return cue[0] <= self._sentence_end(span[-1], tokens)

    def about_someone_else(self, entry: Entry, span: list[int], tokens: Tokens) -> bool:
        """Whether the hit is about someone else: never for `person: self` entries or when
        the hit's own words name the writer; for `person: other` and friend_in_danger entries
        unless the writer is the last person named in the hit's clause ("im a girl who...");
        otherwise (`person: auto`) only when that last person is someone else."""
        if entry.person == "self" or any(self._self.contains(tokens.forms[p]) for p in span):
            return False
        subject = self._last_person(entry, span, tokens)
        if entry.person == "other" or entry.category == "friend_in_danger":
            return subject != "self"
        return subject == "other"

    def _last_person(self, entry: Entry, span: list[int], tokens: Tokens) -> str | None:
        """"self", "other" or None: the last person named from the clause start to the hit's
        end. A person word up to 5 words after a `self_is` word ("oon tyttö") is the writer."""
        # In violence entries "kaveri"/"se" may be the attacker: only a word naming someone
        # else as the one harmed ("sitä", "häntä", "her") counts there.
        victim_entry = entry.category in self.context.victim_categories
        others = self._victims if victim_entry and not entry.victim_subject else self._others
        last_subject: str | None = None
        last_self_is = -_SELF_IS_REACH - 1
        clause_start = self._clause_start(span[0], tokens)
        for position in range(clause_start, span[-1] + 1):
            forms = tokens.forms[position]
            if self._self_is.contains(forms):
                last_self_is = position
                last_subject = "self"
            elif self._self.contains(forms):
                last_subject = "self"
            elif others.contains(forms) and position - last_self_is > _SELF_IS_REACH:
                last_subject = "other"
        if last_subject is None:
            last_subject = self._person_nearby(others, span, clause_start, tokens, victim_entry)
        return last_subject

    def _person_nearby(
        self,
        others: WordSet,
        span: list[int],
        clause_start: int,
        tokens: Tokens,
        look_after: bool,
    ) -> str | None:
        """No person in the hit's clause ("ku otti liikaa lääkkeitä"): the person named
        nearest before it in the same sentence; for violence entries also the one harmed
        named after it in its clause ("soitin ambulanssin kaverille"). A word naming the
        writer wins: it is checked first."""
        for position in range(clause_start - 1, -1, -1):
            if any(mark in tokens.gap_before(position + 1) for mark in _SENTENCE_BREAKS):
                break
            found = self._person_of(others, tokens.forms[position])
            if found is not None:
                return found
        if not look_after:
            return None
        for position in range(span[-1] + 1, len(tokens)):
            if any(mark in tokens.gap_before(position) for mark in _PUNCTUATION_BREAKS):
                break
            if self._breaks.contains(tokens.forms[position]):
                break
            found = self._person_of(others, tokens.forms[position])
            if found is not None:
                return found
        return None

    def _person_of(self, others: WordSet, forms: tuple[str, ...]) -> str | None:
        if self._self.contains(forms) or self._self_is.contains(forms):
            return "self"
        if others.contains(forms):
            return "other"
        return None

    def _clause_start(self, position: int, tokens: Tokens) -> int:
        """The first token of the clause holding `position` (after punctuation or a
        conjunction such as ja / mut / and / but / men)."""
        while position > 0:
            if any(mark in tokens.gap_before(position) for mark in _PUNCTUATION_BREAKS):
                return position
            if self._breaks.contains(tokens.forms[position - 1]):
                return position
            position -= 1
        return 0


def _coursework_follows(position: int, span: list[int], topic_positions: set[int]) -> bool:
    """A topic cue one or two words after the writer's word, with no hit between: "tein
    opparin...", "teen lähihoitajan tehtävää...", "in my nursing course" (but not "mietin
    itsemurhaa tunnilla")."""
    for offset in (1, 2):
        if position + offset in span:
            return False
        if position + offset in topic_positions:
            return True
    return False


__all__ = ["ContextRules", "MessageContext", "WordSet"]
