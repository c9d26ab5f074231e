"""Dates in the languages date_names knows, read back from every common way of writing
them (hypothesis round trips), and the page evidence for day-first numeric dates."""

from __future__ import annotations

import time
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from searcher.date_names import LANGUAGES, MONTHS, Language, day_first, label_day_first
from searcher.dates import DATE_SHAPE, is_ambiguous, parse_date, parse_prose_date
from searcher.formats import html
from searcher.formats.base import Source
from searcher.formats.mapping import Mapped, parse_field_map, record_to_article
from searcher.formats.text_lines import date_line
from searcher.models import Article, Problem

FOREIGN = [language for language in LANGUAGES if language.code != "en"]
# How each language writes a date in words: {d} day, {m} month name, {y} year, {w} weekday.
FORMS: dict[str, list[str]] = {
    "fr": ["{d} {m} {y}", "le {d} {m} {y}", "{w} {d} {m} {y}", "Publié le {d} {m} {y} à 10h18"],
    "de": ["{d}. {m} {y}", "{d} {m} {y}", "{w}, {d}. {m} {y}",
           "Veröffentlicht am {d}. {m} {y}, 10:18 Uhr"],
    "es": ["{d} de {m} de {y}", "{d} {m} {y}", "{w}, {d} de {m} del {y}",
           "Publicado el {d} de {m} de {y} a las 10:18"],
    "it": ["{d} {m} {y}", "{w} {d} {m} {y}", "Pubblicato il {d} {m} {y} alle 10:18"],
    "pt": ["{d} de {m} de {y}", "{d} {m} {y}", "{w}, {d} de {m} de {y}",
           "Publicado em {d} de {m} de {y} às 10:18"],
    "nl": ["{d} {m} {y}", "{w} {d} {m} {y}", "Gepubliceerd op {d} {m} {y} om 10:18"],
    "sv": ["{d} {m} {y}", "{w} {d} {m} {y}", "Publicerad {d} {m} {y} kl. 10:18"],
    "da": ["{d}. {m} {y}", "{w} d. {d}. {m} {y}", "Udgivet {d}. {m} {y} kl. 10:18"],
    "no": ["{d}. {m} {y}", "{w} {d}. {m} {y}", "Publisert {d}. {m} {y} kl. 10:18"],
    "pl": ["{d} {m} {y}", "{w}, {d} {m} {y}", "Opublikowano {d} {m} {y} o godz. 10:18"],
    "ru": ["{d} {m} {y}", "{d} {m} {y} г.", "{w}, {d} {m} {y} года",
           "Опубликовано {d} {m} {y} в 10:18"],
}
days = st.dates(min_value=date(1800, 1, 1), max_value=date(2999, 12, 31))


@settings(max_examples=400, deadline=None)
@given(language=st.sampled_from(FOREIGN), day=days, data=st.data())
def test_a_date_in_words_reads_back_in_every_language_and_form(
        language: Language, day: date, data: st.DataObject) -> None:
    form = data.draw(st.sampled_from(FORMS[language.code]))
    name = data.draw(st.sampled_from(language.months[day.month - 1]))
    name = data.draw(st.sampled_from([name, name.capitalize(), name.upper(), name + "."]))
    text = form.format(d=day.day, m=name, y=day.year, w=language.weekdays[day.weekday()])
    expected = datetime(day.year, day.month, day.day)
    timed = expected.replace(hour=10, minute=18) if "10" in form else expected
    assert DATE_SHAPE.search(text), text
    assert parse_prose_date(text) == timed, text
    assert parse_date(text) == timed, text
    assert date_line(text) == (True, timed), text


