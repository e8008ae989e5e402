"""The reflection kit: prompts for dialogue and reflection meetings, in plain language.

Written by us in bokmål, nynorsk and English. Facilitators draw one at random (seeded, so a draw
can be repeated) or choose one, and write what was said into the activity's minutes.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from django.utils.translation import get_language


@dataclass(frozen=True)
class Prompt:
    key: str
    nb: str
    nn: str
    en: str

    def text(self, lang: str | None = None) -> str:
        lang = (lang or get_language() or "nb")[:2]
        return {"nn": self.nn, "en": self.en}.get(lang, self.nb)


PROMPTS: tuple[Prompt, ...] = (
    Prompt(
        "good_day",
        "Fortell om en god dag hos oss. Hva gjorde den god?",
        "Fortel om ein god dag hos oss. Kva gjorde han god?",
        "Tell us about a good day with us. What made it good?",
    ),
    Prompt(
        "bad_day",
        "Fortell om en gang noe gikk galt. Hva skjedde?",
        "Fortel om ein gong noko gjekk gale. Kva skjedde?",
        "Tell us about a time something went wrong. What happened?",
    ),
    Prompt(
        "matters",
        "Hva er viktigst for deg når du bruker tjenesten?",
        "Kva er viktigast for deg når du brukar tenesta?",
        "What matters most to you when you use the service?",
    ),
    Prompt(
        "heard",
        "Når føler du at vi lytter til deg?",
        "Når kjenner du at vi lyttar til deg?",
        "When do you feel that we listen to you?",
    ),
    Prompt(
        "one_change",
        "Hvis du kunne endre én ting, hva ville det vært?",
        "Om du kunne endre éin ting, kva ville det vore?",
        "If you could change one thing, what would it be?",
    ),
    Prompt(
        "missing",
        "Hvem bruker ikke tjenesten, men burde? Hvorfor ikke?",
        "Kven brukar ikkje tenesta, men burde? Kvifor ikkje?",
        "Who does not use the service but should? Why not?",
    ),
    Prompt(
        "information",
        "Får du vite det du trenger? Hvordan vil du helst få beskjed?",
        "Får du vite det du treng? Korleis vil du helst få beskjed?",
        "Do you get the information you need? How would you like to hear from us?",
    ),
    Prompt(
        "language",
        "Er det noe som er vanskelig å forstå, eller vanskelig å si, til oss?",
        "Er det noko som er vanskeleg å forstå, eller vanskeleg å seie, til oss?",
        "Is anything hard to understand, or hard to say, to us?",
    ),
    Prompt(
        "picture",
        "Velg et bilde som viser hvordan du har det hos oss. Fortell hvorfor.",
        "Vel eit bilete som viser korleis du har det hos oss. Fortel kvifor.",
        "Pick a picture that shows how things are for you here. Tell us why.",
    ),
    Prompt(
        "together",
        "Hva kan vi gjøre sammen med deg, ikke bare for deg?",
        "Kva kan vi gjere saman med deg, ikkje berre for deg?",
        "What could we do together with you, not only for you?",
    ),
)
PROMPTS_BY_KEY = {p.key: p for p in PROMPTS}


def draw(seed: int | str) -> Prompt:
    """Return a prompt drawn at random; the same seed always draws the same prompt."""
    return random.Random(str(seed)).choice(PROMPTS)
