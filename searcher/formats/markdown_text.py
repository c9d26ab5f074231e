"""Markdown -> the text a reader of the rendered page sees (what is indexed and shown).

markdown-it-py (a CommonMark parser, already installed with rich) does the parsing:
hand-written regexes get nesting, code spans, reference links and HTML blocks wrong,
a parser does not. On its token stream: link text is kept and the URL goes to
``links``; images, raw HTML tags and comments go (an HTML block's text is kept);
headings, list items, quotes, table rows and code blocks become lines of text.
Before parsing, the syntax no Markdown renderer shows is removed: kramdown attribute
lists (``{: .notice}``, ``{:refdef: style="..."}``), Liquid tags and outputs
(``{% include x.html %}``, ``{{ site.baseurl }}``) and Hugo shortcodes (``{{< figure >}}``),
except inside code, where they are what the reader sees.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Any

MAX_LINKS = 200
# Syntax that renders to nothing: kramdown IAL/ALD, Liquid tags/outputs, Hugo shortcodes.
_IAL = re.compile(r"\{:[^}\n]*\}")
# Liquid ``{% ... %}`` and ``{{ ... }}`` (Hugo ``{{< >}}``/``{{% %}}`` too): each from its
# opening to the first closing after it (see _remove_templates: a regex would be quadratic).
_TEMPLATE_ENDS = {"{%": "%}", "{{": "}}"}
_TAG = re.compile(r"<!--.*?-->|<[A-Za-z/!][^>]*>", re.DOTALL)
_BLOCK_TAG = re.compile(r"</?(?:p|div|br|h[1-6]|li|ul|ol|tr|table|blockquote|pre|section|"
                        r"figure|figcaption|article|header|footer)\b[^>]*>", re.IGNORECASE)
_GONE = "\x00"  # marks where syntax was removed (NUL never reaches a reader: decode refuses it)
_STRAY_TAG = re.compile(
    r"</?(?:a|abbr|b|big|blockquote|br|center|cite|code|div|em|figcaption|figure|font|h[1-6]|"
    r"hr|i|iframe|img|li|ol|p|small|span|strong|sub|sup|table|td|th|tr|u|ul|video)\b[^<>]{0,300}>",
    re.IGNORECASE)
_CODE_SPAN = re.compile(r"(`+[^`]*`+)")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


@dataclass
class Rendered:
    """The reader-visible text, the links' targets, and what was removed (kind -> count)."""

    text: str
    links: list[dict[str, str]] = field(default_factory=list)
    removed: dict[str, int] = field(default_factory=dict)


def to_text(markdown: str) -> Rendered:
    """The text of a Markdown document as its reader sees it (blocks separated by blank
    lines). Never raises on any input."""
    rendered = Rendered("")
    source = _strip_invisible_syntax(markdown, rendered.removed)
    rendered.text = _render(source, rendered, depth=0)
    return rendered


def _strip_invisible_syntax(markdown: str, removed: dict[str, int]) -> str:
    """Remove IALs and template tags (which may span lines) outside fenced code; a line
    that held only such syntax goes whole (a blank line would end an HTML block)."""
    out: list[str] = []
    chunk: list[str] = []
    fence: str | None = None
    for line in markdown.split("\n"):
        m = _FENCE.match(line)
        if fence is not None:
            out.append(line)
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence):
                fence = None
            continue
        if m:
            out.extend(_strip_chunk(chunk, removed))
            chunk = []
            fence = m.group(1)
            out.append(line)
            continue
        chunk.append(line)
    out.extend(_strip_chunk(chunk, removed))
    return "\n".join(out)


def _strip_chunk(lines: list[str], removed: dict[str, int]) -> list[str]:
    if not lines:
        return []
    pieces = _CODE_SPAN.split("\n".join(lines))  # odd pieces are `code`: kept as written
    for n in range(0, len(pieces), 2):
        for remove, kind in ((_remove_ials, "kramdown attribute lists removed"),
                             (_remove_templates, "template tags removed")):
            pieces[n], count = remove(pieces[n])
            if count:
                removed[kind] = removed.get(kind, 0) + count
    kept = []
    for line in "".join(pieces).split("\n"):
        if _GONE in line:
            line = line.replace(_GONE, "")
            if not line.strip():
                continue
        kept.append(line)
    return kept


def _remove_ials(text: str) -> tuple[str, int]:
    return _IAL.subn(_GONE, text)