@pytest.mark.parametrize(("text", "expected"), [
    ("Publié le 29 juin 2019", datetime(2019, 6, 29)),
    ("le 1er mars 2020", datetime(2020, 3, 1)),
    ("Mardi 3 mars 2020", datetime(2020, 3, 3)),
    ("lun. 5 août 2019", datetime(2019, 8, 5)),
    ("30 juil. 2019", datetime(2019, 7, 30)),
    ("3. März 2021", datetime(2021, 3, 3)),
    ("3. Jänner 2021", datetime(2021, 1, 3)),  # Austrian January
    ("12 de marzo de 2020", datetime(2020, 3, 12)),
    ("1º de março de 2020", datetime(2020, 3, 1)),
    ("1° maggio 2018", datetime(2018, 5, 1)),
    ("5 maggio 2018", datetime(2018, 5, 5)),
    ("1 de janeiro de 2020", datetime(2020, 1, 1)),
    ("2 mei 2019", datetime(2019, 5, 2)),
    ("14 mrt 2019", datetime(2019, 3, 14)),
    ("3 марта 2021 г.", datetime(2021, 3, 3)),
    ("12 października 2020", datetime(2020, 10, 12)),
    ("3. marts 2021", datetime(2021, 3, 3)),
    ("24 desember 2019", datetime(2019, 12, 24)),
    ("1 maj 2018", datetime(2018, 5, 1)),
    ("29 juin 2019 23:30 EST", datetime(2019, 6, 30, 4, 30)),  # a zone dateutil knows
    ("Nov 19, 2019 10:02 AM EST", datetime(2019, 11, 19, 15, 2)),  # English: as before
])
def test_documented_forms_in_other_languages(text: str, expected: datetime) -> None:
    assert parse_date(text) == expected
    assert parse_prose_date(text) == expected


@pytest.mark.parametrize("text", [
    "le 1er mars",  # no year: never completed from today
    "31 juin 2019",  # June has 30 days
    "29 février 2019",
    "3 marzipan 2020",  # a word that starts like a month
    "Sebastian Mai 2020",  # no day
])
def test_incomplete_or_impossible_dates_in_words_are_refused(text: str) -> None:
    assert parse_date(text) is None
    assert parse_prose_date(text) is None


def test_a_name_never_stands_for_two_months() -> None:
    for language in LANGUAGES:
        assert len(language.months) == 12 and len(language.weekdays) == 7
        for number, names in enumerate(language.months, 1):
            assert all(MONTHS[name] == number for name in names)


@pytest.mark.parametrize(("line", "expected"), [
    ("Mis à jour le 3 mars 2020", (True, None)),  # an update, not the publication
    ("Aktualisiert am 3. März 2021", (True, None)),
    ("Publicado el 12 de marzo de 2020 | Actualizado el 13 de marzo de 2020",
     (True, datetime(2020, 3, 12))),
    ("Datum: 2 mei 2019", (True, datetime(2019, 5, 2))),
    ("Le vendredi 5 mai 2018", (True, datetime(2018, 5, 5))),
    ("Il 5 maggio 2018 il governo ha deciso di non firmare.", (False, None)),  # prose
])
def test_date_lines_in_other_languages(line: str, expected: tuple[bool, datetime | None]) -> None:
    assert date_line(line) == expected


@pytest.mark.parametrize(("lang", "url", "expected"), [
    ("fr", None, True), ("fr-CA", None, True), ("de-AT", None, True), ("pt_BR", None, True),
    ("en-GB", None, True), ("en-IN", None, True), ("en-US", None, False),
    ("en_us", None, False), ("en", None, None), (None, None, None), ("", "", None),
    (None, "https://www.lemonde.fr/a/b", True), (None, "https://news.bbc.co.uk/x", True),
    (None, "http://example.us/2020", False), (None, "https://www.cnn.com/x", None),
    (None, "https://blog.example.io/x", None), ("en", "https://www.spiegel.de/", True),
    ("en-US", "https://www.spiegel.de/", False),  # the language is the better evidence
    ("not a language tag", "not a url", None),
])
def test_which_evidence_says_day_first(lang: str | None, url: str | None,
                                       expected: bool | None) -> None:
    assert day_first(lang, url) is expected


def test_numeric_dates_follow_the_evidence_and_are_refused_without_it() -> None:
    assert parse_date("05/06/2019", day_first=True) == datetime(2019, 6, 5)
    assert parse_date("05/06/2019", day_first=False) == datetime(2019, 5, 6)
    assert parse_date("05/06/2019") is None and is_ambiguous("05/06/2019")
    assert not is_ambiguous("05/06/2019", day_first=True)
    assert parse_prose_date("Publié le 05.06.2019 à 10h18", day_first=True) == \
        datetime(2019, 6, 5, 10, 18)
    # a number that cannot be a month decides, whatever the evidence says
    assert parse_date("19/11/2019", day_first=False) == datetime(2019, 11, 19)
    assert parse_date("11/19/2019", day_first=True) == datetime(2019, 11, 19)


