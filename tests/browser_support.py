"""Playwright in Debian's Chromium: launch options and Streamlit-aware waiting."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


def wait_for_app(page: Page, timeout: float = 20_000) -> None:
    """Wait until Streamlit has finished running the script and no skeleton is left."""
    expect(page.locator("[data-testid=stApp][data-test-script-state=notRunning]")).to_be_attached(timeout=timeout)
    expect(page.locator("[data-testid=stSkeleton]")).to_have_count(0, timeout=timeout)


def key(page: Page, widget_key: str):
    """The element Streamlit renders for a widget with this key."""
    return page.locator(f".st-key-{widget_key}")


def screenshot(page: Page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
