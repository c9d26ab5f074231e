"""Repeated page text (boilerplate.py, boilerplate_build.py): found per source by the
corpus itself, dropped and counted, judged the same however the corpus was built up."""

from __future__ import annotations

import random
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from whoosh import index as whoosh_index

from searcher import build_index
from searcher.boilerplate import KIND, MIN_ARTICLES, ROWS, WIDTH, SourceCounts, normalise
from searcher.cli import main
from searcher.inspect import inspect_file
from searcher.models import BuildProgress

from .conftest import SHARED, needs_shared, write_jsonl

POOL_TXT = SHARED / "fixtures" / "pool" / "txt"
REAL_TEXT = SHARED / "fixtures" / "real" / "text"

# Furniture no phrase list knows: only its recurrence gives it away.
MENU = "Zorblax Home | Zorblax World | Zorblax Money | Zorblax Life"
PROMPT = "Get Zorblax Plus for 4 dollars a month and read without limits"
MARKET = "Quotes delayed at least 15 minutes by Zorblax Data Services"
QUOTE = ("“We will rebuild every bridge the river took from us,” the governor told "
         "reporters at the flooded crossing.")
DATELINE = "QUIXBURG —"
WORDS = ["river", "water", "town", "council", "bridge", "road", "school", "farmers", "rain",
         "storm", "week", "officials", "families", "repair", "budget", "winter", "harvest",
         "market", "power", "lines", "trucks", "volunteers"]


def prose(rng: random.Random) -> str:
    """A paragraph nobody else has (two sentences of random words)."""
    return " ".join(" ".join(rng.sample(WORDS, 12)).capitalize() + "." for _ in range(2))


def page(rng: random.Random, number: int, *, quote: bool = False,
         dateline: bool = False) -> str:
    paragraphs = [prose(rng) for _ in range(4)]
    if quote:
        paragraphs.insert(2, QUOTE)
    if dateline:
        paragraphs.insert(0, DATELINE)
    market = MARKET.replace("15", str(number % 9 + 10))  # the digits differ, the line not
    lines = [f"Flood report number {number} from the valley", "", MENU, "",
             *[p + "\n" for p in paragraphs], PROMPT, "", market]
    return "\n".join(lines) + "\n"


def write_site(folder: Path, pages: int, seed: int = 0, quotes: int = 0,
               datelines: int = 0) -> list[Path]:
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for n in range(pages):
        path = folder / f"page{n:02d}.txt"
        path.write_text(page(rng, n, quote=n < quotes, dateline=n < datelines),
                        encoding="utf-8")
        out.append(path)
    return out


def is_sentence(line: str) -> bool:
    return len(line.split()) >= 8 and line.rstrip().endswith((".", "!", "?", "”", '"'))


def bodies(index: Path) -> dict[str, str]:
    ix = whoosh_index.open_dir(str(index))
    with ix.searcher() as s:
        return {d["id"]: d["body"] for d in s.all_stored_fields()}


def test_furniture_is_dropped_and_a_shared_quote_and_dateline_are_kept(tmp_path: Path) -> None:
    write_site(tmp_path / "corpus" / "valley", 12, quotes=4, datelines=6)
    report = build_index([tmp_path / "corpus"], index=tmp_path / "ix")
    assert report.documents == 12
    assert report.decisions[KIND] == 12 * 3  # menu, prompt, market line on every page
    found = bodies(tmp_path / "ix")
    for aid, body in found.items():
        assert MENU not in body and PROMPT not in body and "Zorblax Data" not in body, aid
        assert body.count(".") >= 8, aid  # the four paragraphs of prose are all there
    with_quote = [aid for aid, body in found.items() if QUOTE in body]
    with_dateline = [aid for aid, body in found.items() if body.startswith(DATELINE)]
    assert len(with_quote) == 4 and len(with_dateline) == 6


def test_a_recurring_byline_with_its_date_above_the_article_is_kept(tmp_path: Path) -> None:
    """One author writes the whole site: ``By ... - <date>`` recurs (digits aside), but it is
    each article's byline and date, not furniture; a bare date in the footer is."""
    rng = random.Random(5)
    site = tmp_path / "blog"
    site.mkdir()
    for n in range(10):
        byline = f"By Zorblax Staff - March {n + 1}, 2024 {1000 + n}"
        text = (f"Post {n}\n\n{byline}\n\n{prose(rng)}\n\n{prose(rng)}\n\n"
                f"Popular this week\n\nApril {n % 9 + 1}, 2024\n")
        (site / f"p{n}.txt").write_text(text, encoding="utf-8")
    build_index([site], index=tmp_path / "ix")
    for body in bodies(tmp_path / "ix").values():
        assert "By Zorblax Staff - March" in body
        assert "Popular this week" not in body and "April" not in body