def test_date_shapes_in_words_cost_linear_time_on_long_runs() -> None:
    run = 100_000
    started = time.perf_counter()
    for text in ("1" + " " * run + "x", ("1 de " * (run // 5)), "1. " * (run // 3),
                 ("3 " + "mars" * run), "1" * run):
        assert DATE_SHAPE.search(text) is None
        assert parse_prose_date(text[:200]) is None
    assert time.perf_counter() - started < 10


# ---- the readers pass the page's or record's evidence -----------------------------------

TEXT = " ".join(["The council voted on Tuesday to close the old bridge to cars while it is "
                 "repaired, a job the engineers expect to take most of next year."] * 6)


def _page_date(tmp_path: Path, html_attrs: str, head: str) -> tuple[datetime | None, list[str]]:
    path = tmp_path / "page.html"
    path.write_text(f"<html {html_attrs}><head><title>Bridge</title>{head}</head><body>"
                    f"<article><h1>Bridge closes</h1><p>{TEXT}</p><p>{TEXT}</p></article>"
                    "</body></html>", encoding="utf-8")
    items = list(html.read(Source(path, path.name)))
    [article] = [i for i in items if isinstance(i, Article)]
    return article.published, [i.message for i in items if isinstance(i, Problem)]


@pytest.mark.parametrize(("html_attrs", "head", "expected"), [
    ('lang="fr"', "", datetime(2019, 6, 5)),
    ('lang="en-US"', "", datetime(2019, 5, 6)),
    ('lang="en"', '<meta property="og:locale" content="en_GB">', datetime(2019, 6, 5)),
    ("", '<link rel="canonical" href="https://www.example.de/a/b">', datetime(2019, 6, 5)),
    ('lang="en"', '<meta property="og:url" content="https://www.example.com/a">', None),
])
def test_a_page_s_language_or_domain_orders_its_numeric_date(
        tmp_path: Path, html_attrs: str, head: str, expected: datetime | None) -> None:
    stated = '<meta property="article:published_time" content="05/06/2019">'
    published, problems = _page_date(tmp_path, html_attrs, stated + head)
    assert published == expected
    assert bool(problems) == (expected is None)  # no evidence: reported, not guessed


def _record(extra: dict[str, Any]) -> datetime | None:
    mapped = record_to_article({"title": "Budget vote", "date": "05/06/2019", **extra},
                               parse_field_map([]), default_id="f.jsonl:1", path="f.jsonl:1")
    assert isinstance(mapped, Mapped)
    return mapped.article.published


def test_a_record_s_language_or_url_orders_its_numeric_date() -> None:
    assert _record({"language": "de"}) == datetime(2019, 6, 5)
    assert _record({"inLanguage": "en-US"}) == datetime(2019, 5, 6)
    assert _record({"url": "https://www.lemonde.fr/x"}) == datetime(2019, 6, 5)
    assert _record({"link": "https://www.example.us/x"}) == datetime(2019, 5, 6)
    assert _record({"url": "https://www.example.com/x"}) is None
    assert _record({}) is None


# ---- a date label in another language is evidence too ------------------------------------

@pytest.mark.parametrize(("line", "expected"), [
    ("Publié le 05/06/2019", datetime(2019, 6, 5)),
    ("Veröffentlicht am 05.06.2019, 10:18 Uhr", datetime(2019, 6, 5, 10, 18)),
    ("Datum: 05.06.2019", datetime(2019, 6, 5)),
    ("Publicado el 05/06/2019", datetime(2019, 6, 5)),
    ("Published 05/06/2019", None),  # an English label says nothing: refused
    ("05/06/2019", None),
])
def test_a_foreign_date_label_orders_the_numeric_date_after_it(
        line: str, expected: datetime | None) -> None:
    assert date_line(line)[1] == expected
    assert label_day_first(line) is (True if expected else None)


def test_a_labelled_text_file_with_a_foreign_date_label(tmp_path: Path) -> None:
    from searcher.formats.text import read as read_text

    path = tmp_path / "artikel.txt"
    path.write_text("Titel: Wasserstoff als Schlüsseltechnologie\nDatum: 05.06.2019\n"
                    "Inhalt: Die Regierung will den Ausbau beschleunigen.\n", encoding="utf-8")
    [article] = [i for i in read_text(Source(path, path.name)) if isinstance(i, Article)]
    assert article.published == datetime(2019, 6, 5)
