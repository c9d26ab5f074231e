"""Month names in the languages news is written in, and which order a page writes
numeric dates in: what ``dates.py`` needs to read ``Publié le 29 juin 2019``,
``3. März 2021``, ``12 de marzo de 2020`` or ``05/06/2019`` on a French page.

A table, not a library: the month and weekday names of English, French, German,
Spanish, Italian, Portuguese, Dutch, Swedish, Danish, Norwegian, Polish and Russian
with the abbreviations papers print (``janv.``, ``Mrz.``, ``set``, ``paź``), with and
without accents (``fevrier``, ``aout``, ``marco``).
dateparser would read more languages, but it is a large dependency, loads for a
second and is slow per call; a build reads a date from every article. No name
means two different months in two of these languages, so one merged table reads
every language without knowing the page's.

A date in words is ``day month year`` (the order of every language here but
English, whose ``month day, year`` dateutil reads): an ordinal or a dot may follow
the day (``1er``, ``1º``, ``1°``, ``3.``), ``de``/``del`` may join the parts
(``1 de janeiro de 2020``), a weekday before it is ignored (``Mardi 3 mars 2020``).
A date without a year (``le 1er mars``) is not read: it is never completed from today.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Language:
    """One language's month names (full, then the abbreviations in use) and weekdays."""

    code: str
    months: tuple[tuple[str, ...], ...]  # 12 entries: the full name first
    weekdays: tuple[str, ...]            # Monday first


def _months(text: str) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(month.split("/")) for month in text.split())


