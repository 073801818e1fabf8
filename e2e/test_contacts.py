"""Contacts as a person uses them: search, edit, tags, delete with undo, events, sign-out."""

import json
import re
from pathlib import Path

from playwright.sync_api import Page, Playwright, expect

from .conftest import CHROMIUM, CHROMIUM_ARGS, Authenticator, start_server
from .flows import (
    capture,
    contact_rows,
    go,
    open_contact,
    open_me,
    second_device,
    sign_up,
    start_event,
    sync_status,
    wait_until_controlled,
)


def test_rapid_capture_without_leaving_the_screen(page: Page, authenticator: Authenticator) -> None:
    sign_up(page, "Rapid Capturer")
    name = page.get_by_label("Name", exact=True)
    expect(name).to_be_focused()
    for person in ("One", "Two", "Three", "Four", "Five"):
        name.fill(person)
        name.press("Enter")  # the keyboard's Go key submits
        expect(page.get_by_text(f"Saved {person}")).to_be_visible()
        expect(name).to_be_focused()
    go(page, "Contacts")
    expect(contact_rows(page)).to_have_count(5)
    expect(page.get_by_text("5 people")).to_be_visible()


def test_name_is_required_and_keyboards_fit_the_fields(page: Page, authenticator: Authenticator) -> None:
    sign_up(page, "Careful Capturer")
    page.get_by_role("button", name="Save contact").click()
    expect(page.get_by_role("alert")).to_contain_text("Add a name")
    expect(page.get_by_label("Email")).to_have_attribute("inputmode", "email")
    expect(page.get_by_label("Phone")).to_have_attribute("inputmode", "tel")
    expect(page.get_by_label("Name", exact=True)).to_have_attribute("autocapitalize", "words")
    page.get_by_label("Name", exact=True).fill("Half Done")
    page.get_by_label("Email").fill("half@")
    page.get_by_role("button", name="Save contact").click()
    expect(page.get_by_role("alert")).to_contain_text("email address looks incomplete")


def test_search_matches_any_field_instantly(page: Page, authenticator: Authenticator) -> None:
    sign_up(page, "Searcher")
    capture(page, "Ada Lovelace", Company="Analytical Engines", Notes="loves poetry")
    capture(page, "Grace Hopper", They_need="a compiler reviewer")
    capture(page, "Alan Turing", Email="alan@bletchley.example")
    go(page, "Contacts")
    search = page.get_by_label("Search contacts")
    for query, expected in [
        ("poetry", ["Ada Lovelace"]),
        ("COMPILER", ["Grace Hopper"]),
        ("bletchley", ["Alan Turing"]),
        ("a", None),
    ]:
        search.fill(query)
        if expected is None:
            expect(contact_rows(page)).to_have_count(3)
        else:
            expect(contact_rows(page)).to_have_count(len(expected))
            expect(contact_rows(page).first).to_contain_text(expected[0])
    search.fill("nobody-like-this")
    expect(contact_rows(page)).to_have_count(0)
    expect(page.get_by_text("No one matches “nobody-like-this”")).to_be_visible()


def test_edit_every_field_with_tags_then_delete_and_undo(page: Page, authenticator: Authenticator) -> None:
    sign_up(page, "Editor")
    capture(page, "Ada Lovelace")
    open_contact(page, "Ada Lovelace")
    values = {
        "Title": "Countess",
        "Company": "Engines",
        "Email": "ada@example.org",
        "Phone": "+44 20 7946 0000",
        "Where we met": "Royal Society",
        "Notes": "Poetical science",
        "They need": "funding",
        "I can offer": "introductions",
        "Tags": "math, design, Math",
    }
    for label, value in values.items():
        page.get_by_label(label, exact=True).fill(value)
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("status").filter(has_text="Saved")).to_be_visible()
    page.reload()
    for label, value in values.items():
        expected = "math, design" if label == "Tags" else value
        expect(page.get_by_label(label, exact=True)).to_have_value(expected)

    page.get_by_role("button", name="Delete contact").click()
    expect(contact_rows(page)).to_have_count(0)
    page.get_by_role("button", name="Undo").click()
    expect(contact_rows(page)).to_have_count(1)
    open_contact(page, "Ada Lovelace")
    expect(page.get_by_label("Notes")).to_have_value("Poetical science")
    expect(sync_status(page)).to_have_text("Synced")


