"""A facilitator runs a live room in real Chromium while three participants answer, one on a 375 px phone."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser_support import key, screenshot, wait_for_app
from tests.support.workshop import QUESTION, workshop_content

pytestmark = pytest.mark.browser
FOLLOW = 10_000  # participants poll every 2 s; allow a few polls on a busy machine
SETTING = "She smiles and says the second half surprised her."
PITCH = "She nods politely and looks at her phone."
ASK = "She lights up and tells you about her switch from teaching."
ADVICE = "She thanks you and the conversation stalls."
FIRST_STEP = "She is pouring a coffee and glances at you."
SECOND_STEP = "She mentions she is new to the field."


def click(page: Page, widget_key: str) -> None:
    key(page, widget_key).get_by_role("button").click()
    wait_for_app(page)


def vote(page: Page, choice_id: str) -> None:
    click(page, f"room_vote_{choice_id}")
    expect(key(page, f"room_vote_{choice_id}").get_by_role("button")).to_have_attribute(
        "data-testid", "stBaseButton-primary"
    )


def counts(page: Page, joined: int, voted: int | None = None) -> None:
    panel = key(page, "pv_counts")
    expect(panel).to_contain_text(re.compile(rf"Joined\s*{joined}(?!\d)"), timeout=FOLLOW)
    if voted is not None:
        expect(panel).to_contain_text(re.compile(rf"Voted\s*{voted}(?!\d)"), timeout=FOLLOW)


def no_results_shown(page: Page) -> None:
    """Must not happen: a participant sees the distribution, a consequence or the expert's mark before the reveal."""
    expect(page.locator("[data-testid=stPlotlyChart]")).to_have_count(0)
    for text in (SETTING, PITCH, ASK, ADVICE, "Expert's choice"):
        expect(page.get_by_text(text)).to_have_count(0)


