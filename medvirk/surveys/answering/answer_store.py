"""Storing whole responses: the hot path of every API submission (issue 4, bench/submit).

A submission through a public link costs two statements on PostgreSQL: one SELECT reads the
survey unit, its survey and any response already stored under the idempotency key; one INSERT
stores the response and its answer rows. Both are plain SQL written once per process (no ORM
query compilation, no model instance per answer); parsed definitions and the question and
option registry are cached per process, so the definition document itself is only read when a
process first meets a survey's definition version. What is valid is decided elsewhere, exactly
as for the web form (``engine``, ``services.response_submit_complete``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from django.db import connection, models, transaction

from medvirk.orgs.models import OrgUnit

from .. import qtypes
from ..design.definition import Definition
from ..design.local import unit_document
from ..design.parser import parse_definition
from ..models import (
    BG_FIELDS,
    Answer,
    ReceivedResponse,
    Response,
    Survey,
    SurveyOption,
    SurveyQuestion,
    SurveyUnit,
)
from ..sql import prepared_cursor, sql_column, sql_table
from . import engine


@dataclass(frozen=True, slots=True)
class SubmissionTarget:
    """The survey unit a whole response is stored for, as the submission path needs it.

    ``submission_target`` reads it for a public link, where the definition is read, decoded
    and parsed only when the process has not met it yet; ``of`` builds it from loaded models.
    ``digest`` identifies the unit's definition document (the key of the parse cache).
    """

    survey_unit_id: int
    survey_id: int
    unit_id: int
    municipality_id: int
    status: str
    opens_on: dt.date | None
    closes_on: dt.date | None
    definition_version: int
    digest: bytes
    survey: Survey | None = None  # from ``of``: the stored response refers to it
    loaded_document: Mapping[str, Any] | None = None  # from ``of``
    # from ``submission_target``: the definition (when it was read), local questions, unit name
    stored_texts: tuple[str | None, str, str] | None = None
    idempotency_key: str | None = None  # looked up with the target: ...
    stored_response_id: int | None = None  # ... the response already stored under it, if any,
    received_id: int | None = None  # ... or received and not yet expanded (``ReceivedResponse``)

    @classmethod
    def of(cls, survey_unit: SurveyUnit) -> SubmissionTarget:
        """Return the target for a survey unit loaded with its survey (no query)."""
        survey = survey_unit.survey
        document = unit_document(survey_unit)
        return cls(
            survey_unit_id=survey_unit.pk,
            survey_id=survey.pk,
            unit_id=survey_unit.unit_id,
            municipality_id=survey.municipality_id,
            status=survey.status,
            opens_on=survey.opens_on,
            closes_on=survey.closes_on,
            definition_version=survey.definition_version,
            digest=_digest(json.dumps(document, sort_keys=True, separators=(",", ":"))),
            survey=survey,
            loaded_document=document,
        )

    def document(self) -> Mapping[str, Any]:
        """Return the unit's definition document: the survey's plus the unit's own questions."""
        if self.loaded_document is not None:
            return self.loaded_document
        assert self.stored_texts is not None  # submission_target() sets it, of() sets loaded_document
        definition, local_questions, unit_name = self.stored_texts
        if definition is None:
            definition = _definition_text(self.survey_id, self.municipality_id)
        survey = Survey(
            pk=self.survey_id, municipality_id=self.municipality_id, definition=json.loads(definition)
        )
        return unit_document(
            SurveyUnit(
                pk=self.survey_unit_id,
                municipality_id=self.municipality_id,
                survey=survey,
                unit=OrgUnit(pk=self.unit_id, municipality_id=self.municipality_id, name=unit_name),
                local_questions=json.loads(local_questions),
            )
        )


