"""Long words of headings break with a hyphen at a correct place, in the text's own language
(medvirk.core.hyphenation; the browser check is in tests/browser/test_respond.py)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse

from medvirk.core.hyphenation import SOFT_HYPHEN, hyphenate_html, without_soft_hyphens
from medvirk.core.middleware import HyphenationMiddleware


def shown(html: str) -> str:
    """Show each soft hyphen as "|" so the expected break points read at a glance."""
    return html.replace(SOFT_HYPHEN, "|")


def test_long_words_of_headings_get_soft_hyphens_in_bokmal_and_nynorsk() -> None:
    page = (
        '<html lang="{lang}"><body><h1 class="ds-heading">{words}</h1>'
        "<p>brukermedvirkning i avsnitt blir som de er</p></body></html>"
    )
    nb = hyphenate_html(page.format(lang="nb", words="Tjenesteleverandører og brukermedvirkning"), "en")
    assert '<h1 class="ds-heading">Tje|neste|le|ve|ran|dø|rer og bru|ker|med|virk|ning</h1>' in shown(nb)
    assert "<p>brukermedvirkning i avsnitt" in nb  # running text is left alone
    nn = hyphenate_html(page.format(lang="nn", words="Likeverdsrapporten om brukarmedverknad"), "nb")
    assert "Like|verds|rap|por|ten om bru|kar|med|verk|nad</h1>" in shown(nn)
    assert without_soft_hyphens(nn) == page.format(lang="nn", words="Likeverdsrapporten om brukarmedverknad")


def test_text_in_another_language_is_hyphenated_by_its_own_patterns_or_not_at_all() -> None:
    page = (
        '<html lang="nb"><h2><span lang="en">Responsibilities</span> Likeverdighetsrapport</h2>'
        '<section lang="ar" dir="rtl"><h2>Likeverdighetsrapport</h2><legend>Likeverdighetsrapport</legend>'
        '</section><h3 lang="">Likeverdighetsrapport</h3><legend>Likeverdighetsrapport</legend></html>'
    )
    out = shown(hyphenate_html(page, "nb"))
    # English patterns in English ("Respon|s|i|bi|lities" by the Norwegian ones)
    assert '<span lang="en">Respons|ib|il|it|ies</span> Like|ver|dig|hets|rap|port</h2>' in out
    assert '<section lang="ar" dir="rtl"><h2>Likeverdighetsrapport</h2>' in out  # no Arabic patterns
    assert '<h3 lang="">Likeverdighetsrapport</h3>' in out  # a language not known
    # back to bokmål after </section>
    assert out.endswith("<legend>Like|ver|dig|hets|rap|port</legend></html>")


def test_addresses_codes_numbers_and_short_words_are_left_whole() -> None:
    heading = (
        "<h1>postmottak@likeverdighetskommunen.no 2026-ferdigmeldingsskjemaet"
        " Skoleundersøkelse_2026 Medvirkningen</h1>"
    )
    assert hyphenate_html(heading, "nb") == heading


def test_the_middleware_hyphenates_html_pages_and_counts_their_new_length() -> None:
    def view(request: HttpRequest) -> HttpResponse:
        page = '<html lang="nn"><h1>Brukarundersøkingar</h1></html>'
        return HttpResponse(page, headers={"Content-Length": str(len(page.encode()))})

    request = HttpRequest()
    request.LANGUAGE_CODE = "nb"
    response = HyphenationMiddleware(view)(request)
    assert shown(response.content.decode()) == '<html lang="nn"><h1>Bru|kar|un|der|sø|kin|gar</h1></html>'
    assert response["Content-Length"] == str(len(response.content))
    heading = {"h1": "<h1>Brukarundersøkingar</h1>"}
    data = HyphenationMiddleware(lambda request: JsonResponse(heading))(request)
    assert SOFT_HYPHEN.encode() not in data.content  # only HTML pages