LANGUAGES = (
    Language("en", _months(
        "january/jan february/feb march/mar april/apr may june/jun july/jul august/aug "
        "september/sep/sept october/oct november/nov december/dec"),
        ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")),
    Language("fr", _months(
        "janvier/janv février/févr/fév/fevrier/fevr/fev mars avril/avr mai juin "
        "juillet/juil/juill août/aoû/aout septembre/sept octobre/oct novembre/nov "
        "décembre/déc/decembre"),
        ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")),
    Language("de", _months(
        "januar/jan/jänner/jän februar/feb/feber märz/mär/mrz/maerz/marz april/apr mai "
        "juni/jun juli/jul august/aug september/sep/sept oktober/okt november/nov "
        "dezember/dez"),
        ("montag", "dienstag", "mittwoch", "donnerstag", "freitag", "samstag", "sonntag")),
    Language("es", _months(
        "enero/ene febrero/feb marzo/mar abril/abr mayo/may junio/jun julio/jul "
        "agosto/ago septiembre/sep/sept/setiembre/set octubre/oct noviembre/nov "
        "diciembre/dic"),
        ("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo")),
    Language("it", _months(
        "gennaio/gen febbraio/feb marzo/mar aprile/apr maggio/mag giugno/giu luglio/lug "
        "agosto/ago settembre/set ottobre/ott novembre/nov dicembre/dic"),
        ("lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato", "domenica")),
    Language("pt", _months(
        "janeiro/jan fevereiro/fev março/mar/marco abril/abr maio/mai junho/jun "
        "julho/jul agosto/ago setembro/set outubro/out novembro/nov dezembro/dez"),
        ("segunda-feira", "terça-feira", "quarta-feira", "quinta-feira", "sexta-feira",
         "sábado", "domingo")),
    Language("nl", _months(
        "januari/jan februari/feb maart/mrt april/apr mei juni/jun juli/jul "
        "augustus/aug september/sep/sept oktober/okt november/nov december/dec"),
        ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")),
    Language("sv", _months(
        "januari/jan februari/feb mars/mar april/apr maj juni/jun juli/jul augusti/aug "
        "september/sep/sept oktober/okt november/nov december/dec"),
        ("måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag")),
    Language("da", _months(
        "januar/jan februar/feb marts/mar april/apr maj juni/jun juli/jul august/aug "
        "september/sep/sept oktober/okt november/nov december/dec"),
        ("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag")),
    Language("no", _months(
        "januar/jan februar/feb mars/mar april/apr mai juni/jun juli/jul august/aug "
        "september/sep/sept oktober/okt november/nov desember/des"),
        ("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag")),
    # Polish and Russian name the month in the genitive after a day ("3 marca", "3 марта").
    Language("pl", _months(
        "stycznia/styczeń/sty lutego/luty/lut marca/marzec/mar kwietnia/kwiecień/kwi "
        "maja/maj czerwca/czerwiec/cze lipca/lipiec/lip sierpnia/sierpień/sie "
        "września/wrzesień/wrz października/październik/paź listopada/listopad/lis "
        "grudnia/grudzień/gru"),
        ("poniedziałek", "wtorek", "środa", "czwartek", "piątek", "sobota", "niedziela")),
    Language("ru", _months(
        "января/январь/янв февраля/февраль/фев марта/март/мар апреля/апрель/апр мая/май "
        "июня/июнь/июн июля/июль/июл августа/август/авг сентября/сентябрь/сен/сент "
        "октября/октябрь/окт ноября/ноябрь/ноя декабря/декабрь/дек"),
        ("понедельник", "вторник", "среда", "четверг", "пятница", "суббота", "воскресенье")),
)

MONTHS: dict[str, int] = {}
for _language in LANGUAGES:
    for _number, _names in enumerate(_language.months, 1):
        for _name in _names:
            if MONTHS.setdefault(_name, _number) != _number:  # the table's promise
                raise AssertionError(f"{_name} names two months")
# The English names dateutil reads itself (with the zones and times around them).
_DATEUTIL_NAMES = frozenset(name for names in LANGUAGES[0].months for name in names)

# Any month name of the table, longest first so that ``juillet`` is not read as ``juil``.
MONTH_PATTERN = "(?:" + "|".join(
    re.escape(name) for name in sorted(MONTHS, key=len, reverse=True)) + r")\.?(?!\w)"
# day [ordinal or dot] [de] month [,] [de|del] year
_DAY_MONTH_YEAR = re.compile(
    rf"(?<![\w.])(?P<day>[0-3]?\d)(?:er|ᵉʳ|º|ª|°|\.)?\s*(?:de\s+)?"
    rf"(?P<month>{MONTH_PATTERN}),?\s+(?:del?\s+)?(?P<year>\d{{4}})(?![\w])",
    re.IGNORECASE)
DAY_MONTH_YEAR_SHAPE = (rf"\d{{1,2}}(?:st|nd|rd|th|er|º|ª|°|\.)?\s*(?:of\s+|de\s+)?"
                        rf"{MONTH_PATTERN},?\s+(?:del?\s+)?\d{{4}}")


def words_to_iso(text: str, *, english: bool = False) -> tuple[str, tuple[int, int, int] | None]:
    """``text`` with its first day-month-year date in words of a language dateutil does
    not read rewritten as ISO ``YYYY-MM-DD``, and that date as (year, month, day); the
    text unchanged and None when it has no such date. English names are left to
    dateutil (which reads the zones and times around them) unless ``english``: for
    text dateutil could not read (``le 1 sept 2000``)."""
    for m in _DAY_MONTH_YEAR.finditer(text[:300]):
        word = m["month"].casefold().rstrip(".")
        if word in _DATEUTIL_NAMES and not english:
            continue
        month = MONTHS.get(word)
        if month is None:
            continue
        day, year = int(m["day"]), int(m["year"])
        iso = f"{year:04d}-{month:02d}-{day:02d}"
        return text[:m.start()] + iso + text[m.end():], (year, month, day)
    return text, None


# ---- numeric dates: day first or month first ------------------------------------------

# Where ``05/06/2019`` is the 6th of May: the United States (and the Philippines, whose
# papers follow US usage). Everywhere else the languages and countries here write the
# day first (en-GB, en-AU, en-IN, fr, de, es, pt-BR...).
_MONTH_FIRST_REGIONS = frozenset({"us", "ph", "mh", "pw"})
# Country domains used as generic names (``.io``, ``.tv``, ``.co``): no evidence of a
# country.
_GENERIC_DOMAINS = frozenset({"io", "co", "tv", "fm", "me", "ai", "ly", "gg", "to", "cc",
                              "ws", "so", "vc"})
_LANG = re.compile(r"([a-z]{2,3})(?:[-_]([a-z]{2}|\d{3}))?", re.IGNORECASE)
_HOST = re.compile(r"^(?:[a-z][a-z0-9+.-]*:)?//(?:[^@/?#]*@)?([^/:?#]+)", re.IGNORECASE)


def day_first(lang: str | None = None, url: str | None = None) -> bool | None:
    """Whether a page writes numeric dates day first (True), month first (False), or
    None when nothing says so (then ``05/06/2019`` is refused as ambiguous).

    The page's language is the evidence first (``<html lang>``, ``og:locale``, a
    record's ``language``): a region says it (``en-US`` month first, ``en-GB``,
    ``fr-CA`` day first); a language alone other than English is day first (``fr``,
    ``de``, ``pt``); English alone (``en``) says nothing. Else the country domain of the
    URL: ``.us`` month first, another country day first (``.de``, ``.co.uk``); generic
    ones (``.com``, ``.org``, ``.io``, ``.tv``) say nothing."""
    if lang and (m := _LANG.fullmatch(lang.strip()[:16])):
        language, region = m[1].casefold(), (m[2] or "").casefold()
        if region.isalpha() and region:
            return region not in _MONTH_FIRST_REGIONS
        if language != "en":
            return True
    if url and (host := _HOST.match(url.strip()[:500])):
        domain = host[1].rstrip(".").rsplit(".", 1)[-1].casefold()
        if len(domain) == 2 and domain.isalpha() and domain not in _GENERIC_DOMAINS:
            return domain not in _MONTH_FIRST_REGIONS
    return None


# ---- the words around a date in a date line --------------------------------------------

_ON = r"(?:\s+(?:on|at|le|am|el|em|il|op|om))?"
# A date line saying when the article was published (``Published on``, ``Publié le``,
# ``Veröffentlicht am``, ``Publicado el``, ``Pubblicato il``, ``Gepubliceerd op``)...
PUBLISHED_LABEL = (r"(?:(?:first\s+)?(?:published|posted)|publiée?|mis\s+en\s+ligne|"
                   r"veröffentlicht|publicad[oa]|pubblicat[oa]|gepubliceerd|publicerad|"
                   r"udgivet|publisert|opublikowano|опубликовано)" + _ON)
# ... or when it last changed, which is not the publication date.
UPDATED_LABEL = (r"(?:(?:last\s+)?(?:updated|modified)|mis\s+à\s+jour|modifiée?|"
                 r"aktualisiert|geändert|actualizad[oa]|aggiornat[oa]|atualizad[oa]|"
                 r"bijgewerkt)" + _ON)
WEEKDAYS = frozenset(day for language in LANGUAGES for day in language.weekdays)
# A line that opens with a date label in a language other than English: evidence that
# its numeric date is written day first (every such language here writes it so).
_FOREIGN_LABEL = re.compile(
    r"(?:publiée?|mis\s+en\s+ligne|mis\s+à\s+jour|modifiée?|veröffentlicht|aktualisiert|"
    r"geändert|publicad[oa]|actualizad[oa]|pubblicat[oa]|aggiornat[oa]|atualizad[oa]|"
    r"gepubliceerd|bijgewerkt|publicerad|udgivet|publisert|opublikowano|опубликовано|"
    r"datum|fecha|dato|date de publication|data de publicação|data di pubblicazione)"
    r"(?!\w)", re.IGNORECASE)


def label_day_first(line: str) -> bool | None:
    """True when ``line`` opens with a date label in another language than English
    (``Publié le 05/06/2019``, ``Datum: 05.06.2019``): its numeric date is day first.
    None otherwise (an English label says nothing: ``Published 05/06/2019``)."""
    return True if _FOREIGN_LABEL.match(line.lstrip(" \t-–—•·|[(")) else None