@dataclass(frozen=True, slots=True)
class ParsedDefinition:
    """A unit's parsed definition and what every submission asks of it, worked out once.

    Cached with the parse (``Registry.for_target``), so a submission does not walk every
    question again to learn the same two facts.
    """

    definition: Definition
    field_names: frozenset[str]  # the form field of every question and matrix row
    asks_district: bool  # a background question on the district: its codes are read

    @classmethod
    def of(cls, definition: Definition) -> ParsedDefinition:
        questions = list(definition.questions())
        return cls(
            definition=definition,
            field_names=frozenset(engine.field_name(q.key) for q in questions),
            asks_district=any(q.dimension == "district" for q in questions),
        )


def _committed() -> bool:
    """Return whether what is read now is committed (outside a transaction), so may be cached."""
    return not connection.in_atomic_block


def _digest(text: str) -> bytes:
    return hashlib.blake2b(text.encode(), digest_size=16).digest()


@functools.cache
def _target_sql(vendor: str) -> str:
    su, s, u, r = SurveyUnit, Survey, OrgUnit, Response
    stored = (  # the unique index (municipality, survey, idempotency_key) answers it
        f"(SELECT r.{sql_column(r, 'id')} FROM {sql_table(r)} r "  # noqa: S608 - no input in the SQL text
        f"WHERE r.{sql_column(r, 'municipality')} = su.{sql_column(su, 'municipality')} "
        f"AND r.{sql_column(r, 'survey')} = su.{sql_column(su, 'survey')} "
        f"AND r.{sql_column(r, 'idempotency_key')} = %s)"
    )
    p = ReceivedResponse
    received = (  # the same, for a response received and not yet expanded
        f"(SELECT p.{sql_column(p, 'id')} FROM {sql_table(p)} p "  # noqa: S608 - no input in the SQL text
        f"WHERE p.{sql_column(p, 'municipality')} = su.{sql_column(su, 'municipality')} "
        f"AND p.{sql_column(p, 'survey')} = su.{sql_column(su, 'survey')} "
        f"AND p.{sql_column(p, 'idempotency_key')} = %s)"
    )
    columns = [
        *(f"su.{sql_column(su, n)}" for n in ("id", "survey", "unit", "municipality")),
        *(f"s.{sql_column(s, n)}" for n in ("status", "opens_on", "closes_on", "definition_version")),
        f"su.{sql_column(su, 'local_questions')}",
        f"u.{sql_column(u, 'name')}",
        stored,
        received,
    ]
    return (
        f"SELECT {', '.join(columns)} FROM {sql_table(su)} su "  # noqa: S608 - no input in the SQL text
        # Joined on the municipality too, so a database distributed by it (docs/scaling.md) keeps
        # the whole statement on the link's shard.
        f"JOIN {sql_table(s)} s ON s.{sql_column(s, 'municipality')} = su.{sql_column(su, 'municipality')} "
        f"AND s.{sql_column(s, 'id')} = su.{sql_column(su, 'survey')} "
        f"JOIN {sql_table(u)} u ON u.{sql_column(u, 'municipality')} = su.{sql_column(su, 'municipality')} "
        f"AND u.{sql_column(u, 'id')} = su.{sql_column(su, 'unit')} "
        f"WHERE su.{sql_column(su, 'link_key')} = %s"
    )


