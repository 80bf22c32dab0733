"""Texts the custom actions fill with data (services, hours, availability) in fi, sv and en.

Fixed texts the dialogue uses directly (greeting, privacy, topic acknowledgements ...) live in
``domain.yml`` as responses; the texts here need values that only the actions know.
Tone: a kind, calm youth worker. Short sentences, plain words.
"""

from __future__ import annotations

LANGUAGES = ("fi", "sv", "en")

TEXTS: dict[str, dict[str, str]] = {
    # --- service guidance --------------------------------------------------------------------
    "guidance_intro": {
        "fi": "Kiitos, että kirjoitit. Näistä paikoista voit saada tukea ja juttuseuraa:",
        "sv": "Tack för att du skrev. Här kan du få stöd och någon att prata med:",
        "en": "Thanks for writing. Here are places where you can get support and someone to talk to:",
    },
    "guidance_regional": {
        "fi": "Oman alueesi ({county}) palvelut:",
        "sv": "Tjänster i ditt område ({county}):",
        "en": "Services in your area ({county}):",
    },
    "links_heading": {
        "fi": "Tukea ja apua",
        "sv": "Stöd och hjälp",
        "en": "Support and help",
    },
    "ask_location": {
        "fi": "Jos haluat, voit kertoa, millä paikkakunnalla asut. Silloin kerron myös oman alueesi palveluista.",
        "sv": "Om du vill kan du berätta på vilken ort du bor. Då kan jag också berätta om tjänster i ditt område.",
        "en": "If you like, you can tell me which town you live in. Then I can also tell you about services in your area.",
    },
    # --- talking with a human ----------------------------------------------------------------
    "offer_human": {
        "fi": "Haluatko jutella päivystäjän kanssa? Päivystäjät ovat oikeita ihmisiä, ja he näkevät tämän keskustelun, joten sinun ei tarvitse kertoa kaikkea uudestaan.",
        "sv": "Vill du prata med en jourhavande? De jourhavande är riktiga människor, och de ser det här samtalet, så du behöver inte berätta allt på nytt.",
        "en": "Would you like to talk with an on-duty volunteer? They are real people, and they can see this conversation, so you don't have to tell everything again.",
    },
    "no_human_now": {
        "fi": "Juuri nyt chatissa ei ole päivystäjiä, sori.",
        "sv": "Just nu finns det ingen jourhavande i chatten, förlåt.",
        "en": "There is no one on duty in the chat right now, I'm sorry.",
    },
    "next_time": {
        "fi": "Seuraavan kerran olemme paikalla {when}. Tervetuloa silloin juttelemaan!",
        "sv": "Nästa gång är vi här {when}. Välkommen då!",
        "en": "We'll be here next {when}. You're welcome to come and talk then!",
    },
    "next_time_unknown": {
        "fi": "En tiedä vielä, milloin päivystäjät ovat seuraavan kerran paikalla.",
        "sv": "Jag vet inte ännu när de jourhavande är här nästa gång.",
        "en": "I don't know yet when the volunteers will be here next.",
    },
    "availability_unknown": {
        "fi": "En saa juuri nyt tietoa siitä, onko päivystäjiä paikalla, sori. Vika on meidän päässämme, ei sinun.",
        "sv": "Jag får just nu ingen uppgift om det finns jourhavande på plats, förlåt. Felet är hos oss, inte hos dig.",
        "en": "I can't check right now whether anyone is on duty, I'm sorry. The problem is on our side, not yours.",
    },
    "meanwhile": {
        "fi": "Sillä välin voit saada tukea myös näistä:",
        "sv": "Under tiden kan du också få stöd här:",
        "en": "Meanwhile, you can also get support here:",
    },
    "urgent_reminder": {
        "fi": "Jos olet vaarassa juuri nyt, soita 112.",
        "sv": "Om du är i fara just nu, ring 112.",
        "en": "If you are in danger right now, call 112.",
    },
    "handoff_requested": {
        "fi": "Selvä! Pyysin sinulle päivystäjän. Hän tulee chattiin heti, kun ehtii. Päivystäjä näkee tämän keskustelun, joten sinun ei tarvitse aloittaa alusta.",
        "sv": "Okej! Jag har bett en jourhavande komma. Hen kommer in i chatten så snart hen kan. Hen ser det här samtalet, så du behöver inte börja från början.",
        "en": "Okay! I've asked for an on-duty volunteer. They'll join the chat as soon as they can. They can see this conversation, so you don't need to start over.",
    },
    "handoff_requested_crisis": {
        "fi": "Pyysin päivystäjän juttelemaan kanssasi.",
        "sv": "Jag har bett en jourhavande komma och prata med dig.",
        "en": "I've asked a volunteer to come and talk with you.",
    },
    # --- crisis ------------------------------------------------------------------------------
    "crisis_followup": {
        "fi": "Olen tosi iloinen, että kirjoitit tänne. Et ole tämän kanssa yksin.",
        "sv": "Jag är verkligen glad att du skrev hit. Du är inte ensam med det här.",
        "en": "I'm really glad you wrote here. You are not alone with this.",
    },
    "crisis_followup_no_one": {
        "fi": "Päivystäjiä ei ole juuri nyt paikalla. Yllä olevat numerot vastaavat milloin vain. Soita niihin nyt, jos voit.",
        "sv": "Det finns ingen jourhavande på plats just nu. Numren ovan svarar när som helst. Ring dem nu om du kan.",
        "en": "There is no one on duty right now. The numbers above answer at any time. Please call them now if you can.",
    },
    "crisis_fallback": {
        "fi": "Kiitos, että kerroit. Jos olet vaarassa juuri nyt, soita hätänumeroon 112. Myös {crisis_line} vastaa joka päivä ympäri vuorokauden.",
        "sv": "Tack för att du berättade. Om du är i fara just nu, ring nödnumret 112. Du kan också ringa {crisis_line}, som svarar dygnet runt varje dag.",
        "en": "Thank you for telling me. If you are in danger right now, call the emergency number 112. You can also call {crisis_line}, which answers 24 hours a day, every day.",
    },
    "crisis_check": {
        "fi": "Haluan varmistaa, että olet turvassa. Oletko vaarassa juuri nyt? Jos olet, soita 112. Myös {crisis_line} vastaa joka päivä ympäri vuorokauden.",
        "sv": "Jag vill försäkra mig om att du är trygg. Är du i fara just nu? Om du är det, ring 112. Du kan också ringa {crisis_line}. Den svarar dygnet runt varje dag.",
        "en": "I want to make sure you're safe. Are you in danger right now? If you are, call 112. You can also call {crisis_line}. It answers 24 hours a day, every day.",
    },
    # --- hours and place ---------------------------------------------------------------------
    "hours_on_duty_now": {
        "fi": "Juuri nyt paikalla on päivystäjiä.",
        "sv": "Just nu finns det jourhavande på plats.",
        "en": "There are volunteers on duty right now.",
    },
    "location_ack": {
        "fi": "Kiitos! Kerron nyt myös oman alueesi ({county}) palveluista.",
        "sv": "Tack! Nu kan jag också berätta om tjänster i ditt område ({county}).",
        "en": "Thanks! Now I can also tell you about services in your area ({county}).",
    },
    "location_unknown": {
        "fi": "En tunnistanut paikkakuntaa, sori. Voit kirjoittaa kunnan nimen, esimerkiksi \"asun Tampereella\".",
        "sv": "Jag kände inte igen orten, förlåt. Du kan skriva kommunens namn, till exempel \"jag bor i Vasa\".",
        "en": "Sorry, I didn't recognise the place. You can write the name of the municipality, for example \"I live in Tampere\".",
    },
    # --- buttons -----------------------------------------------------------------------------
    "button_human": {"fi": "Haluan jutella ihmisen kanssa", "sv": "Jag vill prata med en människa", "en": "I want to talk to a person"},
    "button_yes_human": {"fi": "Kyllä, haluan", "sv": "Ja, gärna", "en": "Yes, please"},
    "button_not_now": {"fi": "Ei nyt", "sv": "Inte nu", "en": "Not now"},
    "button_in_danger": {"fi": "Olen vaarassa nyt", "sv": "Jag är i fara nu", "en": "I'm in danger now"},
    "button_just_chat": {"fi": "Ei hätää, haluan vain jutella", "sv": "Ingen fara, jag vill bara prata", "en": "No danger, I just want to chat"},
    "button_hours": {"fi": "Milloin päivystäjät ovat paikalla?", "sv": "När finns jourhavande?", "en": "When is someone on duty?"},
}

