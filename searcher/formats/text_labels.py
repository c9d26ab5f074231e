"""Labelled text files: a ``Label: value`` header block that says which line is what.

Many scrapers write their fields with labels (``Title: ...``, ``Headline:`` with the
value on the next line, ``By: ...``, ``Date: ...``, ``URL: ...``, ``Summary: ...``,
``Article: ...`` with the body starting on the same line). Such a file is read by its
labels, not by guessing from line shapes (text_head.py):

* **Which files**: the first content lines hold at least two known labels of different
  fields, one of them a title, body or URL label (a page whose header merely has a
  ``By:`` and a ``Date:`` line is still read by its shape).
* **Values**: on the label's line, or on the next content line when the label stands
  alone. The label is never part of the value.
* **Fields**: the LABELS table (title / authors / date / summary / url / source / tags /
  body start). A summary is a standfirst: the body's first paragraph, never the title.
  ``Updated``/``Modified`` times are kept as metadata, never the publication date.
  An author value that names no person (``Author not found``, ``Staff``) is rejected
  and counted; an unknown label is kept in the article's metadata, and when its value
  is a byline (``Interviewer: By Jane Doe``) it gives the authors if no author label did.
* **Several records**: a file that repeats its first record's opening label (``Title:``
  or ``URL:``) after a body, or separates records with a rule line (``--- End of
  Article ---``), holds one article per record, each with a stable id (``name#n``, in
  file order) and its line in ``path``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..date_names import label_day_first
from ..dates import parse_prose_date
from .bylines import AUTHOR_REJECTED, AUTHOR_TRIMMED, clean_name, split_names
from .text_page import Page

# The same labels as scrapers write them in French, German, Spanish, Italian, Portuguese,
# Dutch and the Scandinavian languages (``Titre :``, ``Autor:``, ``Datum:``, ``Quelle:``).
FOREIGN_LABELS: dict[str, str] = {
    **dict.fromkeys(("titre", "titel", "título", "titulo", "titolo", "überschrift",
                     "schlagzeile", "titular", "kop"), "title"),
    **dict.fromkeys(("auteur", "auteurs", "autor", "autores", "autoren", "autore", "autori",
                     "autora", "verfasser", "författare", "forfatter", "redacteur"), "authors"),
    **dict.fromkeys(("datum", "fecha", "date de publication", "publié le", "veröffentlicht",
                     "veröffentlicht am", "publicado", "publicado el", "publicado em",
                     "pubblicato", "pubblicato il", "data di pubblicazione",
                     "data de publicação", "fecha de publicación", "gepubliceerd",
                     "gepubliceerd op", "publiceringsdatum", "dato"), "date"),
    **dict.fromkeys(("résumé", "resume", "chapeau", "chapô", "zusammenfassung", "vorspann",
                     "resumen", "entradilla", "sommario", "riassunto", "resumo",
                     "samenvatting", "ingress"), "summary"),
    **dict.fromkeys(("lien", "enlace"), "url"),
    **dict.fromkeys(("quelle", "fuente", "fonte", "bron", "källa", "kilde", "medio",
                     "zeitung"), "source"),
    **dict.fromkeys(("mots-clés", "mots clés", "mots-cles", "schlagwörter", "schlagworte",
                     "stichwörter", "etiquetas", "palabras clave", "etichette",
                     "parole chiave", "trefwoorden", "catégorie", "catégories", "kategorie",
                     "kategorien", "categoría", "categoria", "rubrique", "ressort",
                     "sección", "sezione", "seção", "thema", "themen", "thème", "tema",
                     "temas", "taggar", "emneord"), "tags"),
    # not "Texte"/"Tekst"/"Texto"/"Testo": there the label credits the writer
    **dict.fromkeys(("contenu", "inhalt", "artikel", "artikeltext", "contenido", "cuerpo",
                     "contenuto", "corpo", "conteúdo", "brødtekst", "brödtext"), "body"),
}
# Label (case-folded, spaces collapsed) -> the field its value fills.
LABELS: dict[str, str] = {
    **dict.fromkeys(("title", "headline", "headlines", "heading", "article title"), "title"),
    **dict.fromkeys(("by", "author", "authors", "byline", "written by", "writer",
                     "reporter"), "authors"),
    **dict.fromkeys(("date", "published", "publication date", "published on",
                     "published date", "pubdate", "pub date", "posted", "posted on",
                     "date published", "published time"), "date"),
    **dict.fromkeys(("summary", "description", "standfirst", "subtitle", "subheadline",
                     "sub-headline", "deck", "abstract", "excerpt", "teaser", "lead"),
                    "summary"),
    **dict.fromkeys(("url", "link", "source url", "article url", "permalink", "url source"),
                    "url"),
    **dict.fromkeys(("source", "publisher", "publication", "site", "outlet"), "source"),
    **dict.fromkeys(("tags", "keywords", "categories", "category", "topics"), "tags"),
    **dict.fromkeys(("article", "body", "content", "text", "paragraphs", "story",
                     "full text", "article text", "article body", "markdown content"), "body"),
    **FOREIGN_LABELS,
}
OPENING_FIELDS = {"title", "url"}  # a field whose label, repeated, opens a new record
DETECT_LINES = 6  # the first content lines that must show the labels
LABEL_MAX_WORDS = 4
META_VALUE_MAX_WORDS = 12  # "Interviewer: By Jane Doe", "Section: Local", not a sentence
RECORD_SEPARATOR = "record separator dropped"
# The spaces before the colon from the label's end only (each of 41 label lengths ran
# through a long run of spaces: 100 KB of them cost 4 M steps a line).
_LABEL = re.compile(r"^(?P<label>[^\W\d_][\w .'&/-]{0,40}?)(?:(?<!\s)\s+)?[:：]\s*(?P<value>.*)$")
# Each run of rule characters taken whole ((?=(...))\\1, an atomic group): giving some
# back never helps the rest match, and trying every split of a long run is quadratic.
_RULE = re.compile(r"^\W{0,2}(?=([-=*_#~]{3,}))\1(?:[\w\s]{0,40}(?=([-=*_#~]{3,}))\2)?\W{0,2}$")
_BYLINE_VALUE = re.compile(r"^(?:[Bb][Yy]\s*[:\s]\s*|By(?=[A-Z][a-z]))")  # "ByLily Meyer" too
_URLISH = re.compile(r"^(?:https?://|www\.)\S+$", re.IGNORECASE)


@dataclass
class Record:
    """One record: where it starts and its lines (from ``offset``, the file index of
    lines[0]); headline is True when the file's structure says its first line is the
    headline (text_blocks.py)."""

    start: int
    lines: list[str] = field(default_factory=list)
    headline: bool = False
    offset: int = 0  # the file index of lines[0]


def label(line: str) -> tuple[str, str, str] | None:
    """(label as written, field or "meta", value) if the line is ``Label: value``. An
    unknown label takes only a short value: ``WASHINGTON: The president said ...`` (a
    dateline) or ``He said: ...`` is prose."""
    m = _LABEL.match(line)
    if not m or len(m["label"].split()) > LABEL_MAX_WORDS or m["value"].startswith("//"):
        return None
    key = " ".join(m["label"].casefold().split())
    kind = LABELS.get(key, "meta")
    if kind == "meta" and len(m["value"].split()) > META_VALUE_MAX_WORDS:
        return None
    return m["label"], kind, m["value"].strip()


def is_rule(line: str) -> bool:
    """A line that only separates records (``-----``, ``--- End of Article ---``)."""
    return bool(_RULE.match(line))


def is_labelled(lines: list[str]) -> bool:
    """Whether a file's first content lines are a labelled header (see the module doc)."""
    fields = [lab[1] for line in [x for x in lines if x][:DETECT_LINES]
              if (lab := label(line)) and lab[1] != "meta"]
    return len(set(fields)) >= 2 and bool({"title", "body", "url"} & set(fields))


