"""Services of client feedback: episodes, sessions, ratings, goals, links, closing, retention."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from medvirk.core import crypto
from medvirk.core.crypto_services import keys_rotate
from medvirk.core.errors import ServiceError
from medvirk.core.models import AuditEvent
from medvirk.feedback import selectors, services
from medvirk.feedback.models import ClientLink, Episode, EpisodeStatus, Goal, Rating

from .conftest import SYSTEM, Feedback, submit_rating

PHQ_LOW = dict.fromkeys([f"phq9_{n}" for n in range(1, 10)], 0)


def phq(total: int) -> dict[str, int]:
    """PHQ-9 answers adding up to ``total`` (items filled from the first, 3 each)."""
    answers = {}
    for n in range(1, 10):
        answers[f"phq9_{n}"] = min(3, max(0, total - 3 * (n - 1)))
    assert sum(answers.values()) == total
    return answers


def open_episode(fb: Feedback, **values: Any) -> Episode:
    return services.episode_open(
        actor=fb.users["behandler"], service=fb.service, alias="Kari B.", birth_year=1990, **values
    )


def rate(fb: Feedback, episode: Episode, total: int, held_on: date | None = None) -> Rating:
    return submit_rating(fb, episode, phq(total), held_on)


def test_episode_open_makes_the_opener_responsible(fb: Feedback) -> None:
    episode = open_episode(fb, gender="female", contact_email="kari@example.no")
    assert episode.members.get().user == fb.users["behandler"]
    assert episode.age_version == "adult"
    assert episode.age_band == "35-44"
    assert services.client_rater(episode).kind == "client"


def test_contact_details_are_encrypted_at_rest(fb: Feedback) -> None:
    episode = open_episode(fb, contact_email="kari@example.no", contact_phone="912 34 567")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT contact_email, contact_phone FROM feedback_episode WHERE id = %s", [episode.pk]
        )
        stored_email, stored_phone = cursor.fetchone()
    assert "kari" not in stored_email and "912" not in stored_phone
    assert stored_email.startswith("gAAAA")  # a Fernet token
    fresh = Episode.objects.get(pk=episode.pk)
    assert fresh.contact_email == "kari@example.no"
    assert fresh.contact_phone == "+4791234567"


def test_rotate_keys_re_encrypts_contact_details_with_the_new_key(fb: Feedback, settings: Any) -> None:
    episode = open_episode(fb, contact_email="kari@example.no")
    old_key = settings.ENCRYPTION_KEYS[0]
    new_key = crypto.new_key()
    settings.ENCRYPTION_KEYS = [new_key, old_key]  # the new key first, the old one still readable
    done = keys_rotate(actor=SYSTEM)
    assert done["feedback.episode.contact_email"] >= 1
    settings.ENCRYPTION_KEYS = [new_key]  # the old key dropped: everything still reads
    assert Episode.objects.get(pk=episode.pk).contact_email == "kari@example.no"


@pytest.mark.parametrize("alias", ["01019012345", "010190 12345", "rom 12 01019010046", "", "   "])
def test_alias_refuses_national_ids_and_blanks(fb: Feedback, alias: str) -> None:
    with pytest.raises(ServiceError) as exc:
        services.episode_open(actor=fb.users["behandler"], service=fb.service, alias=alias)
    assert exc.value.field == "alias"


def test_only_practitioners_of_the_unit_open_episodes(fb: Feedback) -> None:
    for name in ("annen", "leder.helse"):
        with pytest.raises(ServiceError) as exc:
            services.episode_open(actor=fb.users[name], service=fb.service, alias="X")
        assert exc.value.code == "forbidden"
    with pytest.raises(ServiceError):
        services.episode_open(actor=fb.demo.users["admin"], service=fb.service, alias="X")


def test_sessions_number_themselves_and_ratings_are_scored(fb: Feedback) -> None:
    episode = open_episode(fb)
    first = rate(fb, episode, 18)
    second = rate(fb, episode, 11)
    assert (first.session.number, second.session.number) == (1, 2)
    assert (first.score, second.score) == (18, 11)


def test_rating_rejects_values_outside_the_options_and_doubles(fb: Feedback) -> None:
    episode = open_episode(fb)
    session = services.session_record(actor=fb.users["behandler"], episode=episode)
    rater = services.client_rater(episode)

    def submit(answers: dict[str, int], mode: str) -> Rating:
        return services.rating_submit(
            actor=fb.users["behandler"],
            session=session,
            rater=rater,
            instrument=fb.outcome,
            answers=answers,
            mode=mode,
        )

    with pytest.raises(ServiceError):
        submit({**PHQ_LOW, "phq9_1": 4}, "tablet")
    submit(PHQ_LOW, "paper")
    with pytest.raises(ServiceError) as exc:
        submit(PHQ_LOW, "paper")
    assert exc.value.code == "rating_exists"


def test_phq9_item_nine_is_flagged_and_alerts(fb: Feedback) -> None:
    episode = open_episode(fb)
    rate(fb, episode, 12)
    rating = submit_rating(fb, episode, {**PHQ_LOW, "phq9_9": 1, "phq9_1": 3})
    assert rating.critical == ["phq9_9"]
    view = selectors.episode_view(episode)
    assert "critical_item" in {a.kind for a in view.alerts}


def test_other_practitioners_cannot_act_until_added(fb: Feedback) -> None:
    episode = open_episode(fb)
    with pytest.raises(ServiceError):
        services.session_record(actor=fb.users["kollega"], episode=episode)
    services.episode_member_add(actor=fb.users["behandler"], episode=episode, user=fb.users["kollega"])
    services.session_record(actor=fb.users["kollega"], episode=episode)
    added = AuditEvent.objects.filter(action="episode.member_added", object_id=str(episode.pk)).get()
    assert added.actor == fb.users["behandler"]
    assert added.data["user"] == fb.users["kollega"].pk


def test_only_practitioners_of_the_unit_can_be_added(fb: Feedback) -> None:
    episode = open_episode(fb)
    for name in ("annen", "leder.helse"):
        with pytest.raises(ServiceError) as exc:
            services.episode_member_add(actor=fb.users["behandler"], episode=episode, user=fb.users[name])
        assert exc.value.code == "member_not_practitioner"


def test_the_last_practitioner_cannot_leave(fb: Feedback) -> None:
    episode = open_episode(fb)
    with pytest.raises(ServiceError) as exc:
        services.episode_member_remove(
            actor=fb.users["behandler"], episode=episode, user=fb.users["behandler"]
        )
    assert exc.value.code == "member_last"


def test_goals_keep_their_ratings_when_rewritten(fb: Feedback) -> None:
    episode = open_episode(fb)
    goals = services.goal_set(
        actor=fb.users["behandler"], episode=episode, texts=["Sove bedre", "Gå på skolen"]
    )
    session = services.session_record(actor=fb.users["behandler"], episode=episode)
    services.goal_rate(
        actor=fb.users["behandler"], session=session, values={goals[0].pk: 3.25, goals[1].pk: 6}
    )
    again = services.goal_set(
        actor=fb.users["behandler"], episode=episode, texts=["Gå på skolen", "Treffe venner"]
    )
    assert again[0].pk == goals[1].pk and again[0].position == 0
    assert Goal.objects.get(pk=goals[0].pk).status == "dropped"
    view = selectors.episode_view(episode)
    lines = {g.goal.text: g.values for g in view.goals}
    assert lines["Sove bedre"] == {1: 3.3}  # one decimal; set aside, but its history stays on the graph
    with pytest.raises(ServiceError):
        services.goal_set(actor=fb.users["behandler"], episode=episode, texts=[str(n) for n in range(6)])


def test_link_expires_and_can_be_revoked(fb: Feedback) -> None:
    episode = open_episode(fb)
    session = services.session_record(actor=fb.users["behandler"], episode=episode)
    link, token = services.link_create(actor=fb.users["behandler"], session=session)
    assert services.link_by_token(token) == link
    assert link.token_hash != token and token not in link.token_hash
    # Made during the session's day: valid for 24 hours from now.
    assert abs((link.expires_at - timezone.now()) - timedelta(hours=24)) < timedelta(minutes=1)
    ClientLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert services.link_by_token(token) is None
    link2, token2 = services.link_create(actor=fb.users["behandler"], session=session)
    services.link_revoke(actor=fb.users["behandler"], link=link2)
    assert services.link_by_token(token2) is None


def test_links_for_a_past_session_expire_from_its_day(fb: Feedback) -> None:
    episode = open_episode(fb, opened_on=timezone.localdate() - timedelta(days=5))
    session = services.session_record(
        actor=fb.users["behandler"], episode=episode, held_on=timezone.localdate() - timedelta(days=3)
    )
    with pytest.raises(ServiceError) as exc:
        services.link_create(actor=fb.users["behandler"], session=session)
    assert exc.value.code == "link_invalid"


def test_client_answers_through_the_link(fb: Feedback) -> None:
    episode = open_episode(fb)
    goals = services.goal_set(actor=fb.users["behandler"], episode=episode, texts=["Sove bedre"])
    session = services.session_record(actor=fb.users["behandler"], episode=episode)
    link, token = services.link_create(actor=fb.users["behandler"], session=session, language="ar")
    stored = services.client_answers_submit(
        link=services.link_by_token(token),  # type: ignore[arg-type]
        ratings={
            fb.outcome.pk: phq(14),
            fb.alliance.pk: {
                k: 9.5 for k in ("session_heard", "session_topics", "session_together", "session_takeaway")
            },
        },
        goals={goals[0].pk: 4},
    )
    assert sorted(r.score for r in stored if r.score is not None) == [9.5, 14]
    assert {r.language for r in stored} == {"ar"}
    # A resent form stores nothing twice.
    again = services.client_answers_submit(link=link, ratings={fb.outcome.pk: phq(3)}, goals={})
    assert again == []
    assert Rating.objects.filter(session=session).count() == 2


def test_close_stores_the_dashboard_figures_and_revokes_links(fb: Feedback) -> None:
    episode = open_episode(fb)
    rate(fb, episode, 16)
    rate(fb, episode, 12)
    rate(fb, episode, 8)
    session = episode.sessions.last()
    assert session is not None
    _link, token = services.link_create(actor=fb.users["behandler"], session=session)
    services.episode_close(actor=fb.users["behandler"], episode=episode, end_reason="planned")
    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.CLOSED
    assert (episode.intake_score, episode.last_score, episode.rated_sessions) == (16, 8, 3)
    assert episode.change == "recovered"  # 8 better (>= 6) and from >= 10 to below 10
    assert services.link_by_token(token) is None
    with pytest.raises(ServiceError) as exc:
        services.session_record(actor=fb.users["behandler"], episode=episode)
    assert exc.value.code == "episode_closed"


def test_close_with_one_score_is_not_assessable(fb: Feedback) -> None:
    episode = open_episode(fb)
    rate(fb, episode, 16)
    services.episode_close(actor=fb.users["behandler"], episode=episode, end_reason="dropout")
    episode.refresh_from_db()
    assert episode.change == "" and episode.rated_sessions == 1


def test_anonymise_keeps_figures_and_drops_identity(fb: Feedback) -> None:
    episode = open_episode(fb, contact_email="kari@example.no")
    services.goal_set(actor=fb.users["behandler"], episode=episode, texts=["Sove bedre"])
    rate(fb, episode, 16)
    rate(fb, episode, 9)
    services.episode_close(actor=fb.users["behandler"], episode=episode, end_reason="planned")
    services.episodes_anonymise(actor=SYSTEM, episodes=[episode])
    episode.refresh_from_db()
    assert (episode.alias, episode.birth_year, episode.contact_email) == ("", None, "")
    assert (episode.intake_score, episode.last_score, episode.change) == (16, 9, "recovered")
    assert not episode.members.exists()
    assert Goal.objects.get(episode=episode).text == ""
    assert all(r.answers == {} for r in Rating.objects.filter(session__episode=episode))
    with pytest.raises(TypeError):
        services.episodes_anonymise(actor=fb.users["behandler"], episodes=[episode])


def test_conversation_without_identity(fb: Feedback) -> None:
    unit = fb.demo.units["Hjemmetjenesten Nord"]
    with pytest.raises(ServiceError) as exc:
        services.conversation_record(actor=fb.users["behandler"], unit=unit, goals=["Gå tur hver dag"])
    assert exc.value.code == "forbidden"  # a practitioner of another unit
    conversation = services.conversation_record(
        actor=fb.demo.users["admin"],
        unit=unit,
        goals=["Gå tur hver dag", " ", "Ha besøk av barnebarna"],
        gender="female",
    )
    assert [g.text for g in conversation.goals.all()] == ["Gå tur hver dag", "Ha besøk av barnebarna"]


def test_pasted_texts_make_a_scoring_only_instrument_ready(fb: Feedback) -> None:
    ors = services.instrument_load(actor=fb.demo.users["admin"], municipality=fb.demo.municipality, key="ors")
    assert not ors.parsed.ready()
    with pytest.raises(ServiceError):
        services.instrument_texts_set(
            actor=fb.users["behandler"], instrument=ors, version="adult", language="nb", texts={"ors_1": "x"}
        )
    with pytest.raises(ServiceError) as exc:
        services.instrument_texts_set(
            actor=fb.demo.users["admin"], instrument=ors, version="adult", language="nb", texts={"nope": "x"}
        )
    assert exc.value.code == "text_invalid"
    for version in ("adult", "youth", "child"):
        services.instrument_texts_set(
            actor=fb.demo.users["admin"],
            instrument=ors,
            version=version,
            language="nb",
            texts={f"ors_{n}": f"Ledd {n}" for n in range(1, 5)},
        )
    ors.refresh_from_db()
    assert ors.parsed.ready()
    adult = ors.parsed.get_version("adult")
    assert ors.parsed.item_text(ors.parsed.items[0], adult, "ar") == ("Ledd 1", "nb")


def test_the_caseload_colours_deterioration_red_and_other_signals_yellow(fb: Feedback, client: Any) -> None:
    worse = open_episode(fb)
    for total in (8, 10, 16):  # 8 points worse than at intake: more than PHQ-9's reliable change (6)
        rate(fb, worse, total)
    stuck = services.episode_open(actor=fb.users["behandler"], service=fb.service, alias="Ola N.")
    for total in (12, 12, 12, 12, 12):  # no reliable change after five sessions
        rate(fb, stuck, total)
    client.force_login(fb.users["behandler"])
    body = client.get("/feedback/").content.decode()
    assert '<span class="ds-tag" data-color="danger">Verre enn ved start</span>' in body
    assert '<span class="ds-tag" data-color="warning">Ingen endring ennå</span>' in body
    # A list table: on a phone each client stands as one block, each figure after its name.
    assert '<td role="cell" data-label="Siste skår">' in body