TOPIC_BUTTONS: dict[str, dict[str, str]] = {
    "feeling_bad": {"fi": "Paha olo", "sv": "Jag mår dåligt", "en": "Feeling bad"},
    "relationships": {"fi": "Ihmissuhteet", "sv": "Relationer", "en": "Relationships"},
    "bullying_violence": {"fi": "Kiusaaminen tai väkivalta", "sv": "Mobbning eller våld", "en": "Bullying or violence"},
    "school_work": {"fi": "Koulu tai työ", "sv": "Skola eller jobb", "en": "School or work"},
    "substances": {"fi": "Päihteet tai pelaaminen", "sv": "Rusmedel eller spel", "en": "Alcohol, drugs or gaming"},
    "sexuality_identity": {"fi": "Seksuaalisuus tai sukupuoli", "sv": "Sexualitet eller kön", "en": "Sexuality or gender"},
    "share_news": {"fi": "Haluan vain jutella", "sv": "Jag vill bara prata", "en": "I just want to chat"},
}


def lang_of(language: str | None) -> str:
    return language if language in LANGUAGES else "fi"


def text(name: str, language: str | None, **values: str) -> str:
    """The text in the language (Finnish when unknown), with {placeholders} filled in."""
    template = TEXTS[name][lang_of(language)]
    return template.format(**values) if values else template


def human_offer_buttons(language: str | None) -> list[dict[str, str]]:
    return [
        {"title": text("button_yes_human", language), "payload": "/request_human"},
        {"title": text("button_not_now", language), "payload": "/deny"},
    ]


def topic_buttons(language: str | None, with_human: bool = True) -> list[dict[str, str]]:
    lang = lang_of(language)
    buttons = [{"title": titles[lang], "payload": f"/{topic}"} for topic, titles in TOPIC_BUTTONS.items()]
    if with_human:
        buttons.append({"title": text("button_human", lang), "payload": "/request_human"})
    return buttons