def split_records(lines: list[str]) -> list[Record]:
    """The file cut into records, each its run of lines (``offset``: the file index of
    its first). Slices, not copies of the whole file blanked around the record: those
    cost records x lines (50,000 records of 4 lines, 10^10 list cells)."""
    starts: list[int] = []
    opening: str | None = None
    body_seen = after_rule = awaiting_value = False
    for i, line in enumerate(lines):
        lab = label(line) if line else None
        key = lab[0].casefold() if lab else None
        if lab and opening is None and lab[1] in OPENING_FIELDS:
            opening = key
        new = lab is not None and bool(starts) and (
            (key == opening and body_seen)
            or (after_rule and (lab[1] != "meta" or bool(_BYLINE_VALUE.match(lab[2])))))
        if not starts or new:
            starts.append(i)
            body_seen = after_rule = False
        if not line:
            continue
        if is_rule(line):
            after_rule = True
        elif (not lab and not awaiting_value) or (lab and lab[1] == "body"):
            body_seen = True
        awaiting_value = lab is not None and not lab[2] and lab[1] != "body"  # "By:", name
    ends = [*starts[1:], len(lines)]
    return [Record(a, lines[a:b], offset=a) for a, b in zip(starts, ends, strict=True)]


def read_labels(page: Page, lines: list[str]) -> tuple[int, bool, bool]:
    """Read the label block at the top: fill the page's fields, blank the lines it used,
    return (where the body starts, whether a title label was found, whether a body label
    said where the body starts). The body starts at a body label (its value becomes the
    first body line) or at the first line that is not a label."""
    has_title = False
    i = 0
    while i < len(lines):
        line = lines[i]
        if not line:
            i += 1
            continue
        lab = label(line)
        if lab is None:
            return i, has_title, False
        written, kind, value = lab
        if kind == "body":
            lines[i] = value  # the body starts on the label's line ("" if alone)
            return i, has_title, True
        taken = i
        if not value:  # "Headlines:" alone: the value is the next content line
            nxt = i + 1
            while nxt < len(lines) and not lines[nxt]:
                nxt += 1
            if nxt < len(lines) and label(lines[nxt]) is None and not is_rule(lines[nxt]):
                if kind == "meta" and _is_prose(lines[nxt]):
                    # "READ MORE:" then a paragraph: an unknown label takes a short
                    # value, never prose; the header ends and the body starts here.
                    return i, has_title, False
                value, taken = lines[nxt], nxt
        has_title = _take(page, written, kind, value, i) or has_title
        for used in range(i, taken + 1):
            lines[used] = ""
        i = taken + 1
    return i, has_title, False


