"""LanguageDetector: the entity `language` (fi, sv or en) when a message is clearly written in
that language, so the `language` slot follows a young person who switches language.

A small word-list scorer, no model: every word found in one language's list of frequent words
scores for that language (a word in two lists scores for both, so it decides nothing). The
message counts as language X when X scores at least 2 and at least twice any other language.
A one-word message counts only if the word is unambiguous ("hej", "tack" -> sv; "hello",
"thanks" -> en; "kiitos" -> fi); "ok", "joo", "hi", "moi", "no", "ja" never switch anything.
Payload messages ("/greet{...}") are skipped: their language comes with the payload.
"""

from __future__ import annotations

from typing import Any

import regex
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

ENTITY = "language"
_WORD = regex.compile(r"[\p{L}']+")

_WORDS: dict[str, frozenset[str]] = {
    "fi": frozenset("""
        on oon olen oot olet ole oo oli ollu ollut olla ei emmä et se ne mä mää minä mun mul mulla
        mua mulle musta sä sää sinä sun sul sulla sulle sua me meil meillä te he tää tämä tätä
        toi tuo että kun ku jos mutta mut koska niin nii vaan vain myös kanssa ihan tosi aika
        vähän paljon mitä mikä miten miks miksi missä milloin millon onko onks voinko voiko
        voisinko haluun haluan haluisin joo juu kiitos kiitti moikka terve heippa jo vielä nyt
        sit sitten kaikki mitään mikään kukaan koulu koulussa paha olo hyvä mieli ahdistaa
        ahistaa puhua ihmisen ihmisten kuolla elää kotona äiti isä kaveri kaverit kaverin tänään
        huomenna eilen yksin apua auta anteeksi sori oikeesti niinku siis tai kans mulle ootko
        oletko onks tiiä tiedä tietää jaksa jaksaa pitää pitäis tuntuu tuntuis kiusataan
        kiusaa kiusattu itteni itse minua sinua hänen heidän meidän teidän päivystäjä botti
        chatti auki anonyymi tallennetaanko kuka kukaan viikko päivä yö ilta aamu kertoo kertoa
        sanoa sano oli olis ois oisko voi voisko saa saako saanko enää aina koskaan jotain
        jollekin jonkun joku jutella juttu hei moi kans
    """.split()) - {"hei", "moi"},
    "sv": frozenset("""
        och jag är inte det att har med vill kan mår mig dig du hej tack hur vad varför när var
        min mitt mina din ditt som på för till av om så men eller också bara mycket inget ingen
        något någon prata människa hjälp dåligt bra skolan skola mamma pappa kompis kompisar
        hejdå ses tjena tjenare nej ett den vi ni hon dom här där nu idag imorgon tycker
        behöver ångest ledsen glad rädd mobbad mobbar mobbning öppet öppen chatten anonym
        känner vet orkar ska skulle vara blir bor heter jobbigt ensam själv någonting ingenting
        väldigt riktigt kanske alltid aldrig hemma hem vän vänner pojkvän flickvän sparkar
        kommer ja
    """.split()) - {"ja"},
    "en": frozenset("""
        the and i i'm im you your you're is are am was to of my me it it's this that what how
        when where why can could want need with have has do don't dont not yes hello hey thanks
        thank bye goodbye please help feel feeling feels sad bad good talk someone person human
        bot school friend friends parents mom mum dad live in at so just really very much about
        anyone open chat anonymous okay sure sorry today tomorrow tired alone lonely anxious
        anxiety depressed kill die myself hurt suicide bullied drunk drugs gay trans weather who
        will would be been there here an a be does did know think going get got like nobody
        everyone anything something nothing stay safe home boyfriend girlfriend mother father
        brother sister sleep eat work job on they them always out leave left
    """.split()),
}
# Words of more than one language, and fillers: they never decide.
_NEUTRAL = frozenset("ok okei okay oki joo no ja i en hi moi hei lol haha jo bot kiva".split())
# One-word messages that may switch the language on their own.
_SINGLE: dict[str, frozenset[str]] = {
    "sv": frozenset({"hej", "tack", "hejdå", "tjena", "tjenare", "hejsan", "nej"}),
    "en": frozenset({"hello", "thanks", "thank", "bye", "goodbye", "yes", "please"}),
    "fi": frozenset({"kiitos", "kiitti", "moikka", "heippa", "kiitoksia", "terve"}),
}


def _scores(words: list[str]) -> dict[str, float]:
    scores = {language: 0.0 for language in _WORDS}
    for word in words:
        if word in _NEUTRAL:
            continue
        for language, vocabulary in _WORDS.items():
            if word in vocabulary:
                scores[language] += 1
        if "å" in word:
            scores["sv"] += 1
        elif ("ä" in word or "ö" in word) and not any(word in v for v in _WORDS.values()):
            scores["fi"] += 0.5  # Finnish and Swedish share ä/ö; Finnish words far more often
    return scores


def detect_language(text: str) -> str | None:
    """fi, sv or en when the text is clearly in that language, else None."""
    if not text or text.lstrip().startswith("/"):
        return None
    words = [w.lower() for w in _WORD.findall(text)]
    deciding = [w for w in words if w not in _NEUTRAL]
    if not deciding:
        return None
    if len(deciding) == 1:
        for language, singles in _SINGLE.items():
            if deciding[0] in singles:
                return language
        return None
    scores = _scores(words)
    best = max(scores, key=lambda language: scores[language])
    others = max(score for language, score in scores.items() if language != best)
    if scores[best] >= 2 and scores[best] >= 2 * others:
        return best
    singles = [w for w in deciding if any(w in s for s in _SINGLE.values())]
    if singles and len(deciding) <= 2:  # "ok thanks", "hej hej"
        languages = {lang for lang, s in _SINGLE.items() for w in singles if w in s}
        if len(languages) == 1 and scores[best] >= others:
            return languages.pop()
    return None


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class LanguageDetector(GraphComponent, EntityExtractorMixin):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {}

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> LanguageDetector:
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            language = detect_language(text)
            if language is None:
                continue
            entity = {"entity": ENTITY, "value": language, "start": 0, "end": len(text),
                      "confidence_entity": 1.0}
            entities = message.get(ENTITIES, []) + self.add_extractor_name([entity])
            message.set(ENTITIES, entities, add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
