"""Accessibility (WCAG 2.2 AA): an axe-core audit of every page in real Chromium, light and dark, and theme contrast.

One server and one seeded learner serve the whole module; each theme is audited once (a module fixture), and
each page's result is its own test. A violation fails unless it is one of Streamlit's own, listed in ALLOWED
and explained in docs/accessibility.md; an allow-list entry that no longer occurs fails too, so the list stays
honest. The contrast tests at the end are pure: they read .streamlit/config.toml.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pytest
from playwright.sync_api import Page, expect

from course import rooms
from course.events import utcnow
from course.loader import load_course
from course.models import Lesson
from course.store import Store
from tests.browser_support import wait_for_app
from tests.conftest import ROOT

CONFIG = ROOT / ".streamlit" / "config.toml"
DOC = ROOT / "docs" / "accessibility.md"
THEMES = ("light", "dark")
LESSON = "active-listening"  # a strategy lesson: self-assessment, two scenarios, a knowledge check, a reflection
WIDTH = 1280
OPTION = "label:has(input[type=radio])"  # one radio option (the widget's own label is a label too)


@dataclass(frozen=True)
class Allowed:
    """A violation that comes from Streamlit's own markup: its axe rule and the elements it may occur on."""

    rule: str
    selector: str


# Each entry is explained (element, cause, why it is Streamlit's) in docs/accessibility.md.
ALLOWED = (
    Allowed("list", 'ul[data-testid="stSidebarNavItems"]'),
    Allowed("listitem", '[data-testid="stSidebarNavItems"] > div > li'),
    Allowed("presentation-role-conflict", 'section[data-testid="stFileUploaderDropzone"]'),
)


@dataclass(frozen=True)
class Finding:
    rule: str
    impact: str
    help: str
    target: str
    html: str
    allowed: Allowed | None

    def __str__(self) -> str:
        return f"{self.rule} ({self.impact}): {self.help}\n    at {self.target}\n    {self.html[:200]}"


@dataclass
class Audit:
    findings: list[Finding] = field(default_factory=list)
    background: str = ""
    error: str | None = None

    @property
    def unexpected(self) -> list[Finding]:
        return [finding for finding in self.findings if finding.allowed is None]


# --- contrast maths (WCAG 2.2, relative luminance) ----------------------------------------------------------