def _date(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value  # SQLite gives text


@functools.cache
def _definition_sql(vendor: str) -> str:
    s = Survey
    return (
        f"SELECT {sql_column(s, 'definition')} FROM {sql_table(s)} "  # noqa: S608 - no input in the SQL text
        f"WHERE {sql_column(s, 'municipality')} = %s AND {sql_column(s, 'id')} = %s"
    )


def _definition_text(survey_id: int, municipality_id: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(_definition_sql(connection.vendor), [municipality_id, survey_id])
        (text,) = cursor.fetchone()
    return text if isinstance(text, str) else json.dumps(text)  # a driver may decode JSON itself


def submission_target(*, link_key: str, idempotency_key: str = "") -> SubmissionTarget | None:
    """Return what storing a response through a public link needs, or None for an unknown link.

    One statement, which also looks up a response already stored under ``idempotency_key``.
    The survey's definition (tens of kB) is read only the first time the process meets its
    ``definition_version``: as with the registry, versions read outside a transaction are
    committed, and every change of a definition bumps its version. The caller decides what a
    draft or closed survey means.
    """
    if not engine.storable(link_key):
        return None
    if not engine.storable(idempotency_key):
        idempotency_key = ""  # refused by the service; the database could not compare it
    with prepared_cursor() as cursor:  # planned once per connection
        cursor.execute(_target_sql(connection.vendor), [idempotency_key, idempotency_key, link_key])
        row = cursor.fetchone()
    if row is None:
        return None
    su_id, survey_id, unit_id, municipality_id, status, opens_on, closes_on, version = row[:8]
    local, name, stored_id, received_id = row[8:]
    shared = _committed()
    version_key = (connection.settings_dict["NAME"], survey_id, version)
    survey_digest = Registry._get(Registry._versions, version_key) if shared else None
    definition = None
    if survey_digest is None:
        definition = _definition_text(survey_id, municipality_id)
        survey_digest = _digest(definition)
        if shared:
            Registry._put(Registry._versions, version_key, survey_digest)
    if not isinstance(local, str):
        local = json.dumps(local)
    # The unit's document depends on its local questions (and then on the unit's name) only
    # when it has some, so units without share one cached parse.
    has_local = local not in ("[]", "")
    return SubmissionTarget(
        survey_unit_id=su_id,
        survey_id=survey_id,
        unit_id=unit_id,
        municipality_id=municipality_id,
        status=status,
        opens_on=_date(opens_on),
        closes_on=_date(closes_on),
        definition_version=version,
        digest=_digest(f"{survey_digest.hex()}\x00{local}\x00{name}") if has_local else survey_digest,
        stored_texts=(definition, local if has_local else "[]", name),
        idempotency_key=idempotency_key,
        stored_response_id=stored_id,
        received_id=received_id,
    )


@functools.cache
def _stored_response_sql(vendor: str) -> str:
    r = Response
    return (
        f"SELECT {sql_column(r, 'id')} FROM {sql_table(r)} WHERE {sql_column(r, 'municipality')} = %s "  # noqa: S608 - no input in the SQL text
        f"AND {sql_column(r, 'survey')} = %s AND {sql_column(r, 'idempotency_key')} = %s"
    )


def stored_response_id(target: SubmissionTarget, idempotency_key: str) -> int | None:
    """Return the id of the response already stored under this idempotency key, if any."""
    if target.idempotency_key == idempotency_key:  # read with the target
        return target.stored_response_id
    with connection.cursor() as cursor:
        cursor.execute(
            _stored_response_sql(connection.vendor),
            [target.municipality_id, target.survey_id, idempotency_key],
        )
        row = cursor.fetchone()
    return None if row is None else row[0]


class Registry:
    """Question and option ids for one survey, loaded once per save.

    ``for_target`` also serves the parsed definition. Both are cached per process (LRU): parsed
    definitions by a digest of the document (parsing is pure), registries by database, survey,
    definition version and that digest, and only when loaded outside a transaction, so every
    cached id is committed (registry rows are never deleted; a new definition bumps the version).
    ``_versions`` maps database, survey and definition version to the digest of the definition
    under the same rule. Options created on the fly (a new district code) stay in the request's
    own ``created``.
    """

    CACHE_SIZE = 256
    _lock = threading.Lock()
    _definitions: ClassVar[OrderedDict[bytes, ParsedDefinition]] = OrderedDict()
    _registries: ClassVar[OrderedDict[tuple[Any, ...], tuple[dict, dict]]] = OrderedDict()
    _versions: ClassVar[OrderedDict[tuple[Any, ...], bytes]] = OrderedDict()  # survey version: digest

    def __init__(
        self,
        survey_id: int,
        municipality_id: int,
        *,
        cached: tuple[dict[str, SurveyQuestion], dict[tuple[int, str], int]] | None = None,
    ) -> None:
        if cached is None:
            mine = {"municipality_id": municipality_id}  # every table named by it (docs/scaling.md)
            questions = {q.key: q for q in SurveyQuestion.objects.filter(survey_id=survey_id, **mine)}
            options = {
                (o.question_id, o.key): o.pk
                for o in SurveyOption.objects.filter(
                    question__survey_id=survey_id, question__municipality_id=municipality_id, **mine
                )
            }
        else:
            questions, options = cached
        self.questions = questions
        self.loaded = options
        self.created: dict[tuple[int, str], int] = {}

    @classmethod
    def _get(cls, cache: OrderedDict, key: Any) -> Any:
        with cls._lock:
            found = cache.get(key)
            if found is not None:
                cache.move_to_end(key)
            return found

    @classmethod
    def _put(cls, cache: OrderedDict, key: Any, value: Any) -> None:
        with cls._lock:
            cache[key] = value
            cache.move_to_end(key)
            while len(cache) > cls.CACHE_SIZE:
                cache.popitem(last=False)

    @classmethod
    def for_target(cls, target: SubmissionTarget) -> tuple[ParsedDefinition, Registry]:
        """Return the unit's parsed definition and the survey's registry, cached when possible."""
        definition = cls._get(cls._definitions, target.digest)
        if definition is None:
            definition = ParsedDefinition.of(parse_definition(target.document()))
            cls._put(cls._definitions, target.digest, definition)
        if not _committed():  # rows may still be rolled back: do not share them
            return definition, cls(target.survey_id, target.municipality_id)
        key = (connection.settings_dict["NAME"], target.survey_id, target.definition_version, target.digest)
        cached = cls._get(cls._registries, key)
        if cached is None:
            registry = cls(target.survey_id, target.municipality_id)
            cls._put(cls._registries, key, (registry.questions, registry.loaded))
            return definition, registry
        return definition, cls(target.survey_id, target.municipality_id, cached=cached)

    def values(self, answers: Mapping[str, Any]) -> list[tuple[int, int | None, float | None, str]]:
        """Return (question id, option id, number, text) for each answer row, in long form."""
        rows: list[tuple[int, int | None, float | None, str]] = []
        loaded = self.loaded
        for key, value in answers.items():
            q = self.questions[key]
            question_id = q.id  # the field itself: ``pk`` goes through the model's metadata
            for option_key, number, text in qtypes.get(q.qtype).storage_rows(value):
                option = (
                    None
                    if option_key is None
                    else loaded.get((question_id, option_key)) or self.option_id(q, option_key)
                )
                rows.append((question_id, option, number, text))
        return rows

    def option_id(self, question: SurveyQuestion, key: str) -> int:
        found = self.loaded.get((question.id, key)) or self.created.get((question.id, key))
        if found is None:
            option, _created = SurveyOption.objects.get_or_create(
                municipality_id=question.municipality_id,
                question=question,
                key=key,
                defaults={"position": 1000},
            )
            found = self.created[(question.pk, key)] = option.pk
        return found


_ANSWER_COLUMNS = (
    "municipality",
    "response",
    "survey",
    "unit",
    "question",
    "option",
    "value_num",
    "value_text",
)


@functools.cache
def _response_insert(vendor: str) -> tuple[list[models.Field], str]:
    """Return the fields of a new response and its INSERT (without RETURNING)."""
    fields = [f for f in Response._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(sql_column(Response, f.name) for f in fields)
    values = ", ".join(["%s"] * len(fields))
    return fields, f"INSERT INTO {sql_table(Response)} ({columns}) VALUES ({values})"  # noqa: S608


@functools.cache
def _store_sql_postgresql(vendor: str) -> str:
    """Return PostgreSQL's one statement storing a response and its answer rows.

    The answer rows travel as one JSON array of [question, option, number, text], so the text
    never changes (psycopg converts it once per process) and one string is quoted instead of
    every value adapted. One statement is atomic on its own: no BEGIN and COMMIT round trips.
    """
    r = Response
    head = ", ".join(sql_column(r, n) for n in ("id", "municipality", "survey", "unit"))
    casts = ", ".join(
        f"(e.a->>{i})::{Answer._meta.get_field(n).db_type(connection)}"
        for i, n in enumerate(_ANSWER_COLUMNS[4:])
    )
    answer_columns = ", ".join(sql_column(Answer, n) for n in _ANSWER_COLUMNS)
    _fields, insert_response = _response_insert(vendor)
    return (
        f"WITH r AS ({insert_response} RETURNING {head}), "  # noqa: S608 - no input in the SQL text
        f"a AS (INSERT INTO {sql_table(Answer)} ({answer_columns}) "
        f"SELECT r.{sql_column(r, 'municipality')}, r.{sql_column(r, 'id')}, r.{sql_column(r, 'survey')}, "
        f"r.{sql_column(r, 'unit')}, {casts} "
        f"FROM r, json_array_elements(%s::json) WITH ORDINALITY AS e(a, i) ORDER BY e.i) "
        f"SELECT r.{sql_column(r, 'id')} FROM r"
    )


def store_response(
    response: Response, rows: list[tuple[int, int | None, float | None, str]], batch: int = 100
) -> None:
    """INSERT a new response and its answer rows, all or nothing.

    Fields are prepared by Django itself (``pre_save``, ``get_db_prep_save``) as in
    ``save(force_insert=True)``; ``Response`` has no database defaults and no signal receivers,
    which this path would not run. Other databases than PostgreSQL get an INSERT of the
    response and one multi-row INSERT per ``batch`` answer rows in a transaction.
    """
    vendor = connection.vendor
    fields, insert_response = _response_insert(vendor)
    params = [f.get_db_prep_save(f.pre_save(response, True), connection) for f in fields]
    if vendor == "postgresql":
        # Inside a caller's transaction a savepoint keeps a failed INSERT from spoiling it.
        nested = connection.in_atomic_block
        with transaction.atomic() if nested else contextlib.nullcontext(), connection.cursor() as cursor:
            cursor.execute(_store_sql_postgresql(vendor), [*params, json.dumps(rows)])
            response.pk = cursor.fetchone()[0]
    else:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(insert_response, params)
            response.pk = cursor.lastrowid
            head = (response.municipality_id, response.pk, response.survey_id, response.unit_id)
            columns = ", ".join(sql_column(Answer, n) for n in _ANSWER_COLUMNS)
            width = len(_ANSWER_COLUMNS)
            for i in range(0, len(rows), batch):
                chunk = rows[i : i + batch]
                values = ", ".join(["(" + ", ".join(["%s"] * width) + ")"] * len(chunk))
                cursor.execute(
                    f"INSERT INTO {sql_table(Answer)} ({columns}) VALUES {values}",  # noqa: S608 - no input in the SQL text
                    [p for row in chunk for p in (*head, *row)],
                )
    response._state.adding = False
    response._state.db = connection.alias


# --- received responses: acknowledged after one INSERT, expanded in the worker (issue 21) -------

_RECEIVED_COPIED = (
    "municipality",
    "survey",
    "unit",
    "language",
    "channel",
    "idempotency_key",
    *BG_FIELDS.values(),
)


@functools.cache
def _receive_sql(vendor: str, ask_queue: str | None) -> tuple[list[str], str]:
    """Return the fields of a received response and its INSERT, which stores nothing when a
    response under the same idempotency key is stored or received already.

    ``ask_queue``: the quoted task table, so the statement also says whether an expansion task
    (its path the last parameter) is queued (PostgreSQL; one statement, one round trip).
    """
    p, r = ReceivedResponse, Response
    names = [*_RECEIVED_COPIED, "received_on", "answers"]
    columns = ", ".join(sql_column(p, n) for n in names)
    values = ", ".join(["%s"] * len(names))
    same = " AND ".join(f"r.{sql_column(r, n)} = %s" for n in ("municipality", "survey", "idempotency_key"))
    unique = ", ".join(sql_column(p, n) for n in ("municipality", "survey", "idempotency_key"))
    returning = f"RETURNING {sql_column(p, 'id')}"
    if ask_queue is not None:  # the partial index of ready tasks answers it; the path is a parameter
        returning += f", EXISTS (SELECT 1 FROM {ask_queue} t WHERE t.status = 'READY' AND t.task_path = %s)"  # noqa: S608
    return names, (
        f"INSERT INTO {sql_table(p)} ({columns}) SELECT {values} "  # noqa: S608 - no input in the SQL text
        f"WHERE NOT EXISTS (SELECT 1 FROM {sql_table(r)} r WHERE {same}) "
        f"ON CONFLICT ({unique}) DO NOTHING {returning}"
    )


def receive_response(
    response: Response,
    rows: list[tuple[int, int | None, float | None, str]],
    ask_queue: tuple[str, str] | None,
) -> tuple[bool, bool | None]:
    """Store a validated whole response as one ``ReceivedResponse`` row (one statement).

    Return whether it was stored (False: a response under its idempotency key is stored or
    received already) and, with ``ask_queue`` on PostgreSQL, whether an expansion task is
    queued (None: not asked). One statement commits on its own, so a response acknowledged
    after it returns is durable.
    """
    vendor = connection.vendor
    asked = ask_queue if vendor == "postgresql" else None
    names, sql = _receive_sql(vendor, None if asked is None else asked[0])
    values = {
        n: getattr(response, f"{n}_id" if n in ("municipality", "survey", "unit") else n, None) for n in names
    }
    values["received_on"] = response.created_on
    values["answers"] = json.dumps(rows)
    params = [
        *(values[n] for n in names),
        response.municipality_id,
        response.survey_id,
        response.idempotency_key,
    ]
    if asked is not None:
        params.append(asked[1])
    # Inside a caller's transaction a savepoint keeps a failed INSERT from spoiling it.
    nested = transaction.atomic() if connection.in_atomic_block else contextlib.nullcontext()
    with nested, prepared_cursor() as cursor:  # planned once per connection
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return False, None
    return True, (bool(row[1]) if asked is not None else None)


@functools.cache
def _expand_sql_postgresql(vendor: str) -> str:
    """Return PostgreSQL's one statement that expands up to %s received responses.

    It deletes the oldest received rows no other worker holds (``SKIP LOCKED``), inserts their
    responses (a response already stored under the same idempotency key is left alone: ``ON
    CONFLICT DO NOTHING``) and the answer rows of those it inserted, all in one statement, so a
    worker that dies mid-batch leaves every row of the batch received and none expanded.
    """
    p, r, a = ReceivedResponse, Response, Answer
    pid = sql_column(p, "id")
    fields = [f for f in r._meta.concrete_fields if not f.primary_key]
    made = {
        "complete": "TRUE",
        "created_on": f"p.{sql_column(p, 'received_on')}",
        "submitted_on": f"p.{sql_column(p, 'received_on')}",
        "resume_hash": "NULL",
        "invitation": "NULL",
    }
    select = ", ".join(made.get(f.name) or f"p.{sql_column(p, f.name)}" for f in fields)
    if set(made) | set(_RECEIVED_COPIED) != {f.name for f in fields}:
        raise RuntimeError("Response has a field the expansion of received responses does not fill")
    key = ("municipality", "survey", "idempotency_key")
    unique = ", ".join(sql_column(r, n) for n in key)
    joined = " AND ".join(f"p.{sql_column(p, n)} = r.{sql_column(r, n)}" for n in key)
    casts = ", ".join(
        f"(e.a->>{i})::{a._meta.get_field(n).db_type(connection)}" for i, n in enumerate(_ANSWER_COLUMNS[4:])
    )
    head = ", ".join(f"r.{sql_column(r, n)}" for n in ("municipality", "id", "survey", "unit"))
    returned = ", ".join(
        sql_column(r, n) for n in ("id", "municipality", "survey", "unit", "idempotency_key")
    )
    mine = f"{sql_column(p, 'municipality')} = %s"  # one municipality: one shard (docs/scaling.md)
    return (
        # The batch is chosen once (MATERIALIZED): as a subquery of the DELETE it may be run again
        # per row, and each run would skip the rows this statement deleted and take the next ones.
        f"WITH batch AS MATERIALIZED (SELECT {pid} FROM {sql_table(p)} WHERE {mine} "  # noqa: S608 - no input in the SQL text
        f"ORDER BY {pid} LIMIT %s FOR UPDATE SKIP LOCKED), "
        f"p AS (DELETE FROM {sql_table(p)} WHERE {mine} AND {pid} IN (SELECT {pid} FROM batch) RETURNING *), "
        f"r AS (INSERT INTO {sql_table(r)} ({', '.join(sql_column(r, f.name) for f in fields)}) "
        f"SELECT {select} FROM p ORDER BY p.{pid} ON CONFLICT ({unique}) DO NOTHING RETURNING {returned}), "
        f"a AS (INSERT INTO {sql_table(a)} ({', '.join(sql_column(a, n) for n in _ANSWER_COLUMNS)}) "
        f"SELECT {head}, {casts} FROM r JOIN p ON {joined}, "
        f"json_array_elements(p.{sql_column(p, 'answers')}::json) WITH ORDINALITY AS e(a, i) "
        f"ORDER BY r.{sql_column(r, 'id')}, e.i) "
        "SELECT (SELECT count(*) FROM p), (SELECT count(*) FROM r)"
    )


def received_latest() -> int:
    """Return the highest id of a received response waiting (0: none); it grows while they arrive."""
    found = ReceivedResponse.objects.order_by("-pk").values_list("pk", flat=True).first()
    return found or 0


def received_municipalities() -> list[int]:
    """Return the municipalities with received responses waiting (the one statement of the
    expansion that reads across municipalities; distinct values of a small table)."""
    return sorted(set(ReceivedResponse.objects.values_list("municipality_id", flat=True).distinct()))


def expand_received(municipality_id: int, batch: int = 200) -> tuple[int, int]:
    """Expand up to ``batch`` of a municipality's received responses into responses and answer
    rows, atomically.

    Return (received rows taken, responses stored); a received response whose idempotency key is
    stored already is dropped (taken, not stored). Safe to run in several workers at once, and
    again after a crash: each received row is expanded in exactly one committed transaction.
    """
    if connection.vendor == "postgresql":
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                _expand_sql_postgresql(connection.vendor), [municipality_id, batch, municipality_id]
            )
            taken, stored = cursor.fetchone()
        return int(taken), int(stored)
    # Other databases (SQLite: development and tests): the same in a transaction, row by row.
    with transaction.atomic():
        waiting = ReceivedResponse.objects.filter(municipality_id=municipality_id)
        received = list(waiting.select_for_update(skip_locked=True).order_by("pk")[:batch])
        stored = 0
        for p in received:
            mine = {"municipality_id": municipality_id, "survey_id": p.survey_id}
            if Response.objects.filter(**mine, idempotency_key=p.idempotency_key).exists():
                continue
            response = Response(
                **mine,
                unit_id=p.unit_id,
                complete=True,
                created_on=p.received_on,
                submitted_on=p.received_on,
                **{n: getattr(p, n) for n in ("language", "channel", "idempotency_key", *BG_FIELDS.values())},
            )
            store_response(response, [tuple(row) for row in json.loads(p.answers)])
            stored += 1
        waiting.filter(pk__in=[p.pk for p in received]).delete()
    return len(received), stored


def store_received_of_round(survey: Survey) -> None:
    """Store the round's received responses now, as the job worker would (:func:`expand_received`:
    the municipality's queue, a batch at a time, until none of this round's is left).

    Closing a round calls it first (``design.services.survey_set_status``), so a round is final
    the moment it closes.
    """
    waiting = ReceivedResponse.objects.filter(municipality_id=survey.municipality_id, survey_id=survey.pk)
    while waiting.exists():
        taken, _stored = expand_received(survey.municipality_id)
        if not taken:  # another worker holds the rest: it is storing them now
            break
