"""Browser journeys: Debian's Chromium driven by Playwright against a real server on 127.0.0.1."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from server.settings import Settings
from tests.support.builders import BranchFixture, build_branch
from tests.support.live import LiveServer

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--autoplay-policy=no-user-gesture-required",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
LOCAL_HOSTS = {"127.0.0.1"}
WAIT_MS = 10_000


@dataclass
class Site:
    """A live server with a built branch: its URL, tokens, and how to restart it."""

    server: LiveServer
    branch: BranchFixture
    instance: Path
    extra_env: dict[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return self.server.url

    def restart(self) -> None:
        self.server.stop()
        self.server = LiveServer(
            self.instance, self.server.database_url, extra_env=self.extra_env, port=self.server.port
        ).start()


def start_site(instance: Path, extra_env: dict[str, str] | None = None) -> Site:
    """Schema and a branch first (the same way the builders do for API tests), then `branchq serve`."""
    from server.store import migrate
    from server.web import create_app

    database_url = f"sqlite:///{instance / 'branchq.sqlite3'}"
    settings = Settings(database_url=database_url, secret_key="browser-tests", instance_dir=instance, testing=True)
    app = create_app(settings)
    engine = app.extensions["branchq"].deps.store.engine
    migrate.upgrade(engine)
    branch = build_branch(app.extensions["branchq"].deps)
    engine.dispose()
    env = {"BRANCHQ_SPEECH_CACHE": str(instance / "speech")} | (extra_env or {})
    server = LiveServer(instance, database_url, extra_env=env).start()
    return Site(server, branch, instance, env)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"browser tests need Debian's Chromium at {CHROMIUM}")
    sync_api = pytest.importorskip("playwright.sync_api", reason="browser tests need Playwright for Python")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def outside_requests() -> list[str]:
    """Every request a page tried to send beyond the server; each test asserts it stays empty."""
    return []


@pytest.fixture
def new_page(browser: Any, outside_requests: list[str]) -> Iterator[Callable[..., Any]]:
    """Pages in fresh contexts (own storage); requests to any other host are aborted and recorded."""
    contexts: list[Any] = []
    errors: list[str] = []

    def guard(route: Any) -> None:
        if urlsplit(route.request.url).hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            outside_requests.append(route.request.url)
            route.abort()

    def make(width: int = 1280, height: int = 800, **options: Any) -> Any:
        context = browser.new_context(viewport={"width": width, "height": height}, **options)
        context.set_default_timeout(WAIT_MS)
        context.route("**/*", guard)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        return page

    yield make
    for context in contexts:
        context.close()
    assert outside_requests == [], "pages must not reach beyond the server"
    assert errors == [], f"script errors on the pages: {errors}"


def screenshot(page: Any, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path


def wait_until(page: Any, expression: str, timeout: float = WAIT_MS) -> None:
    """Poll ``expression`` from here: Playwright's in-page polling evaluates a string, which
    the pages' Content-Security-Policy (no eval) refuses."""
    deadline = time.monotonic() + timeout / 1000
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise TimeoutError(f"still false after {timeout} ms: {expression}")
        page.wait_for_timeout(50)


def switch_language(page: Any, lang: str) -> None:
    """Choose ``lang`` in the page's language chooser, as a customer would, until the page speaks it."""
    from server.domain.languages import language

    expected = language(lang).tag
    if page.evaluate("!document.querySelector('#lang')"):
        tv_language(page, lang)  # a TV has no chooser
    elif page.evaluate("document.documentElement.lang") != expected:
        page.wait_for_selector(".lang-menu", state="attached")  # the chooser is wired: a click opens it
        page.click("#lang")
        page.click(f".lang-menu button[data-lang='{lang}']")
    wait_until(page, f"document.documentElement.lang === '{expected}'")


def tv_language(page: Any, lang: str) -> None:
    """A TV has no language button (the branch sets what it shows): set the screen's own choice and reload."""
    kind = page.evaluate("location.pathname.slice(1)")
    page.evaluate(f"localStorage.setItem('branchq.lang.{kind}', '{lang}')")
    from server.domain.languages import language

    page.reload()
    wait_until(page, f"document.documentElement.lang === '{language(lang).tag}'")


def staff_login(page: Any, username: str, password: str) -> None:
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("#login-form button[type=submit]")
