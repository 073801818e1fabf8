"""Capture offline at an event, then find everything on a second device; edits merge."""

from playwright.sync_api import Browser, Page, expect

from .conftest import Authenticator, RunningServer
from .flows import (
    capture,
    contact_rows,
    go,
    open_contact,
    second_device,
    sign_up,
    start_event,
    sync_status,
    wait_until_controlled,
)

PEOPLE = [
    ("Ada Lovelace", "Analytical Engines"),
    ("Grace Hopper", "US Navy"),
    ("Alan Turing", "Bletchley Park"),
    ("Katherine Johnson", "NASA"),
    ("Linus Torvalds", "Linux Foundation"),
]


def test_five_offline_captures_reach_a_second_device_and_edits_merge(
    page: Page,
    authenticator: Authenticator,
    browser: Browser,
    phone: dict,
    server: RunningServer,
) -> None:
    sign_up(page, "Margaret Hamilton")
    start_event(page, "PyCon Lyon", place="Lyon")
    expect(sync_status(page)).to_have_text("Synced")
    wait_until_controlled(page)

    page.context.set_offline(True)
    expect(sync_status(page)).to_have_text("Offline")
    expect(page.get_by_label("Where we met")).to_have_value("PyCon Lyon")
    for name, company in PEOPLE:
        capture(page, name, Company=company)
        expect(page.get_by_label("Name", exact=True)).to_be_focused()
        expect(page.get_by_label("Name", exact=True)).to_have_value("")
    expect(sync_status(page)).to_have_text("Offline · 5 waiting")

    page.reload()
    go(page, "Contacts")
    expect(contact_rows(page)).to_have_count(5)
    expect(sync_status(page)).to_have_text("Offline · 5 waiting")
    expect(contact_rows(page).first).to_contain_text("Linus Torvalds")  # newest first

    page.context.set_offline(False)
    expect(sync_status(page)).to_have_text("Synced")

    other = second_device(browser, phone, server.url, authenticator.credentials()[0])
    go(other, "Contacts")
    expect(contact_rows(other)).to_have_count(5)
    go(other, "Events")
    event_link = other.get_by_role("list", name="Events").get_by_role("link").filter(has_text="PyCon Lyon")
    expect(event_link).to_contain_text("5 people")
    event_link.click()
    expect(other.get_by_role("list", name="People met").get_by_role("listitem")).to_have_count(5)

    # Both phones offline, each edits a different field of the same contact.
    page.context.set_offline(True)
    other.context.set_offline(True)
    open_contact(page, "Ada Lovelace")
    page.get_by_label("Notes").fill("Wants to talk about compilers")
    page.get_by_role("button", name="Save changes").click()
    open_contact(other, "Ada Lovelace")
    other.get_by_label("Title").fill("Countess")
    other.get_by_role("button", name="Save changes").click()
    expect(sync_status(other)).to_have_text("Offline · 1 waiting")

    page.context.set_offline(False)
    expect(sync_status(page)).to_have_text("Synced")
    other.context.set_offline(False)
    expect(sync_status(other)).to_have_text("Synced")
    page.reload()  # opening the app syncs
    for device in (page, other):
        open_contact(device, "Ada Lovelace")
        expect(device.get_by_label("Notes")).to_have_value("Wants to talk about compilers")
        expect(device.get_by_label("Title")).to_have_value("Countess")

    # A delete on one phone disappears on the other.
    with page.expect_response(lambda r: r.url.endswith("/api/sync/push") and r.ok):
        page.get_by_role("button", name="Delete contact").click()
    expect(page.get_by_role("status").filter(has_text="Deleted Ada Lovelace")).to_be_visible()
    expect(contact_rows(page)).to_have_count(4)
    expect(sync_status(page)).to_have_text("Synced")
    other.reload()
    go(other, "Contacts")
    expect(contact_rows(other)).to_have_count(4)
    expect(other.get_by_role("link", name="Ada Lovelace")).to_have_count(0)
    other.context.close()
