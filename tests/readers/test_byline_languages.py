"""Bylines in the languages news is written in (``Par``, ``Von``, ``Por``, ``Di``), lists
of people joined by their ``and`` (``et``, ``und``, ``y``, ``e``), and one rule for
agency words whether a name comes from a byline line or an author field."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from searcher.formats.base import Source
from searcher.formats.bylines import byline, clean_name, names_in, split_names
from searcher.formats.text import read
from searcher.models import Article


@pytest.mark.parametrize(("line", "names"), [
    ("Par Jean Dupont", ("Jean Dupont",)),
    ("Von Max Mustermann", ("Max Mustermann",)),
    ("Por María López", ("María López",)),
    ("Di Mario Rossi", ("Mario Rossi",)),
    ("Door Jan de Vries", ("Jan de Vries",)),
    ("Par Jean Dupont et Marie Curie", ("Jean Dupont", "Marie Curie")),
    ("Von Max Mustermann und Erika Musterfrau", ("Max Mustermann", "Erika Musterfrau")),
    ("Por María López y Juan Pérez", ("María López", "Juan Pérez")),
    ("Di Mario Rossi e Luca Bianchi", ("Mario Rossi", "Luca Bianchi")),
    ("Door Jan de Vries en Piet Jansen", ("Jan de Vries", "Piet Jansen")),
    ("Par Jean Dupont, Marie Curie et Paul Martin", ("Jean Dupont", "Marie Curie", "Paul Martin")),
    ("Por José Ortega y Gasset", ("José Ortega y Gasset",)),  # one person: "y" in a name
    ("Texte de Jeanne Martin", ("Jeanne Martin",)),
    ("By Jane Doe Staff Writer", ("Jane Doe",)),
    ("By Joe Davidson Washington Post", ("Joe Davidson",)),
    ("By Jane Doe and Associated Press", ("Jane Doe",)),
    # not bylines: prose and headlines that start with the same words
    ("Di seguito il testo del comunicato", None),
    ("Por favor, lean esto", None),
    ("Par ailleurs, le gouvernement a annoncé", None),
    ("Von Miller Signs With Bills", None),
    ("Von Berlin nach Hamburg", None),
    ("By Associated Press", None),
])
def test_byline_lines_in_other_languages(line: str, names: tuple[str, ...] | None) -> None:
    assert byline(line) == names


@pytest.mark.parametrize(("value", "names"), [
    ("Jean Dupont et Marie Curie", ["Jean Dupont", "Marie Curie"]),
    ("Max Mustermann und Erika Musterfrau", ["Max Mustermann", "Erika Musterfrau"]),
    ("Maria e Silva", ["Maria e Silva"]),  # one side a single word: one person
    ("José Ortega y Gasset", ["José Ortega y Gasset"]),
])
def test_author_values_split_at_a_foreign_and_only_between_two_names(
        value: str, names: list[str]) -> None:
    assert split_names([value]) == names
    assert [clean_name(name)[0] for name in names] == names


FIRST = st.sampled_from(["Jane", "Jean", "María", "Hans", "Luca", "Ana", "Kwame"])
LAST = st.sampled_from(["Doe", "Dupont", "López", "Müller", "Rossi", "de Vries", "Mensah"])
# Agencies whose name ends in one agency word (the person before it is kept)...
ONE_WORD = st.sampled_from(["Reuters", "Washington Post", "AFP", "Chicago Tribune",
                            "Irish Times", "CNN", "Bloomberg"])
# ... and two (after two words or fewer, the whole is read as an organisation's name:
# "Northeast Ohio Media Group"; the byline and the field must still agree).
TWO_WORDS = st.sampled_from(["Associated Press", "Daily Herald", "News Service",
                             "Press Association", "Kyodo News", "Agence France-Presse"])
ROLE = st.sampled_from(["", " Staff Writer", " Senior Correspondent", " Reporter"])


@settings(max_examples=200, deadline=None)
@given(first=FIRST, last=LAST, agency=ONE_WORD, other=TWO_WORDS, role=ROLE)
def test_a_byline_and_an_author_field_agree_on_agency_words(
        first: str, last: str, agency: str, other: str, role: str) -> None:
    """One rule: the person before an agency's name is kept, the agency is not, whether
    the text is a ``By`` line or a structured author value."""
    name = f"{first} {last}"
    value = f"{name} {agency}{role}"
    assert clean_name(value)[0] == name
    assert names_in(value) == (name,)
    assert byline(f"By {value}") == (name,)
    for alone in (f"{agency}{role}", f"{other}{role}"):
        assert names_in(alone) is None  # an agency alone names nobody
        assert clean_name(alone)[0] == ""
    value = f"{name} {other}{role}"
    assert (names_in(value) or ("",))[0] == clean_name(value)[0]
    assert (byline(f"By {value}") or ("",))[0] == clean_name(value)[0]


def test_a_text_page_s_foreign_byline_gives_its_authors(tmp_path: Path) -> None:
    path = tmp_path / "article.txt"
    path.write_text("Les grenades au cœur de la doctrine du maintien de l'ordre\n"
                    "Par Jean Dupont et Marie Curie\n"
                    "Publié le 29 juin 2019\n\n"
                    "Le 2 décembre 2014, soit un peu plus d'un mois après la mort d'un "
                    "manifestant, le ministère a suspendu l'usage de la grenade.\n\n"
                    "La décision a été confirmée par la Cour de cassation le 9 mai 2019.\n",
                    encoding="utf-8")
    [article] = [i for i in read(Source(path, path.name)) if isinstance(i, Article)]
    assert article.authors == ("Jean Dupont", "Marie Curie")
    assert article.published is not None and article.published.date().isoformat() == \
        "2019-06-29"
    assert article.body.startswith("Le 2 décembre 2014")
