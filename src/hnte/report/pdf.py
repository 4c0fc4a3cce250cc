"""The PDF report: the HTML report printed by Debian's Chromium through Playwright (fonts embedded).

Chromium is a system package (``scripts/system-deps`` installs it with a CJK font); Playwright never
downloads a browser here.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from hnte.core.errors import InputError, InputIssue

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def chromium_path() -> str | None:
    return os.environ.get("HNTE_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


def html_to_pdf(html: str, out: Path) -> None:
    exe = chromium_path()
    if exe is None:
        raise InputError(str(out), [InputIssue("", "生成 PDF 需要 Chromium 浏览器和中文字体：请运行 scripts/system-deps（apt-get install chromium fonts-wqy-microhei）",
                                               "PDF output needs Chromium and a CJK font: run scripts/system-deps (apt-get install chromium fonts-wqy-microhei)")])
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.set_content(html, wait_until="load")
            page.pdf(path=str(out), format="A4", print_background=True,
                     margin={"top": "14mm", "bottom": "14mm", "left": "12mm", "right": "12mm"})
        finally:
            browser.close()
