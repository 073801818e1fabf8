"""Following up in the browser: the list with time left, drafts, done, snooze, badge, push."""

import json
import re
from datetime import UTC, datetime, timedelta

from playwright.sync_api import BrowserContext, Page, expect

from .conftest import Authenticator
from .flows import capture, go, open_contact, sign_up, start_event, wait_until_controlled

# Record what the app puts on its icon badge (headless Chromium has no icon to show it on).
BADGE_SPY = """
window.__badge = null;
navigator.setAppBadge = async (n) => { window.__badge = n; };
navigator.clearAppBadge = async () => { window.__badge = 0; };
"""


def due_item(page: Page, name: str):  # type: ignore[no-untyped-def]
    return page.get_by_role("listitem", name=name)


def test_follow_up_list_draft_done_and_badge(page: Page, authenticator: Authenticator) -> None:
    page.add_init_script(BADGE_SPY)
    sign_up(page, "Maya Angelou")
    start_event(page, "PyCon Lyon")
    capture(
        page,
        "Ada Lovelace",
        Email="ada@example.org",
        Notes="Compilers for looms. Also poetry",
        I_can_offer="an intro to Babbage",
    )
    capture(page, "Grace Hopper", Phone="+1 555 0100")

    go(page, "Follow up")
    expect(page.get_by_role("heading", name="PyCon Lyon")).to_be_visible()
    for name in ("Ada Lovelace", "Grace Hopper"):
        expect(due_item(page, name)).to_contain_text("24 h left")
    expect(page.get_by_text("2 people to thank")).to_be_visible()
    expect(page.locator("#tab-badge")).to_have_text("2")
    assert page.evaluate("() => window.__badge") == 2  # set with the tab's badge

    # The thank-you draft is built from what was noted.
    due_item(page, "Ada Lovelace").get_by_role("button", name="Send thank-you").click()
    draft = page.get_by_role("dialog", name="Thank-you to Ada Lovelace")
    message = draft.get_by_label("Message")
    expect(message).to_have_value(re.compile(r"^Hi Ada,"))
    text = message.input_value()
    assert "Great to meet you at PyCon Lyon!" in text
    assert "I enjoyed talking about Compilers for looms." in text
    assert "I'd be glad to help with an intro to Babbage." in text
    assert "looking for" not in text  # nothing noted: the line is left out
    assert text.rstrip().endswith("Maya Angelou")
    email = draft.get_by_role("link", name="Email")
    expect(email).to_have_attribute(
        "href", re.compile(r"^mailto:ada%40example\.org\?subject=.*&body=Hi%20Ada")
    )
    expect(draft.get_by_role("link", name="Text message")).to_have_attribute("aria-disabled", "true")
    draft.get_by_role("button", name="Copy for LinkedIn").click()
    expect(draft.get_by_text("Did you send your thank-you to Ada Lovelace?")).to_be_visible()
    draft.get_by_role("button", name="Yes, mark done").click()

    expect(due_item(page, "Ada Lovelace")).to_have_count(0)
    expect(due_item(page, "Grace Hopper")).to_be_visible()
    page.wait_for_function("() => window.__badge === 1")  # evaluated by CDP, allowed by the CSP

    # Mark done with undo, then everything is done.
    due_item(page, "Grace Hopper").get_by_role("button", name="Mark done").click()
    expect(page.get_by_text("All caught up")).to_be_visible()
    page.get_by_role("button", name="Undo").click()
    expect(due_item(page, "Grace Hopper")).to_be_visible()
    due_item(page, "Grace Hopper").get_by_role("button", name="Mark done").click()
    expect(page.get_by_text("All caught up")).to_be_visible()
    expect(page.locator("#tab-badge")).to_be_hidden()

    # The interaction was logged on the contact.
    open_contact(page, "Ada Lovelace")
    expect(page.get_by_role("list", name="Interactions")).to_contain_text("Sent a thank-you")