def test_event_tags_captures_until_ended(page: Page, authenticator: Authenticator) -> None:
    sign_up(page, "Event Goer")
    start_event(page, "DjangoCon", place="Porto")
    capture(page, "Met At Django")
    expect(page.get_by_text("Saved Met At Django · 1 met at DjangoCon")).to_be_visible()
    page.get_by_role("button", name="End event").click()
    expect(page.get_by_role("button", name="I'm at an event…")).to_be_visible()
    expect(page.get_by_label("Where we met")).to_have_value("")
    capture(page, "Met Elsewhere")
    go(page, "Events")
    page.get_by_role("list", name="Events").get_by_role("link").filter(has_text="DjangoCon").click()
    people = page.get_by_role("list", name="People met").get_by_role("listitem")
    expect(people).to_have_count(1)
    expect(people.first).to_contain_text("Met At Django")


def test_sign_out_warns_about_unsynced_changes_and_removes_local_data(
    page: Page,
    authenticator: Authenticator,
) -> None:
    sign_up(page, "Shared Phone")
    wait_until_controlled(page)
    page.context.set_offline(True)
    capture(page, "Unsynced Person")
    open_me(page)
    page.get_by_role("button", name="Sign out", exact=True).click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("1 change has not reached the server yet")
    dialog.get_by_role("button", name="Cancel").click()
    page.context.set_offline(False)
    expect(sync_status(page)).to_have_text("Synced")
    held = authenticator.credentials()
    authenticator.clear()
    page.get_by_role("button", name="Sign out", exact=True).click()
    expect(page.get_by_role("button", name="Create account")).to_be_visible()
    databases = page.evaluate("() => indexedDB.databases().then((dbs) => dbs.map((d) => d.name))")
    assert not [name for name in databases if name.startswith("cultivate-")]
    # Signing back in brings the synced contact back from the server.
    authenticator.add(held[0])
    page.reload()
    go(page, "Contacts")
    expect(contact_rows(page)).to_have_count(1)


def test_captures_survive_a_browser_restart_with_the_server_down(
    playwright: Playwright,
    phone: dict,
    tmp_path: Path,
) -> None:
    server = start_server(tmp_path / "server")
    profile = tmp_path / "profile"
    launch = {"executable_path": CHROMIUM, "args": CHROMIUM_ARGS} if CHROMIUM else {"args": CHROMIUM_ARGS}
    try:
        context = playwright.chromium.launch_persistent_context(
            profile, **launch, **phone, base_url=server.url
        )
        page = context.pages[0] if context.pages else context.new_page()
        Authenticator(context, page)
        sign_up(page, "Restarted Phone")
        wait_until_controlled(page)
        context.set_offline(True)
        capture(page, "Kept Safe")
        context.close()
        server.stop()

        context = playwright.chromium.launch_persistent_context(
            profile, **launch, **phone, base_url=server.url
        )
        page = context.pages[0] if context.pages else context.new_page()
        page.goto("/contacts")
        expect(contact_rows(page)).to_have_count(1)
        expect(contact_rows(page).first).to_contain_text("Kept Safe")
        expect(sync_status(page)).to_have_text(re.compile(r"1 waiting"))

        server.start()  # back tomorrow: the capture syncs
        page.reload()
        expect(sync_status(page)).to_have_text("Synced")
        context.close()
    finally:
        server.stop()


def test_server_error_keeps_the_outbox_and_retries(page: Page, authenticator: Authenticator) -> None:
    sign_up(page, "Patient Person")
    page.route(
        "**/api/sync/push",
        lambda route: route.fulfill(
            status=500,
            content_type="application/json",
            body='{"code": 500, "name": "Internal Server Error", "description": "boom"}',
        ),
    )
    capture(page, "Survivor")
    expect(sync_status(page)).to_contain_text("Server trouble")
    expect(sync_status(page)).to_contain_text("1 waiting")
    page.unroute("**/api/sync/push")
    expect(sync_status(page)).to_have_text("Synced", timeout=15_000)
    go(page, "Contacts")
    expect(contact_rows(page)).to_have_count(1)


def test_a_missing_contact_says_so(page: Page, authenticator: Authenticator) -> None:
    sign_up(page, "Lost Link")
    page.goto("/contacts/00000000-0000-4000-8000-000000000000")
    expect(page.get_by_role("heading", name="Contact not found")).to_be_visible()