def _rgb(colour: str) -> tuple[int, int, int]:
    value = colour.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def luminance(colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in _rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(one: str, other: str) -> float:
    light, dark = sorted((luminance(one), luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def over(colour: str, background: str, alpha: float) -> str:
    """`colour` drawn at `alpha` opacity over `background`, as Streamlit draws faded text."""
    mixed = (round(alpha * c + (1 - alpha) * b) for c, b in zip(_rgb(colour), _rgb(background), strict=True))
    return "#" + "".join(f"{value:02x}" for value in mixed)


def css_rgb(colour: str) -> str:
    return "rgb({}, {}, {})".format(*_rgb(colour))


def theme(name: str) -> dict[str, str]:
    return tomllib.loads(CONFIG.read_text(encoding="utf-8"))["theme"][name]


# --- the audit ------------------------------------------------------------------------------------------------

CONTENT_HEIGHT = """() => Math.max(...[...document.querySelectorAll(
  '[data-testid=stMain], [data-testid=stAppViewContainer], [data-testid=stSidebarContent], body')].map(e => e.scrollHeight))"""
MATCHES = "([target, selector]) => { const el = document.querySelector(target); return !!el && el.matches(selector); }"


def run_axe(page: Page) -> Audit:
    """Audit the whole page: grow the viewport to the content first, since axe skips what Streamlit scrolls away."""
    from axe_playwright_python.sync_playwright import Axe

    wait_for_app(page)
    height = int(page.evaluate(CONTENT_HEIGHT))
    page.set_viewport_size({"width": WIDTH, "height": min(max(height + 40, 900), 16_000)})
    try:
        return _findings(page, Axe().run(page).response)
    finally:
        page.set_viewport_size({"width": WIDTH, "height": 900})


def _findings(page: Page, response: dict) -> Audit:
    audit = Audit(background=page.locator("[data-testid=stApp]").evaluate("e => getComputedStyle(e).backgroundColor"))
    for violation in response["violations"]:
        for node in violation["nodes"]:
            target = node["target"][-1] if all(isinstance(t, str) for t in node["target"]) else None
            allowed = None
            if target is not None:
                allowed = next(
                    (
                        entry
                        for entry in ALLOWED
                        if entry.rule == violation["id"] and page.evaluate(MATCHES, [target, entry.selector])
                    ),
                    None,
                )
            audit.findings.append(
                Finding(
                    violation["id"],
                    violation["impact"] or "",
                    violation["help"],
                    str(node["target"]),
                    node["html"],
                    allowed,
                )
            )
    return audit


@dataclass
class Seeded:
    """What the audit's views need from the seeded store."""

    key: str  # the seeded learner's resume key
    store: Store
    lesson: Lesson
    room_code: str = ""  # the current theme's live room, and its facilitator's host token
    room_host: str = ""


def _lesson_start(page: Page, base: str, seeded: Seeded) -> None:
    page.goto(f"{base}/lesson?lesson={LESSON}")
    expect(page.get_by_role("button", name="Save my ratings")).to_be_visible()
    expect(page.get_by_role("heading", name="Rate yourself first")).to_be_visible()


def _lesson_learn(page: Page, base: str, seeded: Seeded) -> None:
    page.goto(f"{base}/lesson?lesson={LESSON}&part=Learn")
    expect(page.get_by_role("heading", name="What it looks like")).to_be_visible()


def _lesson_practise_midway(page: Page, base: str, seeded: Seeded) -> None:
    """A new learner takes one decision in the first scenario, so feedback and the next decision both show."""
    page.goto(f"{base}/lesson?lesson={LESSON}&part=Practise")
    wait_for_app(page)
    first = seeded.lesson.scenarios[0]
    prefix = f"scn_{LESSON}_{first.id}_{first.start}"
    page.locator(f".st-key-{prefix}_choice {OPTION}").first.click()
    page.locator(f".st-key-{prefix}_submit button").click()
    wait_for_app(page)
    expect(page.get_by_text("Decision 1:", exact=False)).to_be_visible()
    expect(page.locator(f".st-key-{prefix}_choice")).to_have_count(0)


def _lesson_check_submitted(page: Page, base: str, seeded: Seeded) -> None:
    """Answer every question (first option each) and submit, so the explained feedback shows."""
    page.goto(f"{base}/lesson?lesson={LESSON}&part=Check")
    wait_for_app(page)
    form = page.locator(f".st-key-quiz_{LESSON}_form")
    for group in form.locator("[data-testid=stRadio]").all():
        group.locator(OPTION).first.click()
    for box in form.locator("[data-testid=stCheckbox]").all()[:1]:
        box.locator("label").click()
    page.locator(f".st-key-quiz_{LESSON}_submit button").click()
    wait_for_app(page)
    expect(page.get_by_text("You scored", exact=False)).to_be_visible()


def _goto(path: str, ready: str) -> Callable[[Page, str, Seeded], None]:
    def visit(page: Page, base: str, seeded: Seeded) -> None:
        page.goto(base + path.format(key=seeded.key, lesson=LESSON))
        expect(page.get_by_text(ready, exact=False).first).to_be_visible(timeout=20_000)

    return visit


def _review_card(page: Page, base: str, seeded: Seeded) -> None:
    page.goto(f"{base}/review?learner={seeded.key}")
    wait_for_app(page)
    page.locator(".st-key-review_start button").click()
    wait_for_app(page)
    expect(page.get_by_text("How sure are you?")).to_be_visible()


def _room_voted(page: Page, base: str, seeded: Seeded) -> None:
    """A participant joins the live room and votes."""
    code = seeded.room_code
    page.goto(f"{base}/room?room={code}")
    wait_for_app(page)
    page.locator(".st-key-room_choices button").first.click()
    wait_for_app(page)
    expect(page.get_by_text("Your vote: A.", exact=False)).to_be_visible()


def _room_revealed(page: Page, base: str, seeded: Seeded) -> None:
    """The facilitator reveals every consequence; the participant's page follows with the chart."""
    before = rooms.load_room(seeded.store, seeded.room_code)
    assert before is not None
    assert rooms.save_transition(seeded.store, before, rooms.reveal(before, seeded.lesson, everything=True))
    expect(page.locator(".st-key-room_chart_box")).to_be_visible(timeout=20_000)
    expect(page.get_by_text("What happens:", exact=False).first).to_be_visible()


def _presenter(page: Page, base: str, seeded: Seeded) -> None:
    page.goto(f"{base}/presenter?lesson={LESSON}&room={seeded.room_code}&host={seeded.room_host}")
    expect(page.locator(".st-key-pv_chart_box")).to_be_visible(timeout=20_000)


# The pages in the order one theme's audit visits them; the room views depend on each other's state.
VIEWS: dict[str, Callable[[Page, str, Seeded], None]] = {
    "home": _goto("/?learner={key}", "Course map"),
    "lesson-situation-with-self-assessment": _lesson_start,
    "lesson-learn": _lesson_learn,
    "lesson-practise-mid-scenario": _lesson_practise_midway,
    "lesson-check-after-submission": _lesson_check_submitted,
    "lesson-reflect": _goto("/lesson?lesson={lesson}&part=Reflect&learner={key}", "Your plan, as you wrote it"),
    "my-progress-with-data": _goto("/progress?learner={key}", "Show the data as a table"),
    "review-overview": _goto("/review?learner={key}", "Cards in your deck"),
    "review-card": _review_card,
    "action-plan": _goto("/plan?learner={key}", "Plans"),
    "my-data": _goto("/my_data?learner={key}", "This is your resume link"),
    "room-join-form": _goto("/room", "Room code"),
    "room-after-vote": _room_voted,
    "room-revealed": _room_revealed,
    "presenter-revealed": _presenter,
    "author-content-check": _goto("/author", "Scenario graphs"),
}


@pytest.fixture(scope="module")
def audit_server(tmp_path_factory) -> Iterator[tuple[str, Seeded]]:
    """The real app on the real course (author mode on, for the content check), with a month-old learner."""
    from tests.support.history import seed_month
    from tests.support.server import AppServer

    url = f"sqlite:///{tmp_path_factory.mktemp('a11y') / 'progress.db'}"
    store = Store.open(url)
    content = load_course(ROOT)
    learner_id, key = store.create_learner()
    history = seed_month(content, learner_id, end=utcnow(), lessons=min(8, len(content.lessons)))
    store.record(history.statements)
    store.add_journal(history.journal)
    lesson = content.lesson(LESSON)
    assert lesson is not None
    server = AppServer(env={"COURSE_DATABASE_URL": url, "COURSE_AUTHOR_MODE": "1"}).start()
    try:
        yield server.url, Seeded(key, store, lesson)
    finally:
        server.stop()
        store.close()


def _open_live_room(seeded: Seeded) -> None:
    """A fresh live room for this theme's pass, already voting on its first step."""
    state, token = rooms.open_room(seeded.store, seeded.lesson)
    for _ in range(5):  # past the lobby (and the lesson's opening, when the room shows one) to the first vote
        if state.phase == "voting":
            break
        after = rooms.advance(state, seeded.lesson)
        assert rooms.save_transition(seeded.store, state, after)
        state = after
    assert state.phase == "voting"
    seeded.room_code, seeded.room_host = state.code, token


@pytest.fixture(scope="module")
def audits(chromium, audit_server) -> dict[str, dict[str, Audit]]:
    """Every view audited once per theme: {theme: {view: Audit}}."""
    base, seeded = audit_server
    results: dict[str, dict[str, Audit]] = {}
    for scheme in THEMES:
        _open_live_room(seeded)
        context = chromium.new_context(color_scheme=scheme, viewport={"width": WIDTH, "height": 900})
        page = context.new_page()
        results[scheme] = {}
        for name, prepare in VIEWS.items():
            try:
                prepare(page, base, seeded)
                results[scheme][name] = run_axe(page)
            except Exception as error:  # one broken view must not hide the others' results
                results[scheme][name] = Audit(error=f"{type(error).__name__}: {str(error)[:600]}")
        context.close()
    return results


@pytest.mark.browser
@pytest.mark.parametrize("view", list(VIEWS))
@pytest.mark.parametrize("scheme", THEMES)
def test_page_has_no_accessibility_violation_beyond_streamlits_own(audits, scheme, view):
    """axe-core finds nothing on the page except the allow-listed violations in Streamlit's own markup."""
    audit = audits[scheme][view]
    assert audit.error is None, f"the {view} page could not be prepared: {audit.error}"
    assert not audit.unexpected, f"{len(audit.unexpected)} violation(s) on {view} ({scheme}):\n" + "\n".join(
        str(finding) for finding in audit.unexpected
    )


@pytest.mark.browser
@pytest.mark.parametrize("scheme", THEMES)
def test_each_theme_really_applies_on_every_page(audits, scheme):
    """The browser's colour scheme picks the theme: every page's background is that theme's, never the other's."""
    expected = css_rgb(theme(scheme)["backgroundColor"])
    other = css_rgb(theme("dark" if scheme == "light" else "light")["backgroundColor"])
    backgrounds = {view: audit.background for view, audit in audits[scheme].items() if audit.error is None}
    assert backgrounds, "no page was audited"
    assert all(colour == expected for colour in backgrounds.values()), backgrounds
    assert other not in backgrounds.values()


@pytest.mark.browser
@pytest.mark.parametrize("entry", ALLOWED, ids=lambda entry: entry.rule)
def test_every_allowed_violation_still_occurs(audits, entry):
    """An allow-list entry that no page triggers any more is removed, so the list never hides a new problem."""
    seen = [
        (scheme, view)
        for scheme, views in audits.items()
        for view, audit in views.items()
        for finding in audit.findings
        if finding.allowed == entry
    ]
    assert seen, f"{entry.rule} on {entry.selector} no longer occurs: remove it from ALLOWED and docs/accessibility.md"


# Streamlit's sectioned-navigation markup next to the same mistake in our own markup, and low-contrast text.
SYNTHETIC = """<!doctype html><html lang="en"><head><title>Synthetic</title></head><body>
<div data-testid="stApp" data-test-script-state="notRunning"><main>
<h1>Synthetic page</h1>
<nav aria-label="Streamlit's"><ul data-testid="stSidebarNavItems"><div><li><a href="#a">A</a></li></div></ul></nav>
<ul class="ours"><div><li>Ours</li></div></ul>
<p style="color: #aaaaaa">Too faint to read</p>
</main></div></body></html>"""


@pytest.mark.browser
def test_the_audit_flags_the_same_violation_outside_streamlits_markup(chromium):
    """The allow-list matches Streamlit's elements only: our own broken list and faint text are reported."""
    page = chromium.new_page()
    page.set_content(SYNTHETIC)
    audit = run_axe(page)
    page.close()
    allowed = {
        (finding.rule, finding.allowed is not None) for finding in audit.findings if "stSidebarNavItems" in finding.html
    }
    assert allowed == {("list", True)}
    unexpected = {finding.rule for finding in audit.unexpected}
    assert {"list", "listitem", "color-contrast"} <= unexpected


def test_the_allow_list_is_documented_with_its_cause():
    """Each allowed rule and selector appears in docs/accessibility.md, so the reason for it is on record."""
    doc = DOC.read_text(encoding="utf-8")
    for entry in ALLOWED:
        assert f"`{entry.rule}`" in doc
        assert f"`{entry.selector}`" in doc


# --- theme contrast (pure) ---------------------------------------------------------------------------------------


def test_contrast_maths_matches_known_wcag_values():
    """Black on white is 21:1, a colour on itself 1:1, and #767676 is the familiar just-passing grey."""
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#1d5c8f", "#1d5c8f") == pytest.approx(1.0)
    assert contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)
    assert over("#000000", "#ffffff", 0.6) == "#666666"


@pytest.mark.parametrize("scheme", THEMES)
def test_theme_text_colours_reach_4_5_to_1(scheme):
    """Body text, and captions (Streamlit draws them in the text colour at 60%), on both backgrounds."""
    colours = theme(scheme)
    text = colours["textColor"]
    for background in (colours["backgroundColor"], colours["secondaryBackgroundColor"]):
        assert contrast(text, background) >= 4.5, (text, background)
        caption = over(text, background, 0.6)
        assert contrast(caption, background) >= 4.5, (caption, background)


@pytest.mark.parametrize("scheme", THEMES)
def test_primary_colour_works_for_buttons_and_components(scheme):
    """White labels on primary buttons reach 4.5:1; the primary colour (borders, focus, fills) reaches 3:1 on both backgrounds."""
    colours = theme(scheme)
    primary = colours["primaryColor"]
    assert contrast("#ffffff", primary) >= 4.5
    for background in (colours["backgroundColor"], colours["secondaryBackgroundColor"]):
        assert contrast(primary, background) >= 3.0, (primary, background)


def test_both_themes_define_every_colour_we_check():
    """A theme without one of these colours would fall back to Streamlit's defaults, which are not checked."""
    for scheme in THEMES:
        colours = theme(scheme)
        for name in ("primaryColor", "backgroundColor", "secondaryBackgroundColor", "textColor"):
            assert re.fullmatch(r"#[0-9a-fA-F]{6}", colours.get(name, "")), (scheme, name)