def _remove_templates(text: str) -> tuple[str, int]:
    """Each template tag (``{%`` or ``{{`` to the first ``%}`` or ``}}`` after it) replaced
    by _GONE, leftmost first, as ``re.subn`` of ``\\{%.*?%\\}|\\{\\{.*?\\}\\}`` would, in
    linear time: that regex scans to the end of the text from every opening left unclosed
    (8,000 characters of ``{{ `` took 1.4 s). An opening without its closing after it
    means no later opening of that kind can close either, so it is not looked for again."""
    out: list[str] = []
    pos = count = 0
    ahead = {o: text.find(o) for o in _TEMPLATE_ENDS}  # the next opening of each kind
    while True:
        for o, at in ahead.items():
            if 0 <= at < pos:  # inside the tag just removed: look again from its end
                ahead[o] = text.find(o, pos)
        found = [(at, o) for o, at in ahead.items() if at >= 0]
        if not found:
            break
        start, opening = min(found)
        end = text.find(_TEMPLATE_ENDS[opening], start + 2)
        if end < 0:  # nor can any later opening of this kind close
            ahead[opening] = -1
            continue
        out += [text[pos:start], _GONE]
        pos, count = end + 2, count + 1
    out.append(text[pos:])
    return "".join(out), count


def _render(source: str, rendered: Rendered, depth: int) -> str:
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").enable(["table", "strikethrough"]).parse(source)
    blocks: list[str] = []
    list_lines: list[str] = []
    table_rows: list[list[str]] = []
    list_depth = quote_depth = 0
    for token in tokens:
        kind = token.type
        if kind in ("bullet_list_open", "ordered_list_open"):
            list_depth += 1
        elif kind in ("bullet_list_close", "ordered_list_close"):
            list_depth -= 1
            if list_depth == 0 and list_lines:
                blocks.append("\n".join(list_lines))
                list_lines = []
        elif kind == "blockquote_open":
            quote_depth += 1
        elif kind == "blockquote_close":
            quote_depth -= 1
        elif kind == "tr_open":
            table_rows.append([])
        elif kind == "table_close":
            blocks.append("\n".join(" | ".join(c for c in row if c) for row in table_rows))
            table_rows = []
        elif kind == "inline":
            text = _inline(token.children or [], rendered).strip()
            if table_rows:
                table_rows[-1].append(text)
            elif text and list_depth:
                list_lines.append(text)
            elif text:
                blocks.append(text)
        elif kind in ("fence", "code_block"):
            code = token.content.strip("\n")
            if code.strip():
                (list_lines if list_depth else blocks).append(code)
        elif kind == "html_block":
            text = _html_text(token.content)
            if text and depth < 1:
                text = _render(text, rendered, depth + 1)  # kramdown's markdown="1" blocks
            if text:
                (list_lines if list_depth else blocks).append(text)
    if list_lines:
        blocks.append("\n".join(list_lines))
    return "\n\n".join(b for b in blocks if b.strip())


def _inline(children: list[Any], rendered: Rendered) -> str:
    parts: list[str] = []
    link_start: list[tuple[int, str]] = []
    for child in children:
        kind = child.type
        if kind == "text":  # a tag markdown-it left as text (a broken quote) goes too
            parts.append(_STRAY_TAG.sub("", child.content))
        elif kind == "code_inline":
            parts.append(child.content)
        elif kind == "softbreak":
            parts.append(" ")
        elif kind == "hardbreak":
            parts.append("\n")
        elif kind == "link_open":
            link_start.append((len(parts), str(child.attrs.get("href") or "")))
        elif kind == "link_close" and link_start:
            start, href = link_start.pop()
            text = "".join(parts[start:]).strip()
            if href and not href.startswith("#") and len(rendered.links) < MAX_LINKS and all(
                    link["url"] != href for link in rendered.links):
                rendered.links.append({"text": text, "url": href})
        elif kind == "image":
            rendered.removed["images removed"] = rendered.removed.get("images removed", 0) + 1
        elif kind == "html_inline" and child.content.startswith("<br"):
            parts.append("\n")
    text = "".join(parts)
    return "\n".join(" ".join(line.split()) for line in text.split("\n"))


def _html_text(block: str) -> str:
    """The text inside an HTML block: tags and comments removed, entities decoded."""
    text = _BLOCK_TAG.sub("\n", block)
    text = html.unescape(_TAG.sub("", text))
    lines = [" ".join(line.split()) for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