def test_copies_of_a_story_keep_their_prose_and_lose_the_furniture(tmp_path: Path) -> None:
    """A story saved six times, each time with one more paragraph of news, among other
    pages of the site: its paragraphs recur in many files, but they are the story (most of
    each copy's prose recurs), not the template."""
    rng = random.Random(11)
    story = [prose(rng) for _ in range(4)]
    site = write_site(tmp_path / "valley", 10)
    for n in range(6):
        paragraphs = "\n\n".join([*story[:2], prose(rng), *story[2:]])
        (tmp_path / "valley" / f"story{n}.txt").write_text(
            f"The flood, version {n}\n\n{MENU}\n\n{paragraphs}\n\n{PROMPT}\n", "utf-8")
    report = build_index([tmp_path / "valley"], index=tmp_path / "ix")
    assert report.decisions[KIND] == 16 * 2 + 10  # menu and prompt everywhere, market line
    found = bodies(tmp_path / "ix")
    for n in range(6):
        body = found[f"story{n}.txt"]
        assert all(p in body for p in story), n
        assert MENU not in body and PROMPT not in body
    assert all(MENU not in found[p.name] for p in site)


def test_inspect_with_the_index_shows_the_drop_and_the_counts_behind_it(tmp_path: Path) -> None:
    pages = write_site(tmp_path / "valley", 12)
    build_index([tmp_path / "valley"], index=tmp_path / "ix")
    result = CliRunner().invoke(main, ["inspect", str(pages[3]), "--index",
                                       str(tmp_path / "ix")])
    assert result.exit_code == 0, result.output
    shown = " ".join(result.output.split())  # rich wraps the table to the terminal
    assert "repeated page text dropped" in shown
    assert "Zorblax Home | Zorblax World" in shown
    assert "in 12 of 12 articles of folder valley" in shown
    # Without an index, inspect shows the reader alone: the menu stays in the body.
    alone = inspect_file(pages[3])
    assert MENU in alone.articles[0].body and KIND not in alone.decisions


def test_a_file_added_later_is_judged_with_the_sources_statistics(tmp_path: Path) -> None:
    write_site(tmp_path / "valley", 12)
    build_index([tmp_path / "valley"], index=tmp_path / "ix")
    new = tmp_path / "valley" / "zz-new.txt"
    new.write_text(page(random.Random(99), 99), encoding="utf-8")
    seen = inspect_file(new, index=tmp_path / "ix")  # before the build: as it would judge
    assert seen.decisions[KIND] == 3
    report = build_index([tmp_path / "valley"], index=tmp_path / "ix")
    assert report.added == 1 and report.decisions == {KIND: 3} | {
        k: v for k, v in report.decisions.items() if k != KIND}
    assert MENU not in bodies(tmp_path / "ix")["zz-new.txt"]


def test_the_counting_pass_reports_progress_before_indexing(tmp_path: Path) -> None:
    write_site(tmp_path / "valley", 7)
    write_jsonl(tmp_path / "valley" / "feed.jsonl", [{"id": "j1", "title": "t", "body": "b"}])
    seen: list[BuildProgress] = []
    build_index([tmp_path / "valley"], index=tmp_path / "ix", progress=seen.append)
    counting = [p for p in seen if p.stage == "counting page lines"]
    assert [(p.records_done, p.records_total) for p in counting] == [(n, 7) for n in range(1, 8)]
    assert seen.index(counting[-1]) < len(seen) - 1
    assert all(p.stage == "indexing" for p in seen[seen.index(counting[-1]) + 1:])
    assert seen[-1].records_done == 8


