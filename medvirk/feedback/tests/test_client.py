"""The client's own pages: answer through a fresh link in their language (Arabic, right to left),
then see their own graph and goals; paper keying through the same questions."""

from __future__ import annotations

from django.test import Client

from medvirk.feedback import services
from medvirk.feedback.models import Episode, Goal, GoalRating, Rating

from .conftest import Feedback, login

SESSION_ITEMS = ("session_heard", "session_topics", "session_together", "session_takeaway")


def _link(fb: Feedback, *, language: str = "ar") -> tuple[Episode, str, list[Goal]]:
    user = fb.users["behandler"]
    episode = services.episode_open(actor=user, service=fb.service, alias="Amira", language=language)
    goals = services.goal_set(actor=user, episode=episode, texts=["أنام أفضل"])
    session = services.session_record(actor=user, episode=episode)
    _link, token = services.link_create(actor=user, session=session)
    return episode, token, goals


def answers(fb: Feedback, goals: list[Goal], *, phq: int = 2, line: str = "7,5") -> dict[str, str]:
    data = {f"q-i{fb.outcome.pk}__phq9_{n}": f"v{phq}" for n in range(1, 10)}
    data |= {f"q-i{fb.alliance.pk}__{k}": line for k in SESSION_ITEMS}
    data |= {f"q-g{g.pk}": "4" for g in goals}
    return data


def test_client_answers_in_arabic_and_sees_their_graph(fb: Feedback) -> None:
    episode, token, goals = _link(fb)
    client = Client()
    page = client.get(f"/k/{token}/").content.decode()
    assert 'lang="ar" dir="rtl"' in page
    assert "كيف كانت محادثة اليوم؟" in page  # Medvirk's session feedback, in Arabic
    assert 'lang="en" dir="ltr"' in page  # PHQ-9 ships in English only: marked as English
    assert 'type="range"' in page  # the 0–10 line (enhancement of the number field)
    assert "أنام أفضل" in page  # the client's goal, in their words
    header = page[page.index("<header") : page.index("</header>")]
    assert '<span lang="nb" dir="ltr">Eksempel kommune</span>' in header  # whose service this is
    footer = page[page.index("<footer") : page.index("</footer>")]
    assert 'href="/m/eksempel/privacy/#client-feedback"' in footer and "https://uustatus.no/" in footer
    response = client.post(f"/k/{token}/", answers(fb, goals))
    assert response.status_code == 302
    outcome = Rating.objects.get(session__episode=episode, instrument=fb.outcome)
    assert outcome.score == 18 and outcome.language == "ar" and outcome.mode == "own_phone"
    assert Rating.objects.get(session__episode=episode, instrument=fb.alliance).score == 7.5  # "7,5"
    assert GoalRating.objects.get(goal=goals[0]).value == 4
    done = client.get(f"/k/{token}/").content.decode()
    assert "شكرًا! تم حفظ إجاباتك." in done
    assert "<svg" in done and "أهدافك" in done
    assert "نقاطك هذه المرة: 18." in done  # the score in words before the graph
    assert not client.cookies  # no cookie on the client's pages


def test_errors_keep_the_other_answers(fb: Feedback) -> None:
    _episode, token, goals = _link(fb, language="en")
    data = answers(fb, goals)
    data[f"q-i{fb.alliance.pk}__session_heard"] = "11"
    response = Client().post(f"/k/{token}/", data)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'aria-invalid="true"' in page
    assert 'value="7,5"' in page  # what was typed elsewhere is kept
    # Where the page opens (at the top, after "Send" at the bottom): a list of the errors that
    # takes focus and links to the field (walk2: on a phone the client saw only the first questions).
    summary = page[page.index('<div class="ds-error-summary"') : page.index("<form")]
    assert "autofocus" in summary and "Please correct the following" in summary
    field = f"f-i{fb.alliance.pk}__session_heard"
    assert f'href="#{field}-0"' in summary and f'id="{field}-0"' in page
    assert page.index("<title>") < page.index("Please correct the following") < page.index("</title>")
    assert not Rating.objects.exists()


def test_an_expired_or_revoked_link_shows_nothing(fb: Feedback) -> None:
    episode, token, _goals = _link(fb)
    services.link_revoke(actor=fb.users["behandler"], link=episode.sessions.get().links.get())
    response = Client().get(f"/k/{token}/?lang=nb")
    assert response.status_code == 404
    assert "Denne lenken virker ikke lenger" in response.content.decode()
    assert "Amira" not in response.content.decode()
    assert Client().get("/k/not-a-token/").status_code == 404


def test_paper_keying_uses_the_same_questions(fb: Feedback) -> None:
    episode, _token, goals = _link(fb, language="nb")
    client = login(fb, "behandler")
    rater = services.client_rater(episode)
    url = f"/feedback/episodes/{episode.pk}/sessions/1/paper/{rater.pk}/"
    assert "Little interest or pleasure" in client.get(url).content.decode()
    response = client.post(url, answers(fb, goals, phq=3, line="2"))
    assert response.status_code == 302, response.content[:800]
    rating = Rating.objects.get(session__episode=episode, instrument=fb.outcome)
    assert rating.score == 27 and rating.mode == "paper"


def test_the_clients_scores_are_said_in_words_in_every_language() -> None:
    from medvirk.feedback.client_text import KEYS, TEXTS, ClientTexts
    from medvirk.feedback.views_client import _score_words

    assert all(len(texts) == len(KEYS) for texts in TEXTS.values())
    said = _score_words(["21", "9"], ClientTexts("nb"))
    assert said == "Poengene dine gikk fra 21 i den første samtalen til 9 nå."
    for lang in TEXTS:
        t = ClientTexts(lang)
        assert "21" in _score_words(["21", "9"], t) and "{" not in _score_words(["9"], t), lang
    assert _score_words([], ClientTexts("nb")) == ""
