"""Labelled text files whose labels are in the scraper's language (``Titre :``,
``Autor:``, ``Datum:``, ``Schlagwörter:``): read by their labels as English ones are."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from searcher.formats.base import Source
from searcher.formats.text import read
from searcher.formats.text_labels import label
from searcher.models import Article

FRENCH = """Titre : Les grenades au cœur du maintien de l'ordre
Auteur : Jean Dupont
Publié le : 29 juin 2019
Mots-clés : police, manifestations
Contenu : Le 2 décembre 2014, le ministère a suspendu l'usage de la grenade offensive.

La décision a été confirmée par la Cour de cassation le 9 mai 2019.
"""
GERMAN = """Titel: Wasserstoff als Schlüsseltechnologie
Autor: Max Mustermann und Erika Musterfrau
Datum: 3. März 2021
Quelle: Beispielzeitung
Schlagwörter: Energie; Klima
Inhalt:
Die Regierung will den Ausbau der Wasserstoffwirtschaft beschleunigen.

Bis 2030 sollen fünf Gigawatt Elektrolyseleistung entstehen.
"""
SPANISH = """Título: El Gobierno aprueba el plan de vivienda
Autores: María López y Juan Pérez
Fecha: 12 de marzo de 2020
Etiquetas: vivienda, alquiler
Contenido: El Consejo de Ministros aprobó este martes el plan estatal de vivienda.
"""


@pytest.mark.parametrize(("text", "title", "authors", "published", "tags", "first"), [
    (FRENCH, "Les grenades au cœur du maintien de l'ordre", ("Jean Dupont",),
     datetime(2019, 6, 29), ("police", "manifestations"), "Le 2 décembre 2014"),
    (GERMAN, "Wasserstoff als Schlüsseltechnologie", ("Max Mustermann", "Erika Musterfrau"),
     datetime(2021, 3, 3), ("Energie", "Klima"), "Die Regierung will"),
    (SPANISH, "El Gobierno aprueba el plan de vivienda", ("María López", "Juan Pérez"),
     datetime(2020, 3, 12), ("vivienda", "alquiler"), "El Consejo de Ministros"),
])
def test_a_file_labelled_in_another_language_is_read_by_its_labels(
        tmp_path: Path, text: str, title: str, authors: tuple[str, ...],
        published: datetime, tags: tuple[str, ...], first: str) -> None:
    path = tmp_path / "article.txt"
    path.write_text(text, encoding="utf-8")
    [article] = [i for i in read(Source(path, path.name)) if isinstance(i, Article)]
    assert (article.title, article.authors, article.published, article.tags) == (
        title, authors, published, tags)
    assert article.body.startswith(first)
    assert "Contenu" not in article.body and "Inhalt" not in article.body


@pytest.mark.parametrize("line", [
    "Texte : Jean Dupont",  # a credit, not the article text
    "Rubrik: Politik",  # German section, Swedish headline: neither field
    "Adresse : 12 rue de la Paix",
])
def test_labels_that_mean_different_things_stay_metadata(line: str) -> None:
    found = label(line)
    assert found is not None and found[1] == "meta"
