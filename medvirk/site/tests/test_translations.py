"""The bokmål and nynorsk catalogues are complete, safe to format and compiled.

The .po files are parsed with a small reader below so the check needs no extra dependency
(polib is not installed). The compiled .mo is read back with the standard library's
``gettext.GNUTranslations`` and compared entry by entry with the .po, so a .po edit that
was not followed by ``manage.py compilemessages`` fails here.
"""

from __future__ import annotations

import ast
import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.utils import translation

LOCALE_DIR = Path(__file__).resolve().parents[2] / "locale"
LANGUAGES = ["nb", "nn"]

# %(name)s, %s, %d … (python-format) and {name} / {} (python-brace-format).
PERCENT_RE = re.compile(r"%(?:\((?P<name>[^)]+)\))?[#0 +-]*\d*(?:\.\d+)?[sdifFeExXorc%]")
BRACE_RE = re.compile(r"(?<!\{)\{(?P<name>[A-Za-z_]\w*|\d*)(?:![rsa])?(?::[^{}]*)?\}(?!\})")


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0

    @property
    def key(self) -> str:
        return self.msgid if self.msgctxt is None else f"{self.msgctxt}\x04{self.msgid}"


def _unquote(text: str) -> str:
    return ast.literal_eval(text.strip())


def parse_po(path: Path) -> list[Entry]:
    """Read a gettext .po file into entries (obsolete ``#~`` entries are skipped)."""
    entries: list[Entry] = []
    current: Entry | None = None
    target: tuple[str, int] | None = None
    pending_flags: set[str] = set()

    def finish() -> None:
        nonlocal current, target
        if current is not None:
            entries.append(current)
        current, target = None, None

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            if not line:
                finish()
            continue
        if line.startswith("#,"):
            finish()
            pending_flags |= {f.strip() for f in line[2:].split(",") if f.strip()}
            continue
        if line.startswith("#"):
            if current is not None and current.msgstr:
                finish()
            continue
        keyword, _, rest = line.partition(" ")
        if keyword == "msgctxt" or (keyword == "msgid" and (current is None or current.msgstr)):
            finish()
        if current is None:
            current = Entry(flags=pending_flags, line=number)
            pending_flags = set()
        if line.startswith('"'):
            assert target is not None, f"{path}:{number}: continuation line outside an entry"
            kind, index = target
            value = _unquote(line)
        else:
            value = _unquote(rest)
            if keyword in ("msgctxt", "msgid", "msgid_plural", "msgstr"):
                kind, index = keyword, 0
            else:
                match = re.fullmatch(r"msgstr\[(\d+)\]", keyword)
                assert match, f"{path}:{number}: unexpected line {raw!r}"
                kind, index = "msgstr", int(match.group(1))
            target = (kind, index)
            if kind == "msgstr":
                current.msgstr.setdefault(index, "")
            elif kind == "msgctxt":
                current.msgctxt = ""
            elif kind == "msgid_plural":
                current.msgid_plural = ""
        if kind == "msgstr":
            current.msgstr[index] += value
        elif kind == "msgctxt":
            current.msgctxt = (current.msgctxt or "") + value
        elif kind == "msgid_plural":
            current.msgid_plural = (current.msgid_plural or "") + value
        else:
            current.msgid += value
    finish()
    return entries


def placeholders(text: str) -> tuple[list[str], list[str]]:
    """Return (named placeholders sorted, positional placeholders in order)."""
    named: list[str] = []
    positional: list[str] = []
    for m in PERCENT_RE.finditer(text):
        token = m.group(0)
        if token == "%%":
            continue
        if m.group("name") is not None:
            named.append(token)
        else:
            positional.append(token[-1])
    for m in BRACE_RE.finditer(text):
        name = m.group("name")
        if name and not name.isdigit():
            named.append("{" + name + "}")
        else:
            positional.append("{" + name + "}")
    return sorted(named), positional


def po_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / "django.po"


def translated(lang: str) -> list[Entry]:
    return [e for e in parse_po(po_path(lang)) if e.msgid or e.msgctxt]


