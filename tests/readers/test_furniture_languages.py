"""Page furniture in other languages (``Weiterlesen``, ``Lesen Sie auch:``, ``Mehr zum
Thema``, ``Abonnez-vous``) is dropped and counted as its English counterpart is; prose
that merely uses the same words is kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from searcher.formats import text_lines as tl
from searcher.formats.base import Source
from searcher.formats.html_body import drop_trailing_furniture
from searcher.formats.text import read
from searcher.models import Article


@pytest.mark.parametrize("line", [
    "Weiterlesen", "Kommentare (12)", "Lesezeit: 4 min", "Artikel teilen", "Anzeige",
    "Lire la suite", "Abonnez-vous", "5 min de lecture", "Article suivant",
    "Leer más", "Síguenos", "Continua a leggere", "Leia mais", "Lees verder", "Volg ons",
])
def test_navigation_in_other_languages_is_furniture(line: str) -> None:
    assert tl.furniture(line) == tl.BOILERPLATE


@pytest.mark.parametrize("line", [
    "Mehr zum Thema", "Das könnte Sie auch interessieren", "Sur le même sujet",
    "Noticias relacionadas", "Articoli correlati", "Leia também", "Meest gelezen",
])
def test_headings_of_other_pages_links_end_the_article(line: str) -> None:
    assert tl.ends_article(line) or tl.is_read_more_label(line + ":")


@pytest.mark.parametrize("line", [
    "Lesen Sie auch: Die Regierung plant neue Steuern",
    "À lire aussi : Le gouvernement recule sur la réforme",
    "Lee también: El Gobierno aprueba el plan",
    "Leggi anche: Il governo approva il decreto",
])
def test_read_also_labels_in_other_languages(line: str) -> None:
    assert tl.furniture(line) == tl.RELATED


@pytest.mark.parametrize("line", [
    "Die Werbung der Partei zeigte Wirkung bei jungen Wählern.",
    "Teilen und herrschen war schon immer ihr Prinzip, sagte der Minister.",
    "Les commentaires du ministre ont suscité la colère des syndicats.",
    "Los comentarios del presidente provocaron una ola de críticas.",
])
def test_prose_using_the_same_words_is_kept(line: str) -> None:
    assert tl.furniture(line) is None and not tl.ends_article(line)


def test_a_saved_page_s_trailing_prompts_in_other_languages_are_dropped() -> None:
    body = ("Die Regierung will den Ausbau beschleunigen.\nBis 2030 sollen fünf Gigawatt "
            "entstehen.\nLesen Sie auch: Wasserstoff als Chance\nAnzeige\n"
            "Folgen Sie uns auf Twitter und Facebook")
    kept, dropped = drop_trailing_furniture(body, set())
    assert kept == "Die Regierung will den Ausbau beschleunigen.\nBis 2030 sollen fünf " \
                   "Gigawatt entstehen."
    assert dropped == ["Lesen Sie auch: Wasserstoff als Chance", "Anzeige",
                       "Folgen Sie uns auf Twitter und Facebook"]
    prose = "Die Regierung will den Ausbau beschleunigen.\nWerbung allein reicht nicht, sagte sie."
    assert drop_trailing_furniture(prose, set()) == (prose, [])


def test_a_german_text_page_loses_its_furniture(tmp_path: Path) -> None:
    path = tmp_path / "artikel.txt"
    path.write_text(
        "Wasserstoff als Schlüsseltechnologie\nVon Max Mustermann\nVeröffentlicht am "
        "3. März 2021\nArtikel teilen\n\nDie Regierung will den Ausbau der "
        "Wasserstoffwirtschaft beschleunigen, sagte die Ministerin am Dienstag.\n\n"
        "Bis 2030 sollen fünf Gigawatt Elektrolyseleistung entstehen.\n\nWeiterlesen\n\n"
        "Mehr zum Thema\n\nSolarstrom wird billiger\n\nWindkraft im Norden\n",
        encoding="utf-8")
    [article] = [i for i in read(Source(path, path.name)) if isinstance(i, Article)]
    assert article.authors == ("Max Mustermann",)
    assert article.published is not None and article.published.day == 3
    assert article.body == ("Die Regierung will den Ausbau der Wasserstoffwirtschaft "
                            "beschleunigen, sagte die Ministerin am Dienstag.\n\n"
                            "Bis 2030 sollen fünf Gigawatt Elektrolyseleistung entstehen.")