def _is_prose(line: str) -> bool:
    """A sentence, not a short value: too many words, or several ending a sentence."""
    words = len(line.split())
    return words > META_VALUE_MAX_WORDS or (
        words > 3 and line.rstrip("\"'\u201d\u2019) ").endswith((".", "!", "?")))


def _take(page: Page, written: str, kind: str, value: str, index: int) -> bool:
    """Put one label's value into its field; True for a title."""
    if kind == "title" and value and not page.title:
        page.title = value
        return True
    if kind == "authors" or (kind == "meta" and _BYLINE_VALUE.match(value)):
        if kind == "meta":
            _keep_meta(page, written, value)
        if not page.authors:
            page.authors = _names(page, value, index)
    elif kind == "date":
        when = parse_prose_date(value, label_day_first(written))
        if when is None and value:
            page.drop_value("date rejected as unreadable", index, value)
        page.date(when, value)
    elif kind == "summary" and value:
        page.kept += [(index, value), (-1, "")]
        page.standfirst = value
    elif kind in {"url", "source"} and value:
        if _URLISH.match(value):
            page.url = page.url or value
        else:
            page.early_holder = page.early_holder or value
    elif kind == "tags" and value:
        page.tag_texts.append(value)
    elif value:
        _keep_meta(page, written, value)
    return False


def _keep_meta(page: Page, written: str, value: str) -> None:
    """An unknown label's value in the metadata; a repeated label keeps every value."""
    key = written.casefold()
    before = page.meta.get(key)
    page.meta[key] = value if not before else f"{before}; {value}"


def _names(page: Page, value: str, index: int) -> tuple[str, ...]:
    """People named by an author label's value; non-names rejected and counted."""
    names: list[str] = []
    for raw in split_names([_BYLINE_VALUE.sub("", value)]):
        name, kind = clean_name(raw)
        if kind == AUTHOR_REJECTED or (kind == AUTHOR_TRIMMED and not name):
            page.drop_value(AUTHOR_REJECTED, index, raw)
        elif name:
            names.append(name)
    return tuple(names)
