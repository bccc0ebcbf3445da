"""Take the README's screenshot of the explorer: docs/figures/explorer.png.

    python scripts/screenshot.py [--page docs/explorer.html] [--out docs/figures/explorer.png]

Run on demand, not by ``make data``: chromium's PNG bytes depend on its version and the
fonts installed, so the screenshot is not checked for staleness the way the generated
files are. It opens the page from disk in the system ``chromium`` (Debian package; driven
by Playwright, which downloads no browser), selects a quotation so that the panel shows a
row with its speaker, and saves a fixed-size image.
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
VIEWPORT = {"width": 1440, "height": 900}


def screenshot(page_path: Path, out: Path) -> Path:
    """Save the explorer at ``page_path`` with a direct quotation selected."""
    executable = shutil.which("chromium")
    if executable is None:
        raise SystemExit("chromium is not installed (apt install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable)
        page = browser.new_page(viewport=VIEWPORT, device_scale_factor=1)
        page.goto(page_path.resolve().as_uri())
        page.wait_for_selector("html[data-ready]")
        speaker_quoted = page.evaluate(  # the first direct quotation with a named speaker
            """() => { const data = JSON.parse(document.getElementById("besa545-data")
                                                .textContent).tables.quotations.rows;
                       return Object.keys(data).find((id) => data[id].quote_kind === "direct"
                                                     && data[id].speaker_actor_id); }""")
        quotation = page.locator(f'[data-table="quotations"][data-id="{speaker_quoted}"]')
        quotation.scroll_into_view_if_needed()
        page.evaluate("window.scrollBy(0, -260)")
        quotation.click()
        page.mouse.move(0, 0)  # no hover colour in the picture
        out.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(out), animations="disabled", caret="hide")
        browser.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--page", type=Path, default=ROOT / "docs" / "explorer.html")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "figures" / "explorer.png")
    arguments = parser.parse_args()
    print(screenshot(arguments.page, arguments.out))


if __name__ == "__main__":
    main()
