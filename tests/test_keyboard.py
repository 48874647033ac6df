"""A learner takes a whole lesson with the keyboard alone, in real Chromium.

Only keys: Tab and Shift+Tab to move, Space and Enter to press, arrow keys inside radio groups and the
lesson's parts, and typing for the reflection. Every stop the learner operates must show where focus is,
and Tab must always move on (no keyboard trap).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser_support import screenshot, wait_for_app
from tests.conftest import VALID_CONTENT

pytestmark = pytest.mark.browser
LESSON = "small-talk"
SCN = f"scn_{LESSON}_coffee-urn"
MAX_TABS = 60

# Remember what is focused, so the next Tab can prove focus moved.
MARK = "() => { window.__focused = document.activeElement; }"
MOVED = "() => document.activeElement !== window.__focused"
MATCHES = "(selector) => document.activeElement.matches(selector)"
# How the focused element shows focus: an outline or a box-shadow on it; a visually hidden radio or checkbox
# shows it on its label, and a text field on its frame.
FOCUS_INDICATOR = """() => {
  const element = document.activeElement;
  if (!element || element === document.body) return null;
  const ring = (el) => {
    const style = getComputedStyle(el);
    if (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0) return `outline ${style.outlineWidth} ${style.outlineColor}`;
    if (style.boxShadow && style.boxShadow !== 'none') return `box-shadow ${style.boxShadow}`;
    return null;
  };
  const label = element.closest('label');
  if (element.getBoundingClientRect().width <= 1 && label) return ring(label);
  const frame = element.closest('[data-testid=stTextAreaRootElement], [data-testid=stTextInputRootElement]');
  return ring(element) || (frame && ring(frame));
}"""
MOUSE_WATCH = """() => {
  window.__mouse = 0;
  for (const type of ['mousedown', 'mouseup', 'pointerdown']) {
    window.addEventListener(type, (event) => { if (event.isTrusted) window.__mouse += 1; }, true);
  }
}"""
# The quiz's widgets in page order: each item's widget key and, for radio items, its option labels.
QUIZ_WIDGETS = f"""() => [...document.querySelectorAll('[class*="st-key-quiz_{LESSON}_"]')]
  .filter((el) => el.querySelector('input'))
  .map((el) => ({{
    key: [...el.classList].find((name) => name.startsWith('st-key-')),
    radio: !!el.querySelector('input[type=radio]'),
    options: [...el.querySelectorAll('label:has(input[type=radio])')].map((label) => label.innerText.trim()),
  }}))"""


def tab_to(page: Page, selector: str, *, backwards: bool = False) -> None:
    """Press Tab (or Shift+Tab) until the focused element matches `selector`; every press must move focus."""
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(MAX_TABS):
        page.evaluate(MARK)
        page.keyboard.press(key)
        assert page.evaluate(MOVED), f"{key} did not move focus: a keyboard trap at {describe(page)}"
        if page.evaluate(MATCHES, selector):
            return
    raise AssertionError(f"{MAX_TABS} presses of {key} never reached {selector}")


def describe(page: Page) -> str:
    return page.evaluate("() => document.activeElement.outerHTML.slice(0, 160)")


def assert_focus_visible(page: Page) -> None:
    indicator = page.evaluate(FOCUS_INDICATOR)
    assert indicator, f"the focused element shows no focus indicator: {describe(page)}"


def press(page: Page, key: str, *, rerun: bool = True) -> None:
    page.keyboard.press(key)
    if rerun:
        wait_for_app(page)


def choose_radio(page: Page, group: str, index: int) -> None:
    """Tab into a radio group, select its first option with Space, then move down with the arrow keys."""
    tab_to(page, f"{group} input[type=radio]")
    assert_focus_visible(page)
    page.keyboard.press("Space")
    for _ in range(index):
        page.keyboard.press("ArrowDown")
    checked = page.evaluate(
        "(group) => [...document.querySelectorAll(group + ' input[type=radio]')].findIndex((input) => input.checked)",
        group,
    )
    assert checked == index, f"{group}: option {checked} is selected, not {index}"


def go_to_part(page: Page, steps: int, label: str, ready: str) -> None:
    """The lesson's parts: the right arrow key moves between them, Enter opens the one in focus."""
    tab_to(page, ".st-key-part button[role=radio]")
    for _ in range(steps):
        page.keyboard.press("ArrowRight")
    assert_focus_visible(page)
    expect(page.locator(".st-key-part button[role=radio]:focus")).to_have_text(label)
    press(page, "Enter")
    expect(page.locator(".st-key-part button[aria-checked=true]")).to_have_text(label)
    expect(page.locator(ready)).to_be_visible()  # the part's content has arrived
    wait_for_app(page)


