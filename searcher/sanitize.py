r"""The one home for cleaning untrusted text before it reaches a terminal, JSON or a parser.

Article text, titles, tags, ids and file names come from scraped files: printed as
they are, an ANSI escape can clear the screen, retitle the window or plant a
hyperlink, a C1 control (``\x9b``) is a CSI on some terminals, a bidi override
(U+202E) shows the rest of the line reversed, a lone surrogate makes printing
fail, and U+FFFE/U+FFFF make a feed no longer XML. Every display path goes through
one of these functions:

- :func:`clean_text`: drop escapes and controls (keep ``\n`` and ``\t``), for text
  shown as is (meta lines, tags, notes).
- :func:`one_line`: the same, with line breaks and tabs as spaces (meta lines, tags).
- :func:`blank_controls`: the same characters turned into spaces, keeping the length,
  for text shown with highlight spans that index it.
- :func:`blank_for_query`: every control (``\n`` and ``\t`` too) as a space, for the
  query parser, whose error positions must still point into what the user typed.
- :func:`escape_controls` / :func:`unescape_controls`: an unambiguous visible form
  (``\x1b``, ``\u202e``) for values the user types back, such as article ids.
- :func:`escape_json`: JSON text with the controls ``json`` leaves raw escaped.
"""

from __future__ import annotations

import re

__all__ = [
    "blank_controls",
    "blank_for_query",
    "blank_line_breaks",
    "clean_text",
    "escape_controls",
    "escape_json",
    "is_clean",
    "one_line",
    "unescape_controls",
]

# Bidi embeddings, overrides and isolates (LRE RLE PDF LRO RLO, LRI RLI FSI PDI): the
# characters that reorder what follows them. Plain marks (LRM, RLM, ALM) only nudge
# neutral characters and are kept.
_BIDI = "\u202a-\u202e\u2066-\u2069"
_SURROGATES = "\ud800-\udfff"
# U+FFFE and U+FFFF are no characters (not even XML may hold them: an Atom feed with one
# is not XML); like lone surrogates they are junk from a bad conversion.
_NONCHARACTERS = "\ufffe\uffff"

_ESCAPES = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"  # CSI: colours, cursor moves, clear screen
    # OSC/DCS/SOS/PM/APC strings (hyperlinks, window titles) up to their terminator;
    # an unterminated one only loses its introducer below, its text stays visible.
    r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x00-\x1f\x7f-\x9f]*(?:\x07|\x1b\\|\x9c)"
    r"|\x1b[ -/]*[0-~]"  # two-byte escapes (reset, charset selection, keypad modes)
)
_LINE_BREAKS = re.compile(r"\r\n?|[\x0b\x0c\x1c-\x1e\x85]")
# Everything unsafe to display except \n and \t.
_JUNK = _SURROGATES + _NONCHARACTERS
_UNSAFE = re.compile(f"[\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f{_BIDI}{_JUNK}]")
# Everything the query parser treats as a space.
_QUERY_UNSAFE = re.compile(f"[\\x00-\\x1f\\x7f-\\x9f{_BIDI}{_JUNK}]")
# What escape_controls makes visible: every control, tab and newline included.
_ESCAPED = _QUERY_UNSAFE
_ESCAPE_FORM = re.compile(r"\\x([0-9a-f]{2})|\\u([0-9a-f]{4})")
# What json.dumps(ensure_ascii=False) leaves raw and a terminal may act on.
_JSON_UNSAFE = re.compile(f"[\\x7f-\\x9f{_BIDI}{_SURROGATES}]")


def is_clean(text: str) -> bool:
    """True when :func:`clean_text` and :func:`blank_controls` would return ``text`` as is."""
    return not _UNSAFE.search(text)


def clean_text(text: str) -> str:
    r"""``text`` without ANSI escape sequences, control characters, bidi overrides and
    lone surrogates, keeping ``\n`` and ``\t``.

    Line-breaking controls (``\r``, ``\v``, ``\f``, file/group/record separators, NEL)
    become ``\n`` so that the words on either side stay apart; everything else unsafe
    is dropped. Markup such as ``[red]x[/red]`` is plain text and is left alone (rich
    output builds ``Text``).
    """
    if not _UNSAFE.search(text):
        return text
    text = _ESCAPES.sub("", text)
    text = _LINE_BREAKS.sub("\n", text)
    return _UNSAFE.sub("", text)


def blank_controls(text: str) -> str:
    r"""``text`` with every escape sequence and unsafe character except ``\n`` and ``\t``
    turned into spaces: safe to display, and the same length, so spans still line up."""
    if not _UNSAFE.search(text):
        return text
    text = _ESCAPES.sub(lambda m: " " * len(m.group()), text)
    return _UNSAFE.sub(" ", text)


_LINE_BREAKS_TO_SPACE = str.maketrans({c: " " for c in "\n\t\u2028\u2029"})


def one_line(text: str) -> str:
    """:func:`clean_text` for one-line places (meta lines, tags, facet values, ids):
    line breaks and tabs become spaces, so a value cannot break the layout."""
    return clean_text(text).translate(_LINE_BREAKS_TO_SPACE)


def blank_line_breaks(text: str) -> str:
    """Line breaks and tabs as spaces, same length (for titles shown with spans)."""
    return text.translate(_LINE_BREAKS_TO_SPACE)


def blank_for_query(text: str) -> str:
    """``text`` with every control character (tab and newline too), bidi override and
    lone surrogate as a space: what the query lexer reads, same length as typed."""
    return _QUERY_UNSAFE.sub(" ", text)


def escape_controls(text: str) -> str:
    r"""``text`` with each control, bidi override or lone surrogate written as ``\xNN``
    or ``\uNNNN``: visible, one line, and read back by :func:`unescape_controls`
    (``searcher show`` accepts an id as displayed)."""
    if not _ESCAPED.search(text):
        return text
    return _ESCAPED.sub(lambda m: _escape(m.group()), text)


def _escape(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def unescape_controls(text: str) -> str:
    r"""The inverse of :func:`escape_controls`: ``\xNN``/``\uNNNN`` that stand for a
    character it escapes become that character; any other backslash stays as typed."""

    def back(m: re.Match[str]) -> str:
        char = chr(int(m.group(1) or m.group(2), 16))
        return char if _ESCAPED.fullmatch(char) else m.group()

    return _ESCAPE_FORM.sub(back, text)


def escape_json(text: str) -> str:
    r"""JSON text (from ``json.dumps(ensure_ascii=False)``) with DEL, C1 controls, bidi
    overrides and lone surrogates written as ``\uNNNN``: ``json`` escapes only C0.
    Inside JSON strings these characters can only appear in string values, where the
    escape means the same character."""
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
