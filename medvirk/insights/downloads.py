"""Names of the files results are downloaded as: what they hold, in the user's language.

"Foreldreundersøkelse for barnehage 2026 – Solsikken barnehage.pdf", never a key such as
``kindergarten_parents-2026-4.pdf``. Non-ASCII names reach the browser through Django's
``content_disposition_header`` (RFC 6266 ``filename*``), so "ø" survives.
"""

from __future__ import annotations

import re
from typing import Any

from django.utils.http import content_disposition_header
from django.utils.translation import get_language

# Characters no file system or browser accepts in a file name.
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')
MAX_STEM = 150  # core.Job.result_name holds 200 characters


def survey_title(survey: Any) -> str:
    """Return the survey's title in the active language (bokmål, then any, as a fallback)."""
    titles = survey.title or {}
    language = (get_language() or "nb")[:2]
    return titles.get(language) or titles.get("nb") or next(iter(titles.values()), "") or str(survey)


def download_name(survey: Any, unit_name: str, extension: str, *, what: str = "") -> str:
    """Return "<survey title> <round> – <unit>[ – <what>].<extension>" without unsafe characters."""
    title = survey_title(survey)
    if survey.round_label and survey.round_label not in title:
        title = f"{title} {survey.round_label}"
    stem = " – ".join(part for part in (title, unit_name, what) if part)
    stem = " ".join(_UNSAFE.sub(" ", stem).split())[:MAX_STEM].strip(" .") or "medvirk"
    return f"{stem}.{extension}"


def attachment(filename: str) -> str:
    """Return the ``Content-Disposition`` value that downloads a file as ``filename``."""
    return content_disposition_header(True, filename) or "attachment"