def test_statistics_are_carried_over_by_builds_that_read_no_page(tmp_path: Path) -> None:
    """A build that changes only JSON records keeps the statistics (not loaded, copied to
    the new generation): the next page added is judged with them, nothing is re-read."""
    write_site(tmp_path / "c" / "valley", 8)
    feed = tmp_path / "c" / "feed.jsonl"
    write_jsonl(feed, [{"id": "j1", "title": "t", "body": "b"}])
    build_index([tmp_path / "c"], index=tmp_path / "ix")
    write_jsonl(feed, [{"id": "j1", "title": "t", "body": "b2"}])
    second = build_index([tmp_path / "c"], index=tmp_path / "ix")
    assert second.updated == 1 and second.rejudged == 0 and second.files_read == 1
    (tmp_path / "c" / "valley" / "new.txt").write_text(page(random.Random(7), 50), "utf-8")
    third = build_index([tmp_path / "c"], index=tmp_path / "ix")
    assert third.added == 1 and third.rejudged == 0 and third.files_read == 1
    assert third.decisions.get(KIND) == 3


def test_a_source_with_too_few_articles_loses_nothing(tmp_path: Path) -> None:
    write_site(tmp_path / "small", MIN_ARTICLES - 1)
    report = build_index([tmp_path / "small"], index=tmp_path / "ix")
    assert KIND not in report.decisions
    assert all(MENU in body for body in bodies(tmp_path / "ix").values())


def test_a_source_growing_past_the_threshold_re_judges_its_files(tmp_path: Path) -> None:
    site = tmp_path / "c" / "valley"
    pages = write_site(site, MIN_ARTICLES + 2)
    hold = tmp_path / "held"
    hold.mkdir()
    for p in pages[MIN_ARTICLES - 1:]:
        shutil.move(p, hold / p.name)
    first = build_index([tmp_path / "c"], index=tmp_path / "ix")
    assert KIND not in first.decisions and first.rejudged == 0
    for p in hold.iterdir():
        shutil.move(p, site / p.name)
    second = build_index([tmp_path / "c"], index=tmp_path / "ix")
    assert second.rejudged == MIN_ARTICLES - 1  # the files indexed before were read again
    assert second.added == 3 and second.updated == MIN_ARTICLES - 1
    assert all(MENU not in body for body in bodies(tmp_path / "ix").values())
    # Back under the threshold: the remaining files get their lines back.
    for p in sorted(site.iterdir())[:3]:
        p.unlink()
    third = build_index([tmp_path / "c"], index=tmp_path / "ix")
    assert third.deleted == 3 and third.rejudged == MIN_ARTICLES - 1
    assert all(MENU in body for body in bodies(tmp_path / "ix").values())


def test_every_dropped_line_is_a_counted_decision(tmp_path: Path) -> None:
    pages = write_site(tmp_path / "valley", 10, quotes=3)
    build_index([tmp_path / "valley"], index=tmp_path / "ix")
    for path in pages:
        raw = inspect_file(path).articles[0].body
        seen = inspect_file(path, index=tmp_path / "ix")
        kept = seen.articles[0].body
        dropped = [n.detail.split("  (in ")[0] for r in seen.records for n in r.notes
                   if getattr(n, "kind", "") == KIND]
        missing = [line for line in raw.split("\n") if line.strip() and line not in kept]
        assert sorted(missing) == sorted(dropped)


def test_structured_records_are_not_judged(tmp_path: Path) -> None:
    """A newswire's own closing line recurs in every record: JSON records keep it."""
    records = [{"id": f"r{i}", "title": f"Story {i}",
                "body": f"Shares of company {i} rose {i} pct on Tuesday, dealers said.\nReuter"}
               for i in range(30)]
    write_jsonl(tmp_path / "wire" / "a.jsonl", records)
    report = build_index([tmp_path / "wire"], index=tmp_path / "ix")
    assert KIND not in report.decisions
    assert all(body.endswith("\nReuter") for body in bodies(tmp_path / "ix").values())
    assert not list((tmp_path / "ix").glob("*.furniture.json"))


def test_a_site_is_one_source_across_folders(tmp_path: Path) -> None:
    """Pages of one site (the same © holder) split over day folders: counted together."""
    rng = random.Random(3)
    for n in range(8):
        day = tmp_path / "c" / f"2024-01-{n + 1:02d}"
        day.mkdir(parents=True)
        text = page(rng, n) + "\nCopyright 2024 Zorblax Media Inc. All rights reserved.\n"
        (day / "story.txt").write_text(text, encoding="utf-8")
    report = build_index([tmp_path / "c"], index=tmp_path / "ix")
    assert report.decisions.get(KIND) == 8 * 3
    shown = inspect_file(tmp_path / "c" / "2024-01-03" / "story.txt", index=tmp_path / "ix")
    details = [n.detail for r in shown.records for n in r.notes if getattr(n, "kind", "") == KIND]
    assert any("in 8 of 8 articles of zorblax media inc." in d for d in details)


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(order=st.permutations(range(9)), cuts=st.lists(st.integers(1, 8), max_size=3),
       gone=st.sets(st.integers(0, 8), max_size=3))