def test_facilitator_runs_a_live_room_with_three_phones(chromium, live_app, tmp_path: Path):
    """Open a room, three join (code and link), vote, reveal, follow the room's path, answer, approve, end, export."""
    server = live_app(content_root=workshop_content(tmp_path / "content"))
    facilitator = chromium.new_context(viewport={"width": 1280, "height": 720}, accept_downloads=True)
    host = facilitator.new_page()
    host.goto(f"{server.url}/presenter?lesson=small-talk")
    wait_for_app(host)
    # The presenter view has no sidebar.
    expect(host.locator("[data-testid=stSidebar]")).to_be_hidden()
    click(host, "pv_open_room")
    expect(key(host, "pv_code")).to_be_visible()
    code = key(host, "pv_code").inner_text().replace(" ", "").strip()
    assert re.fullmatch(r"[A-HJKMNP-Z2-9]{6}", code), code
    expect(host.locator("[data-testid=stImage] img")).to_be_visible()  # the QR code
    assert "host=" in host.url
    screenshot(host, "workshop-presenter-lobby")

    phones: list[Page] = []
    for index, viewport in enumerate(
        ({"width": 375, "height": 740}, {"width": 800, "height": 900}, {"width": 414, "height": 800})
    ):
        context = chromium.new_context(viewport=viewport, is_mobile=index == 0, has_touch=index == 0)
        phone = context.new_page()
        if index < 2:  # by typed code, in lower case with a space
            phone.goto(f"{server.url}/room")
            wait_for_app(phone)
            key(phone, "room_code_input").locator("input").fill(f"{code[:3].lower()} {code[3:].lower()}")
            click(phone, "room_join")
        else:  # by the join link the QR code holds
            phone.goto(f"{server.url}/?room={code}")
            wait_for_app(phone)
        expect(phone.get_by_text("You're in")).to_be_visible()
        assert re.search(r"[?&]p=[0-9a-f-]{36}", phone.url), phone.url
        phones.append(phone)
    mobile = phones[0]
    counts(host, joined=3)

    # The situation, then the key points, on the shared screen and on every phone.
    click(host, "pv_next")
    expect(host.get_by_text(re.compile("^Think first: What usually stops you"))).to_be_visible()
    for phone in phones:
        expect(phone.get_by_text(re.compile("^Think first: What usually stops you"))).to_be_visible(timeout=FOLLOW)
    click(host, "pv_next")
    expect(host.get_by_text("Ask one open question and let the answer lead.")).to_be_visible()
    expect(mobile.get_by_text("Ask one open question and let the answer lead.")).to_be_visible(timeout=FOLLOW)
    screenshot(mobile, "workshop-participant-key-points-375")

    # Step 1: everyone votes; one changes their mind. Nothing of the result shows before the reveal.
    click(host, "pv_next")
    expect(host.get_by_text(FIRST_STEP)).to_be_visible()
    for phone in phones:
        expect(key(phone, "room_vote_setting")).to_be_visible(timeout=FOLLOW)
    vote(mobile, "pitch")
    vote(mobile, "setting")
    vote(phones[1], "setting")
    vote(phones[2], "pitch")
    expect(mobile.get_by_text("Your vote: A.")).to_be_visible()
    counts(host, joined=3, voted=3)
    for phone in phones:
        no_results_shown(phone)
    expect(host.locator("[data-testid=stPlotlyChart]")).to_have_count(0)
    screenshot(mobile, "workshop-participant-voting-375")
    screenshot(host, "workshop-presenter-voting")

    click(host, "pv_reveal_all")
    summary = "3 votes: A 2 (67%), B 1 (33%). Expert's choice (★): A."
    expect(host.get_by_text(summary)).to_be_visible()
    expect(host.locator("[data-testid=stPlotlyChart]")).to_have_count(1)
    expect(host.get_by_text(PITCH)).to_be_visible()
    for phone in phones:
        expect(phone.get_by_text(summary)).to_be_visible(timeout=FOLLOW)
        expect(phone.locator("[data-testid=stPlotlyChart]")).to_have_count(1)
        expect(phone.get_by_text(SETTING)).to_be_visible()
        expect(phone.get_by_text("Expert's choice").first).to_be_visible()
        # Must not happen: voting stays open after the reveal.
        expect(key(phone, "room_vote_setting")).to_have_count(0)
    screenshot(host, "workshop-presenter-revealed")
    screenshot(mobile, "workshop-participant-revealed-375")

    # Next follows the room's choice (A, two votes to one) to the second step; reveal one at a time, by keyboard.
    click(host, "pv_next")
    expect(host.get_by_text(SECOND_STEP)).to_be_visible()
    for phone in phones:
        expect(key(phone, "room_vote_ask")).to_be_visible(timeout=FOLLOW)
    vote(mobile, "ask")
    vote(phones[1], "advice")
    vote(phones[2], "ask")
    counts(host, joined=3, voted=3)
    host.locator("body").press("v")
    wait_for_app(host)
    expect(host.get_by_text(ASK)).to_be_visible()
    expect(mobile.get_by_text(ASK)).to_be_visible(timeout=FOLLOW)
    # Must not happen: the second consequence before the facilitator reveals it.
    expect(host.get_by_text(ADVICE)).to_have_count(0)
    expect(mobile.get_by_text(ADVICE)).to_have_count(0)

    click(host, "pv_next")
    expect(host.get_by_text("Ending: A real conversation")).to_be_visible()
    expect(host.get_by_text("100/100")).to_be_visible()
    expect(mobile.get_by_text("Ending: A real conversation")).to_be_visible(timeout=FOLLOW)

    # The open question: answers reach the room only once the facilitator approves them.
    click(host, "pv_next")
    expect(host.get_by_text(QUESTION)).to_be_visible()
    answers = {0: "Ask what they thought of the talk", 1: "<b>this one stays hidden</b>"}
    for index, text in answers.items():
        phone = phones[index]
        field = key(phone, "room_answer_first-line").locator("input")
        expect(field).to_be_visible(timeout=FOLLOW)
        field.fill(text)
        click(phone, "room_answer_send_first-line")
        expect(phone.get_by_text(text, exact=True)).to_be_visible()
    expect(key(host, "pv_counts")).to_contain_text(re.compile(r"Waiting for approval\s*2"), timeout=FOLLOW)
    expect(host.get_by_text(answers[0], exact=True)).to_have_count(0)
    key(host, "pv_show_pending").get_by_text(re.compile("Show answers waiting")).click()
    wait_for_app(host)
    host.locator("[class*='st-key-pv_pending_']").filter(has_text=answers[0]).get_by_role(
        "button", name="Approve"
    ).click()
    wait_for_app(host)
    for phone in phones:
        expect(phone.get_by_text("Shared with the room", exact=True)).to_be_visible(timeout=FOLLOW)
        expect(phone.get_by_text(answers[0], exact=True).first).to_be_visible()
    # Must not happen: the unapproved answer on anyone else's phone.
    expect(phones[2].get_by_text(answers[1])).to_have_count(0)
    expect(mobile.get_by_text(answers[1])).to_have_count(0)
    screenshot(host, "workshop-presenter-open-question")

    # Timer: off by default, silent countdown when switched on.
    expect(key(host, "pv_timer")).to_have_count(0)
    key(host, "pv_timer_on").get_by_text("Timer").click()
    wait_for_app(host)
    click(host, "pv_timer_start")
    expect(key(host, "pv_timer")).to_have_text(re.compile(r"^[12]:\d\d$"))

    click(host, "pv_next")
    expect(host.get_by_text("Thank you")).to_be_visible()
    for phone in phones:
        expect(phone.get_by_text("This session has ended.")).to_be_visible(timeout=FOLLOW)

    with host.expect_download() as download_info:
        key(host, "pv_csv").get_by_role("button").click()
    results = Path(download_info.value.path()).read_text(encoding="utf-8")
    assert "vote,coffee-urn,open,1,setting," in results
    assert ",5,yes,2,yes" in results  # the best choice: two votes, and the room's path
    assert answers[0] in results
    assert answers[1] not in results
    assert not re.search(r"[0-9a-f]{8}-[0-9a-f]{4}-4", results)  # no participant ids


@pytest.mark.postgres
def test_a_room_spans_two_app_processes_sharing_postgresql(chromium, live_app, pg_url, tmp_path: Path):
    """The facilitator on process A and a participant on process B share one room through PostgreSQL."""
    content = workshop_content(tmp_path / "content")
    server_a = live_app(content_root=content, database_url=pg_url)
    server_b = live_app(content_root=content, database_url=pg_url)
    host = chromium.new_page(viewport={"width": 1280, "height": 720})
    host.goto(f"{server_a.url}/presenter?lesson=small-talk")
    wait_for_app(host)
    click(host, "pv_open_room")
    code = key(host, "pv_code").inner_text().replace(" ", "").strip()

    phone = chromium.new_page(viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True)
    phone.goto(f"{server_b.url}/?room={code}")
    wait_for_app(phone)
    expect(phone.get_by_text("You're in")).to_be_visible()
    counts(host, joined=1)
    for _ in range(3):  # start, the situation, the key points
        click(host, "pv_next")
    expect(key(phone, "room_vote_pitch")).to_be_visible(timeout=FOLLOW)
    vote(phone, "pitch")
    counts(host, joined=1, voted=1)
    no_results_shown(phone)
    click(host, "pv_reveal_all")
    expect(phone.get_by_text("1 vote: A 0 (0%), B 1 (100%). Expert's choice (★): A.")).to_be_visible(timeout=FOLLOW)
    expect(phone.get_by_text(PITCH)).to_be_visible()
