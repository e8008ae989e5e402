"""A small but complete survey definition used by the tests of surveys, results and equity (shared
test support lives in this top-level package, above every app)."""

from __future__ import annotations

from typing import Any


def t(nb: str, en: str | None = None, ar: str | None = None) -> dict[str, str]:
    out = {"nb": nb, "en": en or nb}
    if ar:
        out["ar"] = ar
    return out


def sample_definition(*, languages: tuple[str, ...] = ("nb", "en")) -> dict[str, Any]:
    """Return a definition with every question type, a matrix, skip logic and background questions."""
    scale = {
        "min": 1,
        "max": 6,
        "min_label": t("Svært misfornøyd", "Very dissatisfied", "غير راضٍ جدًا"),
        "max_label": t("Svært fornøyd", "Very satisfied", "راضٍ جدًا"),
        "dont_know": True,
    }
    return {
        "format": "medvirk-survey/1",
        "key": "test_survey",
        "title": t("Brukerundersøkelse", "User survey", "استطلاع المستخدمين"),
        "languages": list(languages),
        "themes": {"trivsel": t("Trivsel", "Well-being", "الرفاهية")},
        "sections": [
            {
                "key": "s_main",
                "title": t("Om tilbudet", "About the service", "عن الخدمة"),
                "questions": [
                    {
                        "key": "q_overall",
                        "type": "rating",
                        "required": True,
                        "theme": "trivsel",
                        "text": t(
                            "Hvor fornøyd er du alt i alt?",
                            "How satisfied are you overall?",
                            "ما مدى رضاك بشكل عام؟",
                        ),
                        "scale": scale,
                    },
                    {
                        "key": "q_why",
                        "type": "textarea",
                        "text": t("Hva kan bli bedre?", "What could be better?", "ما الذي يمكن تحسينه؟"),
                        "condition": {"question": "q_overall", "op": "range", "max": 2},
                    },
                    {
                        "key": "q_channel",
                        "type": "single",
                        "required": True,
                        "text": t(
                            "Hvordan fikk du vite om tilbudet?",
                            "How did you hear about it?",
                            "كيف عرفت عن الخدمة؟",
                        ),
                        "options": [
                            {"key": "friends", "label": t("Venner", "Friends", "الأصدقاء")},
                            {"key": "web", "label": t("Nettsiden", "The website", "الموقع")},
                        ],
                    },
                    {
                        "key": "q_used",
                        "type": "multiple",
                        "text": t("Hva har du brukt?", "What have you used?", "ماذا استخدمت؟"),
                        "options": [
                            {"key": "a", "label": t("Kurs", "Courses", "دورات")},
                            {"key": "b", "label": t("Rådgivning", "Advice", "استشارة")},
                            {"key": "c", "label": t("Kafé", "Café", "مقهى")},
                        ],
                    },
                    {
                        "key": "q_matrix",
                        "type": "matrix",
                        "text": t("Hva mener du om", "What do you think of", "ما رأيك في"),
                        "scale": scale,
                        "theme": "trivsel",
                        "rows": [
                            {"key": "q_m_staff", "text": t("de ansatte", "the staff", "الموظفين")},
                            {"key": "q_m_rooms", "text": t("lokalene", "the rooms", "المكان")},
                        ],
                    },
                ],
            },
            {
                "key": "s_more",
                "title": t("Mer", "More", "المزيد"),
                "questions": [
                    {
                        "key": "q_nps",
                        "type": "nps",
                        "text": t("Vil du anbefale oss?", "Would you recommend us?", "هل توصي بنا؟"),
                    },
                    {
                        "key": "q_visits",
                        "type": "number",
                        "min": 0,
                        "max": 365,
                        "text": t("Hvor mange ganger har du vært her?", "How many visits?", "كم مرة زرتنا؟"),
                    },
                    {
                        "key": "q_first",
                        "type": "date",
                        "text": t("Første besøk", "First visit", "الزيارة الأولى"),
                    },
                    {
                        "key": "q_name",
                        "type": "text",
                        "max_length": 40,
                        "text": t("Kallenavn", "Nickname", "الاسم"),
                    },
                    {"key": "q_consent", "type": "consent", "text": t("Jeg samtykker", "I agree", "أوافق")},
                ],
            },
            {
                "key": "s_bg",
                "title": t("Om deg", "About you", "عنك"),
                "questions": [
                    {
                        "key": "bg_age",
                        "type": "background",
                        "dimension": "age_band",
                        "text": t("Alder", "Age", "العمر"),
                    },
                    {
                        "key": "bg_gender",
                        "type": "background",
                        "dimension": "gender",
                        "text": t("Kjønn", "Gender", "الجنس"),
                    },
                    {
                        "key": "bg_district",
                        "type": "background",
                        "dimension": "district",
                        "text": t("Bydel", "District", "الحي"),
                    },
                ],
            },
        ],
    }


#: A complete answer to every required question of ``sample_definition()``.
COMPLETE_ANSWERS = {
    "q_overall": 5,
    "q_channel": "web",
    "q_used": ("a",),
    "q_m_staff": 5,
    "q_m_rooms": 4,
    "q_nps": 9,
    "q_consent": True,
}


PAIN: dict[str, Any] = {
    "key": "q_pain",
    "type": "vas",
    "required": True,
    "text": t("Hvor sterke smerter har du nå?", "How much pain do you have now?"),
    "scale": {
        "min_label": t("Ingen smerte", "No pain"),
        "max_label": t("Verst tenkelige smerte", "Worst pain"),
    },
}


def with_line(**changes: Any) -> dict[str, Any]:
    """Return the sample survey with a line from 0 to 10 (``vas``) as its own last page."""
    document = sample_definition()
    question = {**PAIN, **changes}
    document["sections"].append({"key": "s_pain", "title": t("Smerte", "Pain"), "questions": [question]})
    return document


OTHER = {"key": "other", "label": t("Annet", "Other", "غير ذلك"), "other": True}


def with_other() -> dict[str, Any]:
    """Return the sample survey with "other, please specify" on its single and multiple choice."""
    document = sample_definition()
    for question in document["sections"][0]["questions"]:
        if question["key"] in ("q_channel", "q_used"):
            question["options"].append(dict(OTHER))
    return document


RANKING: dict[str, Any] = {
    "key": "q_rank",
    "type": "ranking",
    "required": True,
    "text": t("Hva er viktigst for deg?", "What matters most to you?"),
    "options": [
        {"key": "food", "label": t("Maten", "The food")},
        {"key": "staff", "label": t("De ansatte", "The staff")},
        {"key": "outdoors", "label": t("Uteområdet", "The outdoor area")},
    ],
}


def with_ranking(**changes: Any) -> dict[str, Any]:
    """Return the sample survey with a ranking of three options as its own last page."""
    document = sample_definition()
    question = {**RANKING, **changes}
    document["sections"].append(
        {"key": "s_rank", "title": t("Det viktigste", "What matters"), "questions": [question]}
    )
    return document
