"""Medvirk's goal-progress scale: the client's own goals, each rated on a line from 0 to 10.

Written for Medvirk (not validated): the items are the goals in the client's words, so only the
instruction and the two end labels are fixed texts, given here in every language whose
respondent page texts Medvirk ships (``medvirk.common.languages``). The goal-progress score of
a session is the mean over the goals rated.
"""

from __future__ import annotations

from collections.abc import Mapping

LOW, HIGH = 0.0, 10.0

#: language → (instruction, low end, high end)
TEXTS: Mapping[str, tuple[str, str, str]] = {
    "nb": ("Hvor nær er du dette målet nå?", "Ikke nærmere i det hele tatt", "Målet er nådd"),
    "nn": ("Kor nær er du dette målet no?", "Ikkje nærare i det heile", "Målet er nådd"),
    "en": ("How close are you to this goal now?", "No closer at all", "Goal reached"),
    "ar": ("ما مدى قربك من هذا الهدف الآن؟", "لم أقترب إطلاقًا", "تحقق الهدف"),
    "pl": ("Jak blisko tego celu jesteś teraz?", "Wcale nie bliżej", "Cel osiągnięty"),
    "uk": ("Наскільки ви зараз близько до цієї мети?", "Зовсім не ближче", "Мети досягнуто"),
    "es": ("¿Qué tan cerca estás ahora de esta meta?", "Nada más cerca", "Meta alcanzada"),
    "de": ("Wie nah sind Sie diesem Ziel jetzt?", "Gar nicht näher", "Ziel erreicht"),
    "fr": (
        "À quel point êtes-vous proche de cet objectif maintenant ?",
        "Pas plus proche du tout",
        "Objectif atteint",
    ),
    "ru": ("Насколько вы сейчас близки к этой цели?", "Совсем не ближе", "Цель достигнута"),
    "lt": ("Kiek dabar esate arti šio tikslo?", "Visiškai ne arčiau", "Tikslas pasiektas"),
    "fa": ("الان چقدر به این هدف نزدیک هستید؟", "اصلاً نزدیک‌تر نشده‌ام", "به هدف رسیده‌ام"),
    "ur": ("آپ اس مقصد کے اب کتنے قریب ہیں؟", "بالکل قریب نہیں", "مقصد حاصل ہو گیا"),
}


def texts(lang: str) -> tuple[str, str, str, str]:
    """Return (instruction, low label, high label, their language) in ``lang`` or bokmål."""
    code = lang if lang in TEXTS else "nb"
    return (*TEXTS[code], code)