def test_a_whole_lesson_can_be_taken_with_the_keyboard_alone(chromium, live_app):
    """Self-assessment, a scenario to its ending, the knowledge check and the reflection, with no mouse at all."""
    server = live_app(content_root=VALID_CONTENT)
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{server.url}/lesson?lesson={LESSON}")
    wait_for_app(page)
    page.evaluate(MOUSE_WATCH)

    # 1. Rate yourself: Often, Often, and Rarely for the reverse-worded item, so every item scores 4 of 5.
    for item, index in (("open-setting", 3), ("ask-open", 3), ("pitch-early", 1)):
        choose_radio(page, f".st-key-sa_{LESSON}_{item}", index)
    tab_to(page, f".st-key-sa_{LESSON}_submit button")
    assert_focus_visible(page)
    press(page, "Enter")
    expect(page.get_by_text("Self-perceived score: 75/100", exact=False)).to_be_visible()

    # 2. Practise: the scenario to its ending, choosing with Space and confirming with Enter, then Space.
    go_to_part(page, 2, "Practise", f".st-key-{SCN}_open_choice")
    choose_radio(page, f".st-key-{SCN}_open_choice", 0)
    expect(page.locator(f".st-key-{SCN}_open_submit button")).to_be_enabled()  # choosing reran the page
    tab_to(page, f".st-key-{SCN}_open_submit button")
    assert_focus_visible(page)
    press(page, "Enter")
    expect(page.get_by_text("She smiles and says the second half surprised her.")).to_be_visible()
    choose_radio(page, f".st-key-{SCN}_follow_choice", 0)
    expect(page.locator(f".st-key-{SCN}_follow_submit button")).to_be_enabled()
    tab_to(page, f".st-key-{SCN}_follow_submit button")
    assert_focus_visible(page)
    press(page, "Space")
    expect(page.get_by_text("Ending: A real conversation")).to_be_visible()
    expect(page.get_by_text("100/100")).to_be_visible()
    # Must not happen: a choice still offered after the ending.
    expect(page.locator(f".st-key-{SCN}_follow_choice")).to_have_count(0)

    # 3. Check: read which option is right from the labels, then answer with Space and the arrow keys.
    go_to_part(page, 1, "Check", f".st-key-quiz_{LESSON}_submit")
    right_answers = {
        "best-opener": '"How are you finding the sessions so far?"',
        "pitch-first": "False",
        "signs": ("a", "b"),
    }
    quiz = page.locator(f'[class*="st-key-quiz_{LESSON}_"]')
    expect(quiz.locator("[role=radiogroup]")).to_have_count(2)  # all three items have arrived
    expect(quiz.locator("input[type=checkbox]")).to_have_count(3)
    for widget in page.evaluate(QUIZ_WIDGETS):
        item = next(
            name for name in right_answers if widget["key"].endswith(f"_{name}") or f"_{name}_" in widget["key"]
        )
        if widget["radio"]:
            choose_radio(page, f".{widget['key']}", widget["options"].index(right_answers[item]))
        elif widget["key"].rsplit("_", 1)[1] in right_answers[item]:
            tab_to(page, f".{widget['key']} input[type=checkbox]")
            assert_focus_visible(page)
            page.keyboard.press("Space")
            expect(page.locator(f".{widget['key']} input[type=checkbox]")).to_be_checked()
    tab_to(page, f".st-key-quiz_{LESSON}_submit button")
    assert_focus_visible(page)
    press(page, "Enter")
    expect(page.get_by_text("You scored 100%", exact=False)).to_be_visible()
    expect(page.get_by_text("Lesson mastered", exact=False)).to_be_visible()

    # 4. Reflect: type into each field; Tab leaves a text area (no trap) and Shift+Tab comes back.
    go_to_part(page, 1, "Reflect", f".st-key-reflect_{LESSON}_submit")
    answers = [
        "Everyone was already in groups.",
        "Awkward, then relieved.",
        "Open with the talk.",
        "I see someone standing alone at the coffee",
        "ask what they thought of the talk",
    ]
    tab_to(page, f".st-key-reflect_{LESSON}_0 textarea")
    for number, text in enumerate(answers):
        assert_focus_visible(page)
        page.keyboard.type(text)
        if number < len(answers) - 1:
            page.evaluate(MARK)
            page.keyboard.press("Tab")
            assert page.evaluate(MOVED), "Tab stayed inside a text field: a keyboard trap"
    expect(page.locator(f".st-key-plan_{LESSON}_action input")).to_be_focused()
    page.keyboard.press("Shift+Tab")
    expect(page.locator(f".st-key-plan_{LESSON}_cue input")).to_be_focused()
    tab_to(page, f".st-key-reflect_{LESSON}_submit button")
    assert_focus_visible(page)
    press(page, "Enter")
    expect(page.get_by_text("Saved. Read your plan back once", exact=False)).to_be_visible()
    expect(page.get_by_text(f"If {answers[3]}, then I will {answers[4]}")).to_be_visible()
    screenshot(page, "keyboard-lesson-reflect-saved")

    # Must not happen: any mouse or pointer event on the way.
    assert page.evaluate("() => window.__mouse") == 0