def overlong_names(route) -> None:  # type: ignore[no-untyped-def]
    """Stand in for a client bug: every pushed change carries a name far over the server's limit."""
    body = json.loads(route.request.post_data or "{}")
    for mutation in body["mutations"]:
        mutation["args"]["fields"]["name"] = "x" * 300
    route.continue_(post_data=json.dumps(body))


def test_a_refused_change_is_shown_not_dropped(page: Page, authenticator: Authenticator) -> None:
    sign_up(page, "Refused Person")
    page.route("**/api/sync/push", overlong_names)
    capture(page, "Too Long")
    expect(sync_status(page)).to_have_text("Synced · 1 not saved")
    page.unroute("**/api/sync/push")
    go(page, "Contacts")
    problems = page.get_by_role("region", name="Changes the server refused")
    expect(problems).to_contain_text("at most 200 characters")
    expect(contact_rows(page)).to_have_count(0)  # the screen shows what the server kept
    problems.get_by_role("button", name="Dismiss").click()
    expect(problems).to_be_hidden()
    expect(sync_status(page)).to_have_text("Synced")


def test_a_refused_edit_of_a_synced_contact_shows_the_servers_copy(
    page: Page,
    authenticator: Authenticator,
    browser,
    phone: dict,
    server,  # type: ignore[no-untyped-def]
) -> None:
    sign_up(page, "Two Phones")
    capture(page, "Grace Hopper", company="Navy")
    expect(sync_status(page)).to_have_text("Synced")
    # The other phone holds Grace as pulled: no change of its own pending when the edit starts.
    other = second_device(browser, phone, server.url, authenticator.credentials()[0], "/contacts")
    expect(contact_rows(other)).to_have_count(1)
    other.route("**/api/sync/push", overlong_names)
    open_contact(other, "Grace Hopper")
    other.get_by_label("Company", exact=True).fill("Harvard")
    other.get_by_role("button", name="Save changes").click()
    expect(sync_status(other)).to_have_text("Synced · 1 not saved")
    go(other, "Contacts")
    expect(other.get_by_role("region", name="Changes the server refused")).to_contain_text("at most 200")
    expect(contact_rows(other)).to_have_count(1)  # still there, as the server keeps it
    open_contact(other, "Grace Hopper")
    expect(other.get_by_label("Company", exact=True)).to_have_value("Navy")
    other.context.close()


def test_a_lost_answer_is_retried_and_applied_once(
    page: Page,
    authenticator: Authenticator,
    browser,
    phone: dict,
    server,  # type: ignore[no-untyped-def]
) -> None:
    sign_up(page, "Flaky Network")
    lost = {"count": 0}

    def apply_then_drop(route):  # type: ignore[no-untyped-def]
        if lost["count"] == 0:
            lost["count"] += 1
            route.fetch()  # the server applies the push...
            route.abort("connectionreset")  # ...and the answer never arrives
        else:
            route.continue_()

    page.route("**/api/sync/push", apply_then_drop)
    capture(page, "Exactly Once")
    expect(sync_status(page)).to_have_text("Synced", timeout=15_000)
    assert lost["count"] == 1
    other_page = second_device(browser, phone, server.url, authenticator.credentials()[0], "/contacts")
    expect(contact_rows(other_page)).to_have_count(1)
    other_page.context.close()


def test_long_lists_show_more_on_request(page: Page, authenticator: Authenticator) -> None:
    sign_up(page, "Many Friends")
    user_id = page.evaluate("() => JSON.parse(localStorage.getItem('cultivate.me')).user.id")
    page.evaluate(
        """async (userId) => {
      const db = await new Promise((resolve) => {
        const request = indexedDB.open(`cultivate-${userId}`);
        request.onsuccess = () => resolve(request.result);
      });
      const tx = db.transaction(['contacts'], 'readwrite');
      for (let i = 0; i < 120; i++) {
        const metAt = new Date(Date.now() - i * 1000).toISOString();
        tx.objectStore('contacts').put({ id: crypto.randomUUID(), name: `Friend ${i}`, met_at: metAt });
      }
      await new Promise((resolve) => { tx.oncomplete = resolve; });
      db.close();
    }""",
        user_id,
    )
    page.goto("/contacts")
    expect(contact_rows(page)).to_have_count(50)
    page.get_by_role("button", name="Show more (70 left)").click()
    expect(contact_rows(page)).to_have_count(120)
    expect(page.get_by_role("button", name=re.compile("Show more"))).to_be_hidden()
