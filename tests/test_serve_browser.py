"""The page in a real browser: a real `searcher serve` (uvicorn) on a free loopback port,
driven by Selenium through Debian's chromium and chromium-driver. Searched, filtered by
a facet and by a timeline bar, paged, an article opened, a bad query shown, and the
hostile articles checked for any script that ran.

Skipped when the browser is not installed, except under CI (``CI=true``), where a
missing browser fails (.ci/run installs it)."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest

from .serve_fixtures import HOSTILE, small_index

__all__ = ["small_index"]

CHROMIUM = shutil.which("chromium")
DRIVER = shutil.which("chromedriver")
if not (CHROMIUM and DRIVER) and os.environ.get("CI") != "true":
    pytest.skip("chromium and chromium-driver are not installed", allow_module_level=True)

from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.remote.webdriver import WebDriver  # noqa: E402
from selenium.webdriver.support import expected_conditions  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

BIN = Path(sys.executable).parent
CRUDE = "//section[@id='facet-tags']//a[contains(., 'crude')]"


@contextlib.contextmanager
def new_page(browser: WebDriver) -> Iterator[None]:
    """The block's click or Enter loads another page: wait until it has (the old page's
    root is gone), so the next read sees the new page, however loaded the machine is."""
    old = browser.find_element(By.TAG_NAME, "html")
    yield
    WebDriverWait(browser, 20).until(expected_conditions.staleness_of(old))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def serving(index: Path, log: Path) -> Iterator[str]:
    """`searcher serve` as a user runs it (its messages to ``log``), until the block ends."""
    port = free_port()
    with log.open("w") as err:
        proc = subprocess.Popen([str(BIN / "searcher"), "serve", "--index", str(index),
                                 "--port", str(port)], stderr=err)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("searcher serve did not start: "
                                       + log.read_text()) from None
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(scope="module")
def server(small_index: Path) -> Iterator[str]:
    with serving(small_index, small_index.parent / "serve.log") as url:
        yield url


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebDriver]:
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in ("--headless", "--no-sandbox", "--disable-gpu",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--window-size=1200,900",
                 f"--user-data-dir={tmp_path_factory.mktemp('chromium')}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(str(DRIVER)), options=options)
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


def state(driver: WebDriver) -> list[tuple[str, str]]:
    return parse_qsl(urlsplit(driver.current_url).query)


def total(driver: WebDriver) -> int:
    return int(driver.find_element(By.ID, "total").text.replace(",", ""))


def test_search_filter_page_and_open(server: str, browser: WebDriver) -> None:
    browser.get(server + "/")
    box = browser.switch_to.active_element  # autofocus
    assert box.get_attribute("id") == "q"
    with new_page(browser):
        box.send_keys("oil prices", Keys.ENTER)
    assert state(browser) == [("q", "oil prices"), ("sort", "relevance")]  # blanks dropped
    assert total(browser) == 24
    assert browser.find_elements(By.CSS_SELECTOR, ".hit .snippet mark")
    # A facet click adds the filter; the page says so and the URL holds it.
    with new_page(browser):
        browser.find_element(By.XPATH, CRUDE).click()
    assert ("tag", "crude") in state(browser) and total(browser) == 11
    # A timeline bar narrows to its month.
    bars = browser.find_elements(By.CSS_SELECTOR, "#timeline a")
    assert len(bars) == 1  # every crude article is from October
    with new_page(browser):
        browser.find_element(By.XPATH, CRUDE).click()
    assert ("tag", "crude") not in state(browser) and total(browser) == 24
    with new_page(browser):
        browser.find_elements(By.CSS_SELECTOR, "#timeline a")[0].click()
    assert ("since", "2020-09") in state(browser) and total(browser) == 12
    with new_page(browser):
        browser.back()
    # Paging: the second page starts at 11.
    with new_page(browser):
        browser.find_element(By.ID, "next").click()
    assert ("page", "2") in state(browser)
    assert browser.find_element(By.CSS_SELECTOR, "ol.hits").get_attribute("start") == "11"
    # The article page highlights every query word.
    with new_page(browser):
        browser.find_element(By.CSS_SELECTOR, ".hit a.title").click()
    assert urlsplit(browser.current_url).path.startswith("/articles/")
    marks = {m.text.lower() for m in browser.find_elements(By.CSS_SELECTOR, "#body mark")}
    assert marks == {"oil", "prices"}
    assert browser.find_elements(By.CSS_SELECTOR, "#similar li")


def test_slash_focuses_the_box_and_errors_show_inline(server: str, browser: WebDriver) -> None:
    browser.get(server + "/?q=oil")
    browser.find_element(By.TAG_NAME, "body").click()
    browser.find_element(By.TAG_NAME, "body").send_keys("/")
    box = browser.switch_to.active_element
    assert box.get_attribute("id") == "q"
    with new_page(browser):
        box.send_keys(Keys.END, " AND (grain", Keys.ENTER)
    error = browser.find_element(By.ID, "error").text
    assert error.startswith("bad query: missing ) to close the group") and "position 9" in error
    assert browser.find_element(By.ID, "q").get_attribute("value") == "oil AND (grain"
    assert browser.find_element(By.CSS_SELECTOR, "#query-error mark").text == "("


def test_the_box_offers_index_words_as_you_type(server: str, browser: WebDriver) -> None:
    """Typing fills the box's datalist with /api/suggest's completions of the last
    word (what a search for each finds, most first), as text."""
    import json
    from urllib.request import urlopen

    browser.get(server + "/")
    browser.find_element(By.ID, "q").send_keys("oil pr")
    options = (By.CSS_SELECTOR, "#q-suggestions option")
    WebDriverWait(browser, 20).until(lambda d: d.find_elements(*options))
    offered = [o.get_attribute("value") for o in browser.find_elements(*options)]
    with urlopen(server + "/api/suggest?format=opensearch&prefix=oil%20pr") as answer:
        expected = json.load(answer)[1]
    assert "oil prices" in offered and offered == expected
    browser.find_element(By.ID, "q").send_keys(Keys.BACKSPACE)  # "oil p": one letter
    WebDriverWait(browser, 20).until(lambda d: not d.find_elements(*options))


def test_no_script_from_articles_runs(server: str, browser: WebDriver) -> None:
    from urllib.parse import quote

    for url in (f"{server}/?q=spill", f"{server}/articles/{quote(HOSTILE['id'], safe='')}",
                f"{server}/?q=spill&tag=%3Cb%3Ebold%3C%2Fb%3E"):
        browser.get(url)
        assert browser.execute_script("return window.injected === undefined")
        assert not browser.find_elements(By.CSS_SELECTOR, "main img, main b, main i")
        title = browser.find_element(By.CSS_SELECTOR, ".hit a.title, #article h1").text
        assert "<script>window.injected = 1</script>" in title
        links = [a.get_attribute("href") or "" for a in browser.find_elements(By.TAG_NAME, "a")]
        assert not [h for h in links if h.startswith("javascript:")]


def test_reuters_in_the_browser(reuters_index: Path, browser: WebDriver,
                                tmp_path: Path) -> None:
    """The Reuters index through the page: the total and the first hits are the
    library's; a facet narrows it. ``SEARCHER_SCREENSHOT=FILE`` saves the page as a PNG
    (README's picture is made this way)."""
    from searcher import Filters, open_index

    with open_index(reuters_index) as ix:
        expected = ix.search("cocoa AND buffer", filters=Filters(tags=("icco",)))
    with serving(reuters_index, tmp_path / "serve.log") as url:
        browser.get(url + "/?q=cocoa+AND+buffer")
        with new_page(browser):
            browser.find_element(
                By.XPATH, "//section[@id='facet-tags']//a[contains(., 'icco')]").click()
        assert state(browser) == [("q", "cocoa AND buffer"), ("tag", "icco")]
        assert total(browser) == expected.total
        titles = [a.text for a in browser.find_elements(By.CSS_SELECTOR, ".hit a.title")]
        assert titles == [" ".join(h.title.split()) for h in expected.hits]
        assert len(browser.find_elements(By.CSS_SELECTOR, "#timeline a")) >= 3
        shot = os.environ.get("SEARCHER_SCREENSHOT")
        if shot:
            browser.save_screenshot(shot)
