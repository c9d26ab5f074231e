"""Files saved as UTF-16 or UTF-32 ("Unicode" in Windows tools) are read through their
byte order mark, whatever the format; without a mark, NUL bytes still mean a binary
file; a line format (JSON Lines) in a wide encoding is one clear problem, not "binary"."""

from __future__ import annotations

import codecs
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from searcher import open_index
from searcher.cli import main as cli
from searcher.formats.base import Source, UnreadableFile, decode

ENCODINGS = ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"]
BOMS = {"utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE,
        "utf-32-le": codecs.BOM_UTF32_LE, "utf-32-be": codecs.BOM_UTF32_BE}

PAGES = {
    "page.txt": "Grève à Paris\n\nDes milliers de personnes ont manifesté samedi à Paris "
                "contre la réforme des retraites, selon les organisateurs.\n",
    "page.md": "---\ntitle: Grève à Paris\ndate: 2023-03-11\n---\nDes milliers de personnes "
               "ont manifesté samedi à Paris contre la réforme des retraites.\n",
    "page.html": "<html lang=fr><head><title>Grève à Paris</title></head><body><article>"
                 "<h1>Grève à Paris</h1><p>Des milliers de personnes ont manifesté samedi à "
                 "Paris contre la réforme des retraites, selon les organisateurs du "
                 "mouvement social.</p></article></body></html>",
    "page.json": json.dumps({"title": "Grève à Paris", "body": "Des milliers de personnes "
                             "ont manifesté samedi à Paris contre la réforme."}),
}


def encoded(text: str, encoding: str) -> bytes:
    """``text`` with a byte order mark (the -le/-be codecs write none of their own)."""
    return BOMS.get(encoding, b"") + text.encode(encoding)


@settings(max_examples=60)
@given(st.text(st.characters(blacklist_categories=("Cs",)), max_size=200),
       st.sampled_from(ENCODINGS))
def test_decode_round_trips_through_the_byte_order_mark(text: str, encoding: str) -> None:
    # UTF-16-LE's mark and a first U+0000 make UTF-32-LE's mark (FF FE 00 00): such a
    # file is read as UTF-32 when it decodes so (as every mark sniffer reads it), else
    # as UTF-16 (test below); no real text starts with NUL
    assume(not (text.startswith("\x00") and encoded(text, encoding)[:4]
                == codecs.BOM_UTF32_LE and not encoding.startswith("utf-32")))
    got, problems = decode(encoded(text, encoding), Source(Path("x.txt"), "x.txt"))
    assert (got, problems) == (text, [])


def test_utf16_le_text_starting_with_nul_is_read_when_utf32_cannot_be() -> None:
    data = codecs.BOM_UTF16_LE + "\x00Paris".encode("utf-16-le")  # "invalid UTF-32" before
    assert decode(data, Source(Path("x.txt"), "x.txt")) == ("\x00Paris", [])


def test_nul_bytes_without_a_mark_are_still_binary() -> None:
    with pytest.raises(UnreadableFile, match="binary"):
        decode("plain text".encode("utf-16-le"), Source(Path("x.txt"), "x.txt"))


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32-be"])
def test_every_whole_file_format_builds_and_searches(tmp_path: Path, encoding: str) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name, text in PAGES.items():
        (corpus / name).write_bytes(encoded(text, encoding))
    result = CliRunner().invoke(cli, ["build", str(corpus), "--index", str(tmp_path / "ix"),
                                      "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["problems"] == []
    results = open_index(tmp_path / "ix").search("manifesté", collapse=False)
    assert sorted(h.id for h in results.hits) == sorted(PAGES)
    assert {h.title for h in results.hits} == {"Grève à Paris"}


def test_json_lines_in_utf16_is_one_clear_problem(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "wide.jsonl").write_bytes(encoded('{"title": "a", "body": "b"}\n', "utf-16"))
    (corpus / "fine.txt").write_text("A headline\n\nSome text about the oil price today.\n")
    result = CliRunner().invoke(cli, ["build", str(corpus), "--index", str(tmp_path / "ix")])
    assert result.exit_code == 0, result.output
    assert "UTF-16 text" in result.output and "binary" not in result.output
    assert [h.id for h in open_index(tmp_path / "ix").search("oil").hits] == ["fine.txt"]