def test_incremental_builds_in_any_order_give_the_bodies_of_one_rebuild(
        tmp_path_factory: pytest.TempPathFactory, order: list[int], cuts: list[int],
        gone: set[int]) -> None:
    tmp = tmp_path_factory.mktemp("inc")
    source = tmp / "all"
    pages = write_site(source / "valley", 6, quotes=2) + write_site(source / "hills", 3, seed=1)
    corpus = tmp / "c"
    for folder in ("valley", "hills"):
        (corpus / folder).mkdir(parents=True)
    batches = [order[a:b] for a, b in zip([0, *sorted(cuts)], [*sorted(cuts), 9], strict=True)]
    for batch in batches:
        for i in batch:
            p = pages[i]
            shutil.copy(p, corpus / p.parent.name / p.name)
        build_index([corpus], index=tmp / "ix")
    for i in gone:  # and files taken away again
        (corpus / pages[i].parent.name / pages[i].name).unlink()
    build_index([corpus], index=tmp / "ix")
    build_index([corpus], index=tmp / "fresh", rebuild=True)
    assert bodies(tmp / "ix") == bodies(tmp / "fresh")


def test_the_count_table_of_a_source_is_bounded() -> None:
    counts = SourceCounts()
    counts.add(range(0, 1 << 62, (1 << 62) // 200_000), +1)
    assert len(counts.cells) <= ROWS * WIDTH


@needs_shared(POOL_TXT)
@pytest.mark.parametrize("folder", [*sorted(p.name for p in POOL_TXT.glob("*/")), "real-text"])
def test_real_sources_lose_no_prose(tmp_path: Path, folder: str) -> None:
    """Each real scraper's folder built as one source: what is dropped is counted, and
    no dropped line is a sentence of prose (it would be a shared quote)."""
    where = REAL_TEXT if folder == "real-text" else POOL_TXT / folder
    report = build_index([where], index=tmp_path / "ix")
    assert report.documents > 0
    for path in sorted(where.glob("*.txt")):
        seen = inspect_file(path, index=tmp_path / "ix")
        for note in (n for r in seen.records for n in r.notes if getattr(n, "kind", "") == KIND):
            line = note.detail.split("  (in ")[0]
            assert not is_sentence(line), line


@needs_shared(POOL_TXT / "blackcoffer-abhashgoyal")
def test_a_real_scrapers_pages_lose_their_shared_furniture(tmp_path: Path) -> None:
    """The blackcoffer dump holds 147 pages of one site in one file; written out one page
    a file (as most scrapers save them) and built as one source, no body keeps the site's
    furniture. The page rules (breadcrumb, post navigation, "MOST POPULAR ..." lists) now
    take it before the statistics must: whatever they still drop is never a paragraph."""
    text = (POOL_TXT / "blackcoffer-abhashgoyal" / "scraped_articles.txt").read_text("utf-8")
    pages = [p for p in re.split(r"(?m)^(?=Home  )", text) if p.strip()]
    site = tmp_path / "blackcoffer"
    site.mkdir()
    for n, text_of_page in enumerate(pages):
        (site / f"{n:03d}.txt").write_text(text_of_page, encoding="utf-8")
    report = build_index([site], index=tmp_path / "ix")
    assert report.documents == len(pages) > 100
    found = bodies(tmp_path / "ix")
    for furniture in ("Load more RECOMMENDED INSIGHTS", "MOST POPULAR INSIGHTS",
                      "Previous article", "Home  Our Success Stories"):
        assert not any(furniture in b for b in found.values()), furniture
    for path in sorted(site.iterdir()):
        seen = inspect_file(path, index=tmp_path / "ix")
        for note in (n for r in seen.records for n in r.notes if getattr(n, "kind", "") == KIND):
            line = note.detail.split("  (in ")[0]
            assert not is_sentence(line), line  # menus, dates, bylines: never a paragraph


def test_normalised_lines_ignore_case_digits_and_spacing() -> None:
    assert normalise("  Quotes DELAYED 15  minutes\t") == normalise("quotes delayed 20 minutes")
    assert normalise("Quotes delayed") != normalise("Quotes delayed by")
