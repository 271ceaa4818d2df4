"""Browser tests: Debian's Chromium driven by Playwright against a live server on the test database.

Skipped, with the reason printed, when Chromium or Playwright is missing; `.ci/run` installs both.
axe-core (from the npm registry, tests/e2e/package.json) is injected into every page a flow visits.
"""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
E2E_DIR = Path(__file__).parent
AXE_JS = E2E_DIR / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = E2E_DIR.parents[1] / "test-artifacts"

# Playwright's sync API runs an event loop in this thread; the ORM calls that set up data are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

try:
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover - reported as a skip below
    sync_playwright = None


def _missing() -> str | None:
    if sync_playwright is None:
        return "Playwright is not installed (pip install playwright)"
    if not os.path.exists(CHROMIUM):
        return f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
    return None


def pytest_collection_modifyitems(config, items):
    reason = _missing()
    for item in items:
        if "tests/e2e/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.e2e)
            if reason:
                item.add_marker(pytest.mark.skip(reason=f"browser test skipped: {reason}"))


def _ensure_axe() -> str:
    if not AXE_JS.exists():
        npm = shutil.which("npm")
        if npm is None:
            pytest.fail("axe-core is not installed and npm is missing: run `npm install` in tests/e2e")
        subprocess.run([npm, "install", "--no-audit", "--no-fund", "--silent"], cwd=E2E_DIR, check=True)
    return AXE_JS.read_text()


@pytest.fixture(scope="session")
def axe_source():
    return _ensure_axe()


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic",
                  "--no-first-run", "--disable-component-update", "--disable-sync"],
        )
        yield browser
        browser.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.rep_call = report


@pytest.fixture
def open_page(browser, request, live_server, axe_source):
    """`open_page(width=1280, height=800, lang="ca")` → a Playwright page on the live server.

    Each visited page is checked with axe-core when the test calls `check_a11y(page)`; on failure a screenshot
    of every open page at its viewport is kept in test-artifacts/.
    """
    contexts = []

    def factory(*, width=1280, height=800, lang="ca"):
        context = browser.new_context(
            viewport={"width": width, "height": height}, locale=lang, base_url=live_server.url,
            extra_http_headers={"Accept-Language": lang}, bypass_csp=True,
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield factory
    failed = getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed
    if failed:
        ARTIFACTS.mkdir(exist_ok=True)
        for c_index, context in enumerate(contexts):
            for p_index, page in enumerate(context.pages):
                page.screenshot(path=str(ARTIFACTS / f"{request.node.name}-{c_index}-{p_index}.png"), full_page=False)
    for context in contexts:
        context.close()


@pytest.fixture
def check_a11y(axe_source):
    """Run axe-core (WCAG 2.0/2.1 A and AA rules) on the page; fail on serious or critical violations."""
    checked = []

    def check(page):
        page.evaluate(axe_source)
        result = page.evaluate(
            "async () => await axe.run(document, {runOnly: {type: 'tag', values: "
            "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
        )
        bad = [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
        checked.append(page.url)
        assert not bad, f"axe-core violations on {page.url}:\n" + json.dumps(
            [{"id": v["id"], "impact": v["impact"], "help": v["help"],
              "nodes": [n["target"] for n in v["nodes"][:5]]} for v in bad], indent=1, ensure_ascii=False)

    return check


@pytest.fixture
def login(live_server):
    """Log a page in through the real login form."""

    def do(page, username, password="a-long-test-password"):
        page.goto("/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        with page.expect_navigation():
            page.press("#id_password", "Enter")

    return do