def test_snooze_moves_the_deadline(page: Page, authenticator: Authenticator) -> None:
    sign_up(page, "Snoozer")
    capture(page, "Later Person")
    go(page, "Follow up")
    due_item(page, "Later Person").get_by_role("button", name="Snooze").click()
    page.get_by_role("dialog", name="Snooze until…").get_by_role("button", name="In 3 days").click()
    expect(due_item(page, "Later Person")).to_contain_text("3 d left")
    expect(page.get_by_role("heading", name="Not at an event")).to_be_visible()


def test_nudges_are_offered_after_the_first_capture_not_on_load(
    page: Page, authenticator: Authenticator
) -> None:
    sign_up(page, "Newcomer")
    offer = page.get_by_role("region", name="Get a nudge when it's time to follow up?")
    expect(offer).to_be_hidden()
    capture(page, "First Person")
    expect(offer).to_be_visible()
    offer.get_by_role("button", name="Not now").click()
    expect(offer).to_be_hidden()
    capture(page, "Second Person")
    expect(offer).to_be_hidden()


def test_a_push_delivered_to_the_worker_shows_a_notification(
    page: Page, context: BrowserContext, authenticator: Authenticator, server
) -> None:  # type: ignore[no-untyped-def]
    context.grant_permissions(["notifications"], origin=server.url)
    sign_up(page, "Pushed Person")
    wait_until_controlled(page)
    cdp = context.new_cdp_session(page)
    registrations: list[dict] = []
    cdp.on("ServiceWorker.workerRegistrationUpdated", lambda e: registrations.extend(e["registrations"]))
    cdp.send("ServiceWorker.enable")  # Chromium reports existing registrations as it enables
    for _ in range(50):
        live = [r for r in registrations if r["scopeURL"].startswith(server.url) and not r["isDeleted"]]
        if live:
            break
        page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")  # a round trip, not a sleep
    registration = live[0]
    payload = json.dumps(
        {
            "title": "Time to follow up",
            "body": "2 people from PyCon are waiting for your thank-you.",
            "url": "/follow-up",
            "badge": 2,
        }
    )
    cdp.send(
        "ServiceWorker.deliverPushMessage",
        {
            "origin": server.url,
            "registrationId": registration["registrationId"],
            "data": payload,
        },
    )
    notifications = page.evaluate("""() => navigator.serviceWorker.ready
        .then((r) => new Promise((resolve) => {
          const poll = () => r.getNotifications().then((n) => n.length ? resolve(n) : setTimeout(poll, 50));
          poll();
        }))
        .then((n) => n.map((x) => ({ title: x.title, body: x.body, url: x.data.url })))""")
    assert notifications == [
        {
            "title": "Time to follow up",
            "body": "2 people from PyCon are waiting for your thank-you.",
            "url": "/follow-up",
        }
    ]


def test_keep_in_touch_cadence_brings_a_contact_back(page: Page, authenticator: Authenticator) -> None:
    sign_up(page, "Keeper")
    capture(page, "Old Friend")
    go(page, "Follow up")
    due_item(page, "Old Friend").get_by_role("button", name="Mark done").click()
    open_contact(page, "Old Friend")
    page.get_by_label("Remind me to reconnect").select_option(label="Every month")
    expect(page.get_by_text(re.compile(r"^Next: "))).to_be_visible()
    page.get_by_label("Kind").select_option(label="Coffee")
    page.get_by_label("What happened").fill("Talked about her new job")
    page.get_by_role("button", name="Log interaction").click()
    expect(page.get_by_role("list", name="Interactions")).to_contain_text("Talked about her new job")

    go(page, "Follow up")
    expect(page.get_by_role("heading", name="Reconnect")).to_be_hidden()
    page.clock.set_fixed_time(datetime.now(UTC) + timedelta(days=40))
    page.reload()
    go(page, "Follow up")
    reconnect = page.get_by_role("list", name="Reconnect")
    expect(reconnect.get_by_role("link")).to_contain_text("Old Friend")
