"""Free-text answers: mask personal data, find themes, and search, for bokmål and nynorsk.

Pure Python (no Django, no model downloads). Three parts:

* :func:`mask_pii` removes e-mail addresses, phone numbers and checksum-valid national
  identity numbers before any person reads an answer.
* :func:`cluster_themes` groups answers into lexical themes (stem TF-IDF + cosine
  similarity) and labels each theme with its most characteristic words.
* :func:`search_answers` / :func:`matches` find answers by word, ignoring case, accents and
  inflection.

Showing free text is also subject to ``medvirk.analysis.suppression`` (the free-text
threshold): only list answers, themes or theme sizes for groups it shows with
``FigureKind.FREE_TEXT``.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import snowballstemmer
from scipy import sparse

from medvirk.common.norway import is_valid_fnr

__all__ = [
    "DEFAULT_REPLACEMENTS",
    "STOP_WORDS",
    "MaskedText",
    "PiiKind",
    "Theme",
    "ThemeResult",
    "cluster_themes",
    "mask_pii",
    "matches",
    "search_answers",
    "stems",
    "without_national_ids",
    "without_placeholders",
]

# ---------------------------------------------------------------------------------------------
# PII masking
# ---------------------------------------------------------------------------------------------


class PiiKind(StrEnum):
    """Kinds of personal data removed from free text."""

    EMAIL = "email"
    PHONE = "phone"
    NATIONAL_ID = "national_id"


DEFAULT_REPLACEMENTS: Mapping[PiiKind, str] = {
    PiiKind.EMAIL: "[e-post fjernet]",
    PiiKind.PHONE: "[telefonnummer fjernet]",
    PiiKind.NATIONAL_ID: "[fødselsnummer fjernet]",
}


def without_placeholders(text: str) -> str:
    """Return masked ``text`` with the default placeholders blanked, so themes never count them."""
    for placeholder in DEFAULT_REPLACEMENTS.values():
        text = text.replace(placeholder, " ")
    return text


@dataclass(frozen=True, slots=True)
class MaskedText:
    """An answer with personal data replaced, and which kinds were found (and how often)."""

    text: str
    kinds: frozenset[PiiKind]
    replacements: int

    @property
    def changed(self) -> bool:
        """Return whether anything was masked."""
        return self.replacements > 0


# The patterns are hand-written rather than using phonenumbers.PhoneNumberMatcher: masking
# must favour recall (a missed number is a privacy breach, an extra mask is harmless), and
# the matcher skips numbers that are not valid in its metadata or are written oddly. The
# Norwegian groupings are limited to the common ones with spaces so years such as
# "2024-2025", dates and prices are left alone.
_EMAIL = re.compile(
    r"[\w.%+-]+"
    r"\s*(?:@|\(at\)|\[at\])\s*"  # "ola (at) kommune.no" is a common obfuscation
    r"[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,}",
    re.IGNORECASE,
)
_FNR = re.compile(r"(?<![\d+])(\d{6})[ \u00a0-]?(\d{5})(?!\d)")
_SP = r"[ \u00a0]"
_PHONE = re.compile(
    "|".join(
        [
            # International form, including Norway: +47 912 34 567, 0047 22222222, +46 70...
            r"(?:\+|(?<!\d)00)[1-9](?:[ \u00a0-]?\(?\d\)?){6,13}(?!\d)",
            # Norwegian 8-digit numbers, first digit 2-9 (no 8-digit number starts 0 or 1).
            r"(?<![\d+])[2-9]\d{7}(?!\d)",
            rf"(?<![\d+])[2-9]\d{{2}}{_SP}\d{{2}}{_SP}\d{{3}}(?!\d)",
            rf"(?<![\d+])[2-9]\d{_SP}\d{{2}}{_SP}\d{{2}}{_SP}\d{{2}}(?!\d)",
            rf"(?<![\d+])[2-9]\d{{3}}{_SP}\d{{4}}(?!\d)",
            rf"(?<![\d+])[2-9]\d{_SP}\d{{3}}{_SP}\d{{3}}(?!\d)",
        ]
    )
)


def mask_pii(
    text: str,
    replacements: Mapping[PiiKind, str] | None = None,
    kinds: Collection[PiiKind] = tuple(PiiKind),
) -> MaskedText:
    """Replace e-mail addresses, phone numbers and valid national identity numbers.

    An 11-digit number (optionally with a space or hyphen after the date part) is masked
    only if it passes the fødselsnummer/D-/H-number checks, so order numbers and the like
    survive. ``replacements`` overrides the default tokens per kind; ``kinds`` limits what is
    masked (a request from the public keeps the phone number it gives to be called back on).
    """
    tokens = {**DEFAULT_REPLACEMENTS, **(replacements or {})}
    found: Counter[PiiKind] = Counter()

    def sub(kind: PiiKind, pattern: re.Pattern[str], value: str) -> str:
        if kind not in kinds:
            return value

        def replace(match: re.Match[str]) -> str:
            if kind is PiiKind.NATIONAL_ID and not is_valid_fnr(match.group(1) + match.group(2)):
                return match.group(0)
            found[kind] += 1
            return tokens[kind]

        return pattern.sub(replace, value)

    # E-mail first so digits inside an address are not half-masked as a phone; identity
    # numbers before phones so a valid 11-digit number is reported as what it is.
    masked = sub(PiiKind.EMAIL, _EMAIL, text)
    masked = sub(PiiKind.NATIONAL_ID, _FNR, masked)
    masked = sub(PiiKind.PHONE, _PHONE, masked)
    return MaskedText(masked, frozenset(found), sum(found.values()))


def without_national_ids(text: str) -> str:
    """Return free text from the public with every valid national identity number masked.

    What a citizen writes to the municipality (a provider-choice request, a volunteer's sign-up,
    an organisation's proposal) is read by staff and never needs the number: Medvirk keeps no
    fødselsnummer (docs/security.md). Masked rather than refused, so a relative on a phone in
    any of the public pages' languages is never stuck on a form; staff read the placeholder.
    """
    return mask_pii(text, kinds=(PiiKind.NATIONAL_ID,)).text


# ---------------------------------------------------------------------------------------------
# Tokens, stop words, stems
# ---------------------------------------------------------------------------------------------

# A small, committed bokmål + nynorsk stop-word list (function words and survey filler).
# Written here rather than downloaded so results never change under us.
_STOP_WORDS_TEXT = """
    alle andre at av bare begge ble blei bli blir blitt både båe da dag de deg dei deim deira
    deires dem den denne der dere deres det dette di din disse ditt du dykk dykkar då eg ein
    eit eitt eller elles en enn er et ett etter for fordi fra før få får fikk gjennom gjør
    gjøre gjorde ha hadde han hans har hennar henne hennes her hjå ho hoe honom hoss hossen
    hun hva hvem hver hvilke hvilken hvis hvor hvordan hvorfor i ikke ikkje ingen ingi inkje
    inn inni ja jeg kan kom korleis korso kun kunne kva kvar kvarhelst kven kvi kvifor litt
    man mange me medan meg meget meir mellom men mer mest mi min mine mitt mot mykje mye må
    ned nei no noe noen noka noko nokon nokor nokre nå når og også om opp oss over på sa
    samme seg selv si sia sidan siden sin sine sitt sjøl skal skulle slik so som somme somt
    så sånn til um upp ut uten var vart varte ved veldig vere verte vi vil ville vore vors
    vort vår være vært å
"""
STOP_WORDS: frozenset[str] = frozenset(_STOP_WORDS_TEXT.split())

_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
_FOLD = str.maketrans({"æ": "ae", "ø": "o", "å": "a"})


def _strip_accents(word: str) -> str:
    """Remove combining accents (é -> e, å -> a); æ and ø have none and are kept."""
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _words(text: str) -> list[str]:
    """Return the lower-cased words of ``text`` (NFC so composed and decomposed å agree)."""
    return _WORD.findall(unicodedata.normalize("NFC", text).lower())


# Nynorsk and bokmål spellings the stemmer leaves apart, mapped onto one folded stem.
# Deliberately short: only frequent survey words; prefixes cover whole word families.
_VARIANT_PREFIXES: tuple[tuple[str, str], ...] = (
    ("opn", "apn"),  # opning/opne/opningstid -> åpning/åpne/åpningstid
    ("hjelpsam", "hjelpsom"),
    ("hjelpsomm", "hjelpsom"),
    ("hjelpsomt", "hjelpsom"),
    ("tilsett", "ansatt"),
    ("fekk", "fikk"),
    ("heim", "hjem"),  # heim/heime/heimen -> hjem/hjemme/hjemmet
    ("kvardag", "hverdag"),
    ("berre", "bare"),
    ("augnebl", "oyebl"),
)


def _unify(stem: str) -> str:
    """Map a folded nynorsk stem onto its bokmål twin where the stemmer keeps them apart."""
    for prefix, replacement in _VARIANT_PREFIXES:
        if stem.startswith(prefix):
            return replacement + stem[len(prefix) :]
    return stem


class _Stems:
    """Memoised word → folded stem; answers repeat the same words, stemming each once.

    Each instance has its own Snowball stemmer (Norwegian: bokmål and nynorsk endings)
    because stemmer objects keep per-call state and are not safe to share across threads.
    """

    def __init__(self) -> None:
        self._cache: dict[str, str] = {}
        self._stemmer = snowballstemmer.stemmer("norwegian")

    def __call__(self, word: str) -> str:
        stem = self._cache.get(word)
        if stem is None:
            # Accents go before stemming so "kafé" and "kafe" get the same suffix treatment
            # (no Norwegian Snowball suffix contains å); æ/ø are folded afterwards so that
            # "forsoke" typed on a foreign keyboard meets "forsøke".
            stem = self._stemmer.stemWord(_strip_accents(word)).translate(_FOLD)
            stem = _unify(stem)
            self._cache[word] = stem
        return stem


def stems(text: str) -> list[str]:
    """Return the folded stems of the non-stop words in ``text``, in order."""
    stem = _Stems()
    return [stem(w) for w in _words(text) if w not in STOP_WORDS and len(w) > 1]


# ---------------------------------------------------------------------------------------------
# Theme clustering
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Theme:
    """A group of answers sharing vocabulary.

    ``keywords`` are the most typical surface words (most frequent spelling of each top
    stem); ``label`` joins them; ``members`` are indices into the input answers.
    """

    label: str
    keywords: tuple[str, ...]
    stems: tuple[str, ...]
    members: tuple[int, ...]

    @property
    def size(self) -> int:
        """Return the number of answers in the theme."""
        return len(self.members)


@dataclass(frozen=True, slots=True)
class ThemeResult:
    """Themes, largest first, and the answers that fit none of them."""

    themes: tuple[Theme, ...]
    unclustered: tuple[int, ...]


def _split_compounds(docs: Sequence[Sequence[str]]) -> list[list[str]]:
    """Add the parts of compound stems whose first part occurs on its own in the answers.

    Norwegian writes compounds as one word ("parkeringsplass" = parkering + s + plass), so
    without this "parkering" and "parkeringsplass" would never meet. No dictionary: the
    first part must be a stem of at least four letters that other answers use as a word,
    and what follows (after an optional linking s/e) at least three letters; the second
    part is added too when it is itself a known stem.
    """
    known = {t for doc in docs for t in doc}
    parts: dict[str, tuple[str, ...]] = {}
    for stem in known:
        found: tuple[str, ...] = ()
        for cut in range(len(stem) - 3, 3, -1):  # longest first part first
            head, tail = stem[:cut], stem[cut:]
            if head not in known:
                continue
            rest = tail
            for link in ("s", "e"):  # Norwegian linking letters
                if tail.startswith(link) and tail[1:] in known:
                    rest = tail[1:]
            found = (head, rest) if rest in known and len(rest) >= 3 else (head,)
            break
        parts[stem] = found
    return [list(doc) + [p for t in doc for p in parts[t]] for doc in docs]


def _tfidf(docs: Sequence[Sequence[str]], min_df: int) -> tuple[sparse.csr_array, list[str]]:
    """Return the L2-normalised TF-IDF matrix (answers × stems) and the stem vocabulary.

    Sublinear tf (1 + log count) and smoothed idf, as in common IR practice; stems used by
    fewer than ``min_df`` answers are dropped because they cannot link answers together.
    """
    df: Counter[str] = Counter()
    for doc in docs:
        df.update(set(doc))
    vocab = sorted(s for s, n in df.items() if n >= min_df)
    index = {s: i for i, s in enumerate(vocab)}
    n_docs = len(docs)
    idf = np.array([math.log((1 + n_docs) / (1 + df[s])) + 1.0 for s in vocab])
    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    for r, doc in enumerate(docs):
        for s, c in Counter(t for t in doc if t in index).items():
            rows.append(r)
            cols.append(index[s])
            vals.append(1.0 + math.log(c))
    x = sparse.csr_array(
        (np.asarray(vals) * idf[cols] if vals else np.zeros(0), (rows, cols)),
        shape=(n_docs, len(vocab)),
    )
    norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1))).ravel()
    norms[norms == 0] = 1.0
    return sparse.csr_array(sparse.diags_array(1.0 / norms) @ x), vocab


def _leaders(x: sparse.csr_array, order: np.ndarray, threshold: float, block: int = 256) -> np.ndarray:
    """Assign each answer to the most similar earlier leader with cosine ≥ ``threshold``.

    An answer with no such leader becomes a leader itself. This is the classic one-pass
    leader algorithm (ties go to the earlier leader), done a block at a time so the comparisons with
    existing leaders are one sparse product; comparisons within a block use a small dense
    block × block matrix. Returns, per answer, the index of its leader answer.
    """
    n = x.shape[0]
    leader_of = np.full(n, -1, dtype=np.int64)
    leaders: list[int] = []
    for start in range(0, len(order), block):
        ids = order[start : start + block]
        xb = x[ids]
        sims_old = (xb @ x[leaders].T).toarray() if leaders else np.zeros((len(ids), 0))
        sims_new = (xb @ xb.T).toarray()
        new_in_block: list[int] = []  # positions within the block that became leaders
        for pos, doc in enumerate(ids):
            best, best_sim = -1, threshold
            if sims_old.shape[1]:
                j = int(np.argmax(sims_old[pos]))
                if sims_old[pos, j] >= best_sim:
                    best, best_sim = leaders[j], sims_old[pos, j]
            for q in new_in_block:
                if sims_new[pos, q] > best_sim or (best < 0 and sims_new[pos, q] >= best_sim):
                    best, best_sim = int(ids[q]), sims_new[pos, q]
            if best < 0:
                leader_of[doc] = doc
                new_in_block.append(pos)
            else:
                leader_of[doc] = best
        leaders.extend(int(ids[q]) for q in new_in_block)
    return leader_of


def _centroids(x: sparse.csr_array, labels: np.ndarray, k: int) -> sparse.csr_array:
    """Return the L2-normalised mean vector of each cluster ``0..k-1``."""
    member = sparse.csr_array(
        (np.ones(len(labels)), (labels, np.arange(len(labels)))), shape=(k, len(labels))
    )
    c = member @ x
    norms = np.sqrt(np.asarray(c.multiply(c).sum(axis=1))).ravel()
    norms[norms == 0] = 1.0
    return sparse.csr_array(sparse.diags_array(1.0 / norms) @ c)


def _nearest_centroids(
    x: sparse.csr_array, labels: np.ndarray, k: int, threshold: float, chunk: int = 2048
) -> np.ndarray:
    """Move each answer to its most similar cluster centroid if that reaches ``threshold``.

    Only clusters with at least two answers act as targets: a singleton's centroid is the
    answer itself, so comparing against thousands of them only costs time. Work is chunked
    so the dense similarity block stays small.
    """
    sizes = np.bincount(labels, minlength=k)
    targets = np.flatnonzero(sizes >= 2)
    if len(targets) == 0:
        return labels
    centroids = _centroids(x, labels, k)[targets]
    # A dense centroid matrix is much faster to multiply while it stays modest in size.
    dense = centroids.shape[0] * centroids.shape[1] <= 20_000_000
    centroids_t = centroids.toarray().T if dense else centroids.T.tocsc()
    new = labels.copy()
    for start in range(0, x.shape[0], chunk):
        sims = x[start : start + chunk] @ centroids_t
        sims = sims if dense else sims.toarray()
        best = np.argmax(sims, axis=1)
        ok = sims[np.arange(len(best)), best] >= threshold
        # Keep the old cluster where nothing is similar enough: refinement must not orphan.
        new[start : start + chunk] = np.where(ok, targets[best], labels[start : start + chunk])
    return new


def cluster_themes(
    answers: Sequence[str],
    *,
    threshold: float = 0.3,
    min_size: int = 3,
    max_themes: int = 15,
    keywords: int = 3,
    refine: int = 2,
) -> ThemeResult:
    """Group free-text answers into lexical themes.

    Method: tokenise, drop stop words, Snowball-stem (Norwegian), TF-IDF over stems,
    cosine similarity. Clustering is a deterministic leader algorithm (answers ordered by
    how typical their vocabulary is, then by position; each joins the most similar earlier
    leader with similarity ≥ ``threshold`` or starts a theme) followed by ``refine`` rounds
    of reassignment to the nearest theme centroid (spherical k-means steps). Chosen over
    hierarchical clustering, whose n × n distance matrix is too slow and large for 10,000
    answers, and over plain k-means because the number of themes is not known and many
    answers belong to no theme. Themes with fewer than ``min_size`` answers and those beyond
    ``max_themes`` go to ``unclustered``.
    """
    stem = _Stems()
    tokens = [[w for w in _words(a) if w not in STOP_WORDS and len(w) > 1] for a in answers]
    docs = [[stem(w) for w in doc] for doc in tokens]
    x, vocab = _tfidf(_split_compounds(docs), min_df=2)
    n = len(answers)
    if n == 0 or not vocab:
        return ThemeResult((), tuple(range(n)))

    nonempty = np.flatnonzero(np.diff(x.indptr) > 0)
    # Typical answers first, so themes start from central wording rather than outliers.
    mean = np.asarray(x.sum(axis=0)).ravel()
    typicality = x @ mean
    order = nonempty[np.lexsort((nonempty, -typicality[nonempty]))]
    leader_of = _leaders(x, order, threshold)

    labels = np.full(n, -1, dtype=np.int64)
    uniq, compact = np.unique(leader_of[nonempty], return_inverse=True)
    labels[nonempty] = compact
    k = len(uniq)
    for _ in range(refine):
        new = _nearest_centroids(x[nonempty], labels[nonempty], k, threshold)
        if np.array_equal(new, labels[nonempty]):
            break
        labels[nonempty] = new

    groups: dict[int, list[int]] = defaultdict(list)
    for i in nonempty:
        groups[int(labels[i])].append(int(i))
    ranked = sorted(groups.values(), key=lambda m: (-len(m), m[0]))
    kept = [m for m in ranked if len(m) >= min_size][:max_themes]
    kept_ids = {i for m in kept for i in m}

    themes = tuple(_label(x, vocab, tokens, docs, m, keywords) for m in kept)
    unclustered = tuple(i for i in range(n) if i not in kept_ids)
    return ThemeResult(themes, unclustered)


def _label(
    x: sparse.csr_array,
    vocab: Sequence[str],
    tokens: Sequence[Sequence[str]],
    docs: Sequence[Sequence[str]],
    members: Sequence[int],
    count: int,
) -> Theme:
    """Name a theme by its heaviest centroid stems, each shown as its most frequent word."""
    weights = np.asarray(x[members].sum(axis=0)).ravel()
    top = [int(i) for i in np.lexsort((np.arange(len(vocab)), -weights))[:count] if weights[i] > 0]
    top_stems = tuple(vocab[i] for i in top)
    surface: dict[str, Counter[str]] = {s: Counter() for s in top_stems}
    for i in members:
        for word, s in zip(tokens[i], docs[i], strict=True):
            if s in surface:
                surface[s][word] += 1
    # A stem that only entered through a compound has no surface word of its own.
    words = tuple(
        min(surface[s].items(), key=lambda kv: (-kv[1], len(kv[0]), kv[0]))[0] if surface[s] else s
        for s in top_stems
    )
    return Theme(", ".join(words), words, top_stems, tuple(sorted(members)))


# ---------------------------------------------------------------------------------------------
# Search
# ---------------------------------------------------------------------------------------------


def _plain(word: str) -> str:
    """Return ``word`` without accents and with æ/ø folded, for prefix comparison."""
    return _strip_accents(word).translate(_FOLD)


@dataclass(frozen=True, slots=True)
class _Query:
    """A parsed search: per query word, its stem and its plain spelling."""

    terms: tuple[tuple[str, str], ...]
    match_all: bool
    prefix: bool

    @classmethod
    def parse(cls, query: str, match_all: bool, prefix: bool) -> _Query:
        stem = _Stems()
        words = [w for w in _words(query) if w not in STOP_WORDS and len(w) > 1]
        return cls(tuple(dict.fromkeys((stem(w), _plain(w)) for w in words)), match_all, prefix)

    def hit(self, text: str, stem: _Stems) -> bool:
        if not self.terms:
            return True
        words = [w for w in _words(text) if w not in STOP_WORDS]
        stems_present = {stem(w) for w in words}
        plain_present = [_plain(w) for w in words] if self.prefix else []

        def found(term: tuple[str, str]) -> bool:
            term_stem, term_plain = term
            if term_stem in stems_present:
                return True
            # Prefix search as users expect from a search box ("lege" finds "legekontoret");
            # it also covers stemmer quirks such as kafe/kaféen.
            return len(term_plain) >= 3 and any(p.startswith(term_plain) for p in plain_present)

        hits = (found(t) for t in self.terms)
        return all(hits) if self.match_all else any(hits)


def matches(text: str, query: str, *, match_all: bool = True, prefix: bool = True) -> bool:
    """Return whether ``text`` contains the query's words, ignoring case, accents, inflection.

    A query word matches a text word with the same stem ("barnehage" finds "Barnehagen",
    "barnehagar"; "forsoke" finds "forsøke"), or, with ``prefix``, a text word that starts
    with it ("lege" finds "legekontoret"). With ``match_all`` every query word must match,
    otherwise any. Stop words are ignored; an empty query matches everything.
    """
    return _Query.parse(query, match_all, prefix).hit(text, _Stems())


def search_answers(
    answers: Iterable[str], query: str, *, match_all: bool = True, prefix: bool = True
) -> tuple[int, ...]:
    """Return the indices of the answers that :func:`matches` the query."""
    parsed = _Query.parse(query, match_all, prefix)
    stem = _Stems()  # shared across answers: each distinct word is stemmed once
    return tuple(i for i, answer in enumerate(answers) if parsed.hit(answer, stem))
