"""Sync under faults in the browser: the server restarts, the tab closes while saving.
(Dropped connections, 500s and lost answers are in test_contacts.py.)"""

from pathlib import Path

from playwright.sync_api import Browser, Page, expect

from .conftest import Authenticator, start_server
from .flows import capture, contact_rows, go, second_device, sign_up, sync_status


def names_on(page: Page) -> list[str]:
    return [row.split("\n")[0] for row in contact_rows(page).all_inner_texts()]


def test_captures_made_while_the_server_restarts_arrive_once(
    browser: Browser, phone: dict, tmp_path: Path
) -> None:
    server = start_server(tmp_path)
    try:
        context = browser.new_context(**phone, base_url=server.url)
        page = context.new_page()
        authenticator = Authenticator(context, page)
        sign_up(page, "Restart Survivor")
        capture(page, "Before Restart")
        expect(sync_status(page)).to_have_text("Synced")

        server.stop()
        capture(page, "During Restart 1")
        capture(page, "During Restart 2")
        expect(sync_status(page)).to_contain_text("2 waiting")
        server.start()
        # Backoff retries find the server again without anyone doing anything.
        expect(sync_status(page)).to_have_text("Synced", timeout=30_000)

        other_page = second_device(browser, phone, server.url, authenticator.credentials()[0], "/contacts")
        expect(contact_rows(other_page)).to_have_count(3)
        assert sorted(names_on(other_page)) == ["Before Restart", "During Restart 1", "During Restart 2"]
        other_page.context.close()
        context.close()
    finally:
        server.stop()


def test_closing_the_tab_while_saving_loses_and_duplicates_nothing(
    page: Page, authenticator: Authenticator, browser: Browser, phone: dict, server
) -> None:  # type: ignore[no-untyped-def]
    sign_up(page, "Hasty Closer")
    passkey = authenticator.credentials()[0]  # the authenticator goes with the tab
    capture(page, "Saved For Sure")
    page.context.set_offline(True)  # nothing syncs before the tab goes
    capture(page, "Saved Offline")
    page.get_by_label("Name", exact=True).fill("Saved As The Tab Closed")
    page.get_by_role("button", name="Save contact").click()
    context = page.context
    page.close()

    context.set_offline(False)
    reopened = context.new_page()
    reopened.goto("/contacts")
    expect(sync_status(reopened)).to_have_text("Synced")
    here = sorted(names_on(reopened))
    assert {"Saved For Sure", "Saved Offline"} <= set(here)
    assert len(here) == len(set(here))  # nothing twice

    other_page = second_device(browser, phone, server.url, passkey)
    go(other_page, "Contacts")
    expect(contact_rows(other_page)).to_have_count(len(here))
    assert sorted(names_on(other_page)) == here
    other_page.context.close()
