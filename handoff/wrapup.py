"""Wrap-up topic categories (statistics). Keys are CONTRACT.md intent names; the first four are the
categories the Pirkanmaa pilot reported."""

from __future__ import annotations

from typing import Any

WRAPUP_TOPICS: list[dict[str, str]] = [
    {"key": "feeling_bad", "fi": "Paha olo", "sv": "Mår dåligt", "en": "Feeling bad"},
    {"key": "relationships", "fi": "Ihmissuhteet", "sv": "Relationer", "en": "Relationships"},
    {"key": "share_news", "fi": "Kuulumisten kertominen", "sv": "Berätta hur det är", "en": "Sharing news"},
    {"key": "crisis", "fi": "Itsetuhoisuus", "sv": "Självdestruktivitet", "en": "Self-harm / suicidality"},
    {"key": "bullying_violence", "fi": "Kiusaaminen ja väkivalta", "sv": "Mobbning och våld", "en": "Bullying and violence"},
    {"key": "school_work", "fi": "Koulu, opiskelu ja työ", "sv": "Skola, studier och arbete", "en": "School, studies and work"},
    {"key": "substances", "fi": "Päihteet ja pelaaminen", "sv": "Rusmedel och spel", "en": "Substances and gaming"},
    {"key": "sexuality_identity", "fi": "Seksuaalisuus ja identiteetti", "sv": "Sexualitet och identitet", "en": "Sexuality and identity"},
    {"key": "other", "fi": "Muu", "sv": "Annat", "en": "Other"},
]
TOPIC_KEYS = {t["key"] for t in WRAPUP_TOPICS}


def validate_wrapup(data: Any) -> dict[str, Any] | None:
    """The cleaned wrap-up, or None when it is not acceptable."""
    if not isinstance(data, dict):
        return None
    topics = data.get("topics")
    if not isinstance(topics, list) or not topics or not all(isinstance(t, str) and t in TOPIC_KEYS for t in topics):
        return None
    services = data.get("referral_services") or []
    if not isinstance(services, list) or not all(isinstance(s, str) and len(s) <= 80 for s in services):
        return None
    return {"topics": sorted(set(topics)), "referral_given": bool(data.get("referral_given")),
            "referral_services": services[:20], "crisis": bool(data.get("crisis"))}