def where(lang: str, entry: Entry) -> str:
    return f"{po_path(lang).name}[{lang}]:{entry.line} {entry.msgid!r}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_catalogue_exists_and_is_for_the_right_language(lang: str) -> None:
    entries = parse_po(po_path(lang))
    header = next(e for e in entries if e.msgid == "" and e.msgctxt is None)
    assert f"Language: {lang}\n" in header.msgstr[0]
    assert "charset=UTF-8" in header.msgstr[0]
    assert len(translated(lang)) > 100


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_empty_translations(lang: str) -> None:
    empty = [where(lang, e) for e in translated(lang) if not e.msgstr or not all(e.msgstr.values())]
    assert not empty, "untranslated:\n" + "\n".join(empty)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_fuzzy_entries(lang: str) -> None:
    fuzzy = [where(lang, e) for e in parse_po(po_path(lang)) if "fuzzy" in e.flags]
    assert not fuzzy, "fuzzy:\n" + "\n".join(fuzzy)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_plural_entries_have_every_form(lang: str) -> None:
    bad = [
        where(lang, e) for e in translated(lang) if e.msgid_plural is not None and sorted(e.msgstr) != [0, 1]
    ]
    assert not bad


@pytest.mark.parametrize("lang", LANGUAGES)
def test_placeholders_are_kept(lang: str) -> None:
    bad = []
    for e in translated(lang):
        sources = [e.msgid] if e.msgid_plural is None else [e.msgid, e.msgid_plural]
        wanted_named = sorted({p for s in sources for p in placeholders(s)[0]})
        wanted_positional = placeholders(sources[-1])[1]
        for form, text in e.msgstr.items():
            named, positional = placeholders(text)
            # A singular form may drop a count placeholder, but never a named one or add any.
            if e.msgid_plural is not None and form == 0:
                ok = set(named) <= set(wanted_named) and {p for p in named if "count" not in p} >= {
                    p for p in wanted_named if "count" not in p
                }
            else:
                ok = sorted(set(named)) == wanted_named
            singular = e.msgid_plural is not None and form == 0
            if not ok or (positional != wanted_positional and not (singular and not positional)):
                bad.append(f"{where(lang, e)} -> {text!r}")
        if "python-format" in e.flags:
            # A literal percent sign is written %% in both (makemessages flags "95 %% CI" too).
            for text in e.msgstr.values():
                if text.count("%%") != e.msgid.count("%%"):
                    bad.append(f"{where(lang, e)} -> {text!r} (literal % must stay %%)")
    assert not bad, "placeholders differ:\n" + "\n".join(bad)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_compiled_catalogue_matches_po(lang: str) -> None:
    mo_path = po_path(lang).with_suffix(".mo")
    assert mo_path.exists(), f"{mo_path} is missing; run manage.py compilemessages"
    with mo_path.open("rb") as fh:
        catalog: dict[object, str] = gettext.GNUTranslations(fh)._catalog  # type: ignore[attr-defined]  # no public way to list a catalogue's entries

    expected: dict[object, str] = {}
    for e in translated(lang):
        if "fuzzy" in e.flags or not all(e.msgstr.values()):
            continue  # msgfmt leaves these out
        if e.msgid_plural is None:
            expected[e.key] = e.msgstr[0]
        else:
            for form, text in e.msgstr.items():
                expected[(e.key, form)] = text

    compiled = {k: v for k, v in catalog.items() if k != ""}
    stale = sorted(repr(k) for k in expected if compiled.get(k) != expected[k])
    extra = sorted(repr(k) for k in compiled if k not in expected)
    hint = "; run `manage.py compilemessages --ignore=.venv --ignore=node_modules`"
    assert not stale, f"{mo_path} differs from the .po for {stale[:10]}{hint}"
    assert not extra, f"{mo_path} has entries no longer in the .po: {extra[:10]}{hint}"


def test_django_uses_the_nynorsk_catalogue() -> None:
    with translation.override("nn"):
        assert translation.gettext("Log in") == "Logg inn"
        assert translation.gettext("Unit") == "Eining"
        assert translation.gettext("Nothing has been changed yet.") == "Ingenting er endra enno."
    with translation.override("nb"):
        assert translation.gettext("Unit") == "Enhet"
        assert translation.gettext("Nothing has been changed yet.") == "Ingenting er endret ennå."
