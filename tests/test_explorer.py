"""``besa545 html``: the explorer page is fresh, self-contained and faithful to the tables,
and works in a real browser (the system ``chromium``, driven by Playwright).

The browser tests are skipped with their reason when chromium is missing, except under CI
(``.ci/run`` installs it), where a missing chromium is a failure.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

import besa545
from besa545.use.explorer import GENERATOR, KINDS, Piece, nest, render_explorer, script_json
from helpers import ROOT, invoke

LOCATED = [name for name in besa545.tables() if name != "paragraphs"
           and {"char_start", "char_end"} <= set(besa545.load(name).columns)]


class Elements(HTMLParser):
    """Every element's tag and attributes, and the text inside each element that carries
    ``data-table`` or ``data-part-table`` and inside each paragraph's ``<p>``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.open: list[tuple[str, dict[str, str], list[str]]] = []
        self.texts: list[tuple[str, dict[str, str], str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attributes = {name: value or "" for name, value in attrs}
        self.elements.append((tag, attributes))
        if tag not in {"meta", "input", "br"}:
            self.open.append((tag, attributes, []))

    def handle_endtag(self, tag: str) -> None:
        opened, attributes, text = self.open.pop()
        assert opened == tag, (opened, tag)
        parent = self.open[-1][1] if self.open else {}
        self.texts.append((tag, attributes, "".join(text), parent))
        if self.open:
            self.open[-1][2].append("".join(text))

    def handle_data(self, data: str) -> None:
        if self.open:
            self.open[-1][2].append(data)


@pytest.fixture(scope="module")
def page_file(tmp_path_factory) -> Path:
    """The page as ``besa545 html`` writes it, rendered once for the module."""
    path = tmp_path_factory.mktemp("explorer") / "explorer.html"
    path.write_bytes(render_explorer().encode("utf-8"))
    return path


@pytest.fixture(scope="module")
def page_html(page_file) -> str:
    return page_file.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def parsed(page_html) -> Elements:
    parser = Elements()
    parser.feed(page_html)
    parser.close()
    assert parser.open == []
    return parser


def test_the_page_is_generated_never_committed():
    """A committed page could carry a script no one reviewed: `make data` writes it, and
    git ignores it."""
    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert "/docs/explorer.html" in ignored
    assert "besa545 html docs/explorer.html" in (ROOT / "Makefile").read_text(encoding="utf-8")


def test_the_command_writes_the_page_and_refuses_a_directory(tmp_path, page_file):
    out = tmp_path / "sub" / "explorer.html"
    result = invoke("html", str(out))
    assert (result.status, result.stdout, result.stderr) == (0, f"wrote {out}\n", "")
    assert out.read_bytes() == page_file.read_bytes()
    refused = invoke("html", str(tmp_path))
    assert refused.status == 2
    assert refused.stderr == (f"Error: {tmp_path} is a directory; pass the path of the HTML "
                              "file to write\n")


def test_the_page_loads_nothing_from_anywhere(parsed, page_html):
    loading = [(tag, attributes) for tag, attributes in parsed.elements
               if tag in {"link", "img", "iframe", "object", "embed", "audio", "video", "source"}
               or "src" in attributes or "srcset" in attributes]
    assert loading == []
    assert "default-src 'none'" in page_html  # and the browser would refuse any request
    assert not re.search(r"@import|url\(", page_html.split("</style>")[0])


def test_each_row_is_exactly_one_element_keyed_by_its_table_and_primary_key(parsed):
    for name in [*LOCATED, "paragraphs"]:
        frame = besa545.load(name)
        key = besa545.schema(name)["primaryKey"]
        expected = sorted(frame[key].astype(str).agg("/".join, axis=1))
        found = sorted(attributes["data-id"] for _, attributes in parsed.elements
                       if attributes.get("data-table") == name)
        assert found == expected, name


def test_every_highlight_holds_its_rows_passage_and_every_paragraph_its_text(parsed):
    text = besa545.text()
    pieces: dict[tuple[str, str], list[str]] = {}
    for _, attributes, inner, _ in parsed.texts:
        table = attributes.get("data-table") or attributes.get("data-part-table")
        if table and table != "paragraphs":
            ident = attributes.get("data-id") or attributes["data-part-id"]
            pieces.setdefault((table, ident), []).append(inner)
    for name in LOCATED:
        frame = besa545.load(name)
        key = besa545.schema(name)["primaryKey"]
        for ident, row in zip(frame[key].astype(str).agg("/".join, axis=1), frame.itertuples(),
                              strict=True):
            # a row that runs across paragraphs is cut at each: compare without whitespace
            shown = re.sub(r"\s", "", "".join(pieces[(name, ident)]))
            assert shown == re.sub(r"\s", "", text[row.char_start:row.char_end]), (name, ident)
    paragraphs = [inner for tag, _, inner, parent in parsed.texts
                  if tag == "p" and "para" in parent.get("class", "").split()]
    assert paragraphs == list(besa545.load("paragraphs")["text"])


def test_highlights_are_titled_marks_and_each_paragraph_has_a_named_button(parsed):
    """A highlight is not a control (nested controls are one of axe's serious violations,
    and one tab stop per row was hundreds): it carries a title saying what the row is. The
    keyboard's way in is one button per paragraph; the panel is a live region."""
    highlights = [attributes for _, attributes in parsed.elements
                  if attributes.get("data-table") in LOCATED]
    assert highlights
    for attributes in highlights:
        assert not {"tabindex", "role", "aria-label"} & set(attributes), attributes
        assert attributes["title"].startswith(f"{KINDS[attributes['data-table']]}: ")
    numbers = [attributes for tag, attributes in parsed.elements
               if attributes.get("class") == "pnum"]
    assert len(numbers) == len(besa545.load("paragraphs"))
    assert {tag for tag, attributes in parsed.elements if attributes.get("class") == "pnum"} \
        == {"button"}
    assert all(attributes["aria-label"].endswith(": details") for attributes in numbers)
    (panel,) = [attributes for _, attributes in parsed.elements
                if attributes.get("id") == "panel"]
    assert (panel["role"], panel["aria-live"], panel["tabindex"]) == ("region", "polite", "-1")
    tags = {tag for tag, _ in parsed.elements}
    assert {"main", "nav", "aside", "header"} <= tags
    controls = [attributes["id"] for tag, attributes in parsed.elements
                if tag in {"select", "input"} and attributes.get("type") != "checkbox"]
    labelled = {attributes.get("for") for tag, attributes in parsed.elements if tag == "label"}
    assert controls and set(controls) <= labelled


def test_text_is_escaped_and_the_inline_data_cannot_close_its_script():
    hostile = {"text": "</script><script>alert(1)</script> & \"quoted\" <!--"}
    written = script_json(hostile)
    assert "<" not in written and ">" not in written and "&" not in written
    assert json.loads(written) == hostile
    quoted = besa545.load("quotations")["evidence"].iat[0]
    assert '"' in quoted or "\u201c" in quoted  # the paper's quotes are in the page escaped


def test_nest_cuts_a_row_that_crosses_the_end_of_another():
    root = Piece(0, 10, "paragraphs", "p", True)
    outer = Piece(0, 5, "events", "e", True)
    crossing = Piece(3, 8, "stances", "s", True)
    nest(root, [crossing, outer], ["events", "stances"])
    assert [(piece.table, piece.start, piece.end, piece.is_first) for piece in root.children] \
        == [("events", 0, 5, True), ("stances", 5, 8, False)]
    assert [(piece.table, piece.start, piece.end, piece.is_first)
            for piece in outer.children] == [("stances", 3, 5, True)]
    assert outer.height() == 1 and root.height() == 2



def test_nest_draws_no_highlight_for_a_row_with_nothing_inside_the_paragraph():
    root = Piece(0, 10, "paragraphs", "p", True)
    event = Piece(2, 6, "events", "e", True)
    empty = Piece(4, 4, "stances", "s", True)  # no character: an empty, invisible mark
    nest(root, [empty, event], ["events", "stances"])
    assert [(piece.table, piece.start, piece.end) for piece in root.children] == [
        ("events", 2, 6)]
    assert event.children == []

# ------------------------------------------------------------------ in a real browser

# Debian's chromium (what .ci/run installs), or the Chrome that GitHub's Ubuntu runners
# carry (Ubuntu's chromium package is a snap stub there)
CHROMIUM = next(filter(None, map(shutil.which, ("chromium", "google-chrome"))), None)


@pytest.fixture(scope="module")
def browser():
    """The system chromium under Playwright; skipped locally, a failure under CI, when
    chromium is not installed."""
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is missing; .ci/run installs it (apt-get install chromium)")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM)
        yield launched
        launched.close()


class Opened:
    """A page of the explorer with what it requested and logged."""

    def __init__(self, browser, page: Path) -> None:
        self.uri = page.as_uri()
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.page = browser.new_page(viewport={"width": 1400, "height": 900})
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.on("console", lambda message: self.errors.append(message.text)
                     if message.type == "error" else None)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.goto(self.uri)
        self.page.wait_for_selector("html[data-ready]")

    def shown(self) -> int:
        return int(self.page.get_attribute("#count", "data-shown"))


@pytest.fixture
def opened(browser, page_file):
    shown = Opened(browser, page_file)
    yield shown
    shown.page.close()


def test_it_loads_from_disk_with_no_error_and_no_request(opened, record_property):
    assert opened.errors == []
    assert opened.requests == [opened.uri]
    ready = float(opened.page.get_attribute("html", "data-ready"))
    record_property("explorer_interactive_ms", ready)  # reported, not asserted
    print(f"explorer interactive after {ready:.0f} ms")


def test_the_browser_counts_one_element_per_row(opened):
    for name in [*LOCATED, "paragraphs"]:
        assert opened.page.locator(f'[data-table="{name}"]').count() == \
            len(besa545.load(name)), name
    total = sum(len(besa545.load(name)) for name in LOCATED)
    assert opened.shown() == total
    assert opened.page.inner_text("#count") == f"Showing {total} of {total} annotations"


def test_clicking_a_quotation_shows_its_speakers_name(opened):
    quotations = besa545.load("quotations").dropna(subset=["speaker_actor_id"])
    names = besa545.load("actors").set_index("actor_id")["name"]
    for row in quotations.itertuples():
        # a click on the quotation itself: its middle may be a nested mention, which a
        # click there opens (the mention's panel then links to the quotation around it)
        opened.page.dispatch_event(f'[data-table="quotations"][data-id="{row.quote_id}"]',
                                   "click")
        panel = opened.page.locator("#panel")
        assert panel.get_attribute("data-id") == row.quote_id
        assert panel.locator('dd[data-field="speaker_actor_id"]').inner_text() == \
            row.speaker_actor_id
        speaker = panel.locator('.go[data-go-table="actors"]')
        assert speaker.inner_text().startswith(names[row.speaker_actor_id])
    speaker.click()  # the link leads to the actor
    assert opened.page.get_attribute("#panel", "data-table") == "actors"
    assert names[row.speaker_actor_id] in opened.page.inner_text("#panel-title")


def test_an_events_panel_lists_its_participants_by_name(opened):
    participants = besa545.load("event_participants")
    names = besa545.load("actors").set_index("actor_id")["name"]
    event_id = participants["event_id"].value_counts().index[0]
    opened.page.dispatch_event(f'[data-table="events"][data-id="{event_id}"]', "click")
    listed = opened.page.locator('#panel .go[data-go-table="event_participants"]').all_inner_texts()
    wanted = participants[participants["event_id"] == event_id]
    assert len(listed) == len(wanted)
    for row in wanted.itertuples():  # an inferred part says so
        mark = ", inferred" if row.basis == "inferred" else ""
        assert any(text.startswith(f"{names[row.actor_id]} ({row.role}{mark})")
                   for text in listed)


def _only(opened, table: str) -> None:
    for box in opened.page.locator("input[name=table]").all():
        if box.get_attribute("value") != table:
            box.uncheck()


def test_the_event_type_filter_hides_every_other_row(opened):
    events = besa545.load("events")
    kind = str(events["event_type"].value_counts().index[0])
    _only(opened, "events")
    assert opened.shown() == len(events)
    opened.page.select_option("#f-type", kind)
    expected = int((events["event_type"] == kind).sum())
    assert opened.shown() == expected
    assert opened.page.inner_text("#count") == \
        f"Showing {expected} of {sum(len(besa545.load(n)) for n in LOCATED)} annotations"
    visible = opened.page.locator(".hl[data-table]:not(.is-hidden)")
    assert visible.count() == expected
    assert set(visible.evaluate_all("(all) => all.map((e) => e.dataset.table)")) == {"events"}
    other = events[events["event_type"] != kind]["event_id"].iat[0]
    hidden = opened.page.locator(f'[data-table="events"][data-id="{other}"]')
    assert hidden.evaluate("(e) => getComputedStyle(e).borderBottomStyle") == "none"
    assert hidden.get_attribute("tabindex") is None


def test_the_actor_filter_and_the_search_box_count_what_they_keep(opened):
    mentions = besa545.load("mentions")
    actor = mentions["actor_id"].value_counts().index[0]
    _only(opened, "mentions")
    opened.page.select_option("#f-actor", actor)
    assert opened.shown() == int((mentions["actor_id"] == actor).sum())
    opened.page.click("#f-reset")
    _only(opened, "quotations")
    quotations = besa545.load("quotations")
    phrase = quotations["text"].iat[0].lower()
    opened.page.fill("#f-search", phrase)
    having = quotations.astype(str).apply(lambda column: column.str.lower().str.contains(
        phrase, regex=False)).any(axis=1)
    assert opened.shown() == int(having.sum())
    assert opened.page.locator(f'[data-id="{quotations["quote_id"].iat[0]}"]'
                               ":not(.is-hidden)").count() == 1
    opened.page.fill("#f-search", "no such words anywhere zzqx")
    assert opened.shown() == 0
    opened.page.click("#f-reset")
    assert opened.shown() == sum(len(besa545.load(name)) for name in LOCATED)


def _rows_in(page, section_id: str) -> list[list[str]]:
    """The rows with a visible passage in a paragraph, in text order, each once."""
    return page.evaluate(f"""(() => {{ const seen = []; for (const e of document
        .querySelectorAll('#{section_id} .hl:not(.is-hidden)')) {{
        const row = [e.dataset.table || e.dataset.partTable, e.dataset.id || e.dataset.partId];
        if (!seen.some((r) => r[0] === row[0] && r[1] === row[1])) seen.push(row); }}
        return seen; }})()""")


def _tab_until(page, condition: str, presses: int) -> None:
    for _ in range(presses):
        page.keyboard.press("Tab")
        if page.evaluate(condition):
            return
    pytest.fail(f"{condition} not reached in {presses} presses of Tab")


def test_the_keyboard_reaches_a_row_through_its_paragraph_and_returns(opened):
    """Tab to a paragraph's button, Enter: the panel lists the paragraph's rows in text
    order, each named with its passage, and takes the focus; Tab to one, Space: the panel
    shows that row; its Back button lists the paragraph again; Escape returns to the
    paragraph's button in the text."""
    page = opened.page
    _tab_until(page, """(() => { const e = document.activeElement; return e.matches('.pnum')
        && e.closest('section').querySelectorAll('.hl[data-table]').length >= 3; })()""",
               len(besa545.load("paragraphs")) + 20)
    section = page.evaluate("document.activeElement.closest('section').id")
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"
    page.keyboard.press("Enter")
    panel = page.locator("#panel")
    assert panel.get_attribute("data-table") == "paragraphs"
    assert page.evaluate("document.activeElement.id") == "panel"
    listed = panel.locator(".inside .go").evaluate_all(
        "(all) => all.map((e) => [e.dataset.goTable, e.dataset.goId])")
    assert listed == _rows_in(page, section) and len(listed) >= 3
    assert panel.locator(".referred").count() == 0  # the rows are listed once
    _tab_until(page, "document.activeElement.matches('#panel .inside .go')", 5)
    chosen = page.evaluate("[document.activeElement.dataset.goTable, "
                           "document.activeElement.dataset.goId]")
    assert chosen == listed[0]
    words = " ".join(page.locator(f"#{section} [data-table='{chosen[0]}']"
                                  f"[data-id='{chosen[1]}']").inner_text().split())
    name = page.evaluate("document.activeElement.textContent")
    assert f": \u201c{words[:20]}" in name  # read out with its passage
    page.keyboard.press(" ")
    assert [panel.get_attribute("data-table"), panel.get_attribute("data-id")] == chosen
    assert panel.locator('dd[data-field="id"]').inner_text() == chosen[1]
    assert page.evaluate("document.activeElement.id") == "panel"
    _tab_until(page, "document.activeElement.matches('#panel button.back')", 40)
    page.keyboard.press("Enter")
    assert panel.get_attribute("data-table") == "paragraphs"
    assert page.evaluate("document.activeElement.id") == "panel"
    page.keyboard.press("Escape")
    assert page.evaluate("[document.activeElement.matches('.pnum'), "
                         "document.activeElement.closest('section').id]") == [True, section]


def _located_rows() -> set[tuple[str, str]]:
    return {(name, "/".join(map(str, key))) for name in LOCATED
            for key in besa545.load(name)[besa545.schema(name)["primaryKey"]]
            .itertuples(index=False)}


def test_the_paragraph_lists_together_reach_every_row(opened):
    """Every located row is listed by the paragraph its passage starts in, and by each
    paragraph it continues into (so a keyboard user reaches every row)."""
    page = opened.page
    listed = page.evaluate("""Array.from(document.querySelectorAll('.pnum')).flatMap((b) => {
        b.click();
        return Array.from(document.querySelectorAll('#panel .inside .go')).map(
            (e) => [b.closest('section').id, e.dataset.goTable, e.dataset.goId]); })""")
    assert {(table, key) for _, table, key in listed} == _located_rows()
    continued = page.evaluate("""Array.from(document.querySelectorAll('.hl.part')).map(
        (e) => [e.closest('section').id, e.dataset.partTable, e.dataset.partId])""")
    assert continued and set(map(tuple, continued)) <= set(map(tuple, listed))


def test_after_a_click_on_a_passage_tab_goes_on_from_its_paragraph(opened):
    page = opened.page
    page.click('#p20 [data-table="mentions"] >> nth=0')
    assert page.get_attribute("#panel", "data-table") == "mentions"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('section').id") == "p21"


def test_a_narrow_window_scrolls_the_focused_panel_into_view(browser, page_file):
    page = browser.new_page(viewport={"width": 600, "height": 800})
    try:
        page.goto(page_file.as_uri())
        page.wait_for_selector("html[data-ready]")
        page.focus("#p12 .pnum")
        page.keyboard.press("Enter")
        box = page.evaluate("(() => { const r = document.getElementById('panel')"
                            ".getBoundingClientRect(); return [r.top, r.bottom]; })()")
        assert page.evaluate("document.activeElement.id") == "panel"
        assert box[1] > 0 and box[0] < 800, box
    finally:
        page.close()


def test_a_paragraph_lists_only_the_rows_the_filters_keep(opened):
    """Filtering before or after opening a paragraph: its list follows the filters."""
    page = opened.page
    page.click("#p6 .pnum")
    before = page.locator("#panel .inside .go").count()
    page.uncheck('input[name=table][value="mentions"]')
    listed = page.locator("#panel .inside .go").evaluate_all(
        "(all) => all.map((e) => e.dataset.goTable)")
    assert listed and "mentions" not in listed
    assert len(listed) == len(_rows_in(page, "p6")) < before
    assert page.inner_text("#panel h3 >> nth=-1") == f"Rows in this paragraph ({len(listed)})"


def test_tab_stops_are_few_and_no_highlight_is_one(opened):
    """One per paragraph and per filter control, none per row."""
    page = opened.page
    focusable = page.evaluate("""Array.from(document.querySelectorAll(
        'a[href], button, input, select, [tabindex]:not([tabindex="-1"])')).length""")
    assert page.locator(".hl[tabindex], .hl[role]").count() == 0
    assert focusable < len(besa545.load("paragraphs")) + 40


def test_axe_finds_no_accessibility_violation(opened):
    """axe-core (bundled by axe-playwright-python) on the page as loaded, with a
    paragraph's rows listed, and with a row open: WCAG 2.2 A and AA, and best practice."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    options = {"resultTypes": ["violations"], "runOnly": {"type": "tag", "values": [
        "wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]}}
    page = opened.page
    reports = [axe.run(page, options=options)]
    page.click("#p6 .pnum")
    reports.append(axe.run(page, options=options))
    page.click("#panel .inside .go >> nth=0")
    reports.append(axe.run(page, options=options))
    for state, report in zip(("loaded", "paragraph", "row"), reports, strict=True):
        assert report.violations_count == 0, (state, report.generate_report())


def test_a_click_on_a_nested_row_opens_it_and_names_every_row_around_it(opened):
    page = opened.page
    inner = page.evaluate("""() => {
        const mention = Array.from(document.querySelectorAll('.hl[data-table="mentions"]'))
            .find((e) => e.parentElement.closest('.hl[data-table="quotations"]'));
        const around = [];
        for (let node = mention.parentElement; node.tagName !== "P"; node = node.parentElement)
            around.push([node.dataset.table || node.dataset.partTable,
                         node.dataset.id || node.dataset.partId]);
        return {id: mention.dataset.id, around};
    }""")
    page.click(f'[data-table="mentions"][data-id="{inner["id"]}"]')  # a real mouse click
    assert page.get_attribute("#panel", "data-id") == inner["id"]
    listed = page.locator("#panel .covering .go").evaluate_all(
        "(all) => all.map((e) => [e.dataset.goTable, e.dataset.goId])")
    assert listed == inner["around"]
    assert "quotations" in {table for table, _ in listed}


def test_without_a_path_it_writes_into_the_checkout_or_the_current_folder(monkeypatch,
                                                                          tmp_path, page_file):
    """In a checkout the default is docs/explorer.html; an installed package's folder is
    never written: the page goes to the current folder instead."""
    from besa545 import cli

    checkout = tmp_path / "checkout"
    monkeypatch.setattr(cli, "package_path", lambda: checkout)
    assert invoke("html").stdout == f"wrote {checkout / 'docs' / 'explorer.html'}\n"
    installed = tmp_path / "site-packages" / "besa545"
    monkeypatch.setattr(cli, "HERE", installed)
    monkeypatch.setattr(cli, "package_path", lambda: installed)
    monkeypatch.chdir(tmp_path)
    assert invoke("html").stdout == "wrote besa545-explorer.html\n"
    assert (tmp_path / "besa545-explorer.html").read_bytes() == page_file.read_bytes()
    assert not installed.exists()


def test_the_page_is_written_over_a_link_never_through_it_and_never_over_another_file(
        tmp_path):
    """A link planted where the page goes is replaced by the page (its target untouched);
    a file the command did not write (a CSV) is refused and left as it was."""
    target = tmp_path / "elsewhere.txt"
    target.write_text("keep me", encoding="utf-8")
    link = tmp_path / "explorer.html"
    link.symlink_to(target)
    assert invoke("html", str(link)).status == 0
    assert not link.is_symlink() and GENERATOR in link.read_text(encoding="utf-8")
    assert target.read_text(encoding="utf-8") == "keep me"
    assert invoke("html", str(link)).status == 0  # its own page: replaced
    other = tmp_path / "actors.csv"
    other.write_text("actor_id\nchina\n", encoding="utf-8")
    refused = invoke("html", str(other))
    assert refused.status == 2 and "was not written by this command" in refused.stderr
    assert other.read_text(encoding="utf-8") == "actor_id\nchina\n"


def test_dash_writes_the_page_to_standard_output(tmp_path, page_file):
    import subprocess
    import sys

    shown = subprocess.run([sys.executable, "-m", "besa545", "html", "-"], capture_output=True,
                           check=True, cwd=tmp_path)
    assert shown.stdout == page_file.read_bytes()
    assert list(tmp_path.iterdir()) == []


def test_a_file_that_only_quotes_the_generator_tag_is_not_replaced(tmp_path):
    """Recognised by how the page opens, not by a string anywhere in it: the explorer's
    own source, which quotes the tag, is someone's file."""
    from besa545.use import explorer

    source = tmp_path / "notes.py"
    source.write_bytes(Path(explorer.__file__).read_bytes())
    result = invoke("html", str(source))
    assert result.status == 2
    assert "exists and was not written by this command" in result.stderr
    assert source.read_bytes() == Path(explorer.__file__).read_bytes()


def test_a_path_that_cannot_be_written_is_one_line_naming_it(tmp_path):
    """A folder on the way that is a file: the system's reason, after the path."""
    blocker = tmp_path / "notes.txt"
    blocker.write_text("mine\n", encoding="utf-8")
    out = blocker / "explorer.html"
    result = invoke("html", str(out))
    assert (result.status, result.stdout) == (2, "")
    assert result.stderr == f"Error: cannot write {out}: File exists\n"
    assert blocker.read_text(encoding="utf-8") == "mine\n"


def test_a_stance_is_named_by_its_holder_polarity_and_topic(page_html):
    """The label a reader sees for a stance row, from its holder's name, its polarity and
    its topic's label, each as the tables hold them."""
    import besa545

    stance = besa545.load("stances").set_index("stance_id").loc["china-opposes-war"]
    name = besa545.load("actors").set_index("actor_id").loc[stance.holder_actor_id, "name"]
    topic = besa545.load("topics").set_index("topic_id").loc[stance.topic_id, "label"]
    assert f"{name} {stance.polarity} {topic}" in page_html
