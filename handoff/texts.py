"""The gateway's own system messages to young people, in Finnish, Swedish and English."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "volunteer_joined": {
        "fi": "{alias} päivystäjä liittyi keskusteluun. Voit kirjoittaa nyt hänelle.",
        "sv": "Jouren {alias} kom med i chatten. Du kan skriva till hen nu.",
        "en": "{alias}, an on-duty worker, joined the chat. You can write to them now.",
    },
    "volunteer_left": {
        "fi": "{alias} poistui keskustelusta.",
        "sv": "{alias} lämnade chatten.",
        "en": "{alias} left the chat.",
    },
    "returned_to_queue": {
        "fi": "Yhteys päivystäjään katkesi. Olet taas jonon kärjessä, ja seuraava vapaa päivystäjä jatkaa kanssasi.",
        "sv": "Kontakten med jouren bröts. Du är först i kön igen, och nästa lediga jour fortsätter med dig.",
        "en": "The connection to the on-duty worker was lost. You are at the front of the queue again, and the next free worker will continue with you.",
    },
    "transferred": {
        "fi": "Toinen päivystäjä jatkaa keskustelua kanssasi.",
        "sv": "En annan jour fortsätter chatten med dig.",
        "en": "Another on-duty worker will continue the chat with you.",
    },
    "ended_by_volunteer": {
        "fi": "Päivystäjä lopetti keskustelun. Kiva, että kirjoitit. Voit aina tulla uudestaan.",
        "sv": "Jouren avslutade chatten. Fint att du skrev. Du kan alltid komma tillbaka.",
        "en": "The on-duty worker ended the chat. Thank you for writing. You can always come back.",
    },
    "nobody_on_duty": {
        "fi": "Juuri nyt kukaan päivystäjä ei ole paikalla, joten en laittanut sinua jonoon. {hours}",
        "sv": "Just nu är ingen jour på plats, så jag satte dig inte i kö. {hours}",
        "en": "No on-duty worker is here right now, so I did not put you in a queue. {hours}",
    },
    "bot_trouble": {
        "fi": "Anteeksi, minulla on nyt teknisiä vaikeuksia enkä pysty vastaamaan kunnolla. {hours} Jos olo on vaikea, alla on paikkoja, joihin voit olla yhteydessä heti.",
        "sv": "Förlåt, jag har tekniska problem just nu och kan inte svara ordentligt. {hours} Om du mår dåligt finns det platser nedan som du kan kontakta direkt.",
        "en": "Sorry, I am having technical trouble right now and cannot answer properly. {hours} If things feel hard, below are places you can contact right away.",
    },
    "hours_listing": {
        "fi": "Päivystysajat (Suomen aikaa): {weekly}.",
        "sv": "Jourtider (finsk tid): {weekly}.",
        "en": "On-duty hours (Finnish time): {weekly}.",
    },
    "talk_to_person": {
        "fi": "Haluan jutella ihmisen kanssa",
        "sv": "Jag vill prata med en människa",
        "en": "I want to talk to a person",
    },
}


def text(key: str, language: str, **values: str) -> str:
    variants = TEXTS[key]
    return variants.get(language, variants["fi"]).format(**values).strip()
