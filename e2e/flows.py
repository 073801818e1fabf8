"""Page actions shared by the browser tests, written the way a person uses the app."""

from typing import TYPE_CHECKING

from playwright.sync_api import Page, expect

if TYPE_CHECKING:
    from playwright.sync_api import Browser

    from .conftest import Authenticator


def sign_up(page: Page, name: str) -> list[str]:
    """Create an account from the welcome screen; return the recovery codes shown once."""
    page.goto("/")
    page.get_by_label("Your name").fill(name)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="Save your recovery codes")).to_be_visible()
    codes_list = page.get_by_role("list", name="Recovery codes").get_by_role("listitem")
    expect(codes_list).to_have_count(10)
    codes = codes_list.all_inner_texts()
    page.get_by_role("button", name="I've saved them").click()
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    return codes


def open_me(page: Page) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Me").click()
    expect(page.get_by_role("heading", name="Passkeys")).to_be_visible()


def sign_out(page: Page, authenticator: "Authenticator") -> list[dict]:
    """Sign out, taking the passkeys off the authenticator first and returning them.

    The virtual authenticator answers passkey autofill by itself, which would sign straight
    back in; a person would have to pick the passkey. Tests put them back when they want that.
    """
    held = authenticator.credentials()
    authenticator.clear()
    open_me(page)
    page.get_by_role("button", name="Sign out", exact=True).click()
    expect(page.get_by_role("button", name="Create account")).to_be_visible()
    return held


def passkey_items(page: Page):  # type: ignore[no-untyped-def]
    """The rows of the Passkeys list on the Me screen."""
    return page.get_by_role("list", name="Passkeys").get_by_role("listitem")


# Runs through the DevTools protocol, which the page's CSP does not cover (wait_for_function
# compiles strings in the page and would be refused by the CSP, as it should be).
_CONTROLLED = """() => navigator.serviceWorker.ready.then(() => navigator.serviceWorker.controller
  || new Promise((resolve) => navigator.serviceWorker.addEventListener('controllerchange', resolve)))
  .then(() => true)"""


def wait_until_controlled(page: Page) -> None:
    """Wait until the service worker controls the page (the shell is cached)."""
    assert page.evaluate(_CONTROLLED)


def go(page: Page, tab: str) -> None:
    """Open a screen from the bottom navigation."""
    page.get_by_role("navigation", name="Main").get_by_role("link", name=tab).click()
    expect(page.get_by_role("heading", name=tab, exact=True)).to_be_visible()


def start_event(page: Page, name: str, place: str = "") -> None:
    go(page, "Capture")
    page.get_by_role("button", name="I'm at an event…").click()
    page.get_by_label("Event", exact=True).fill(name)
    if place:
        page.get_by_label("Place").fill(place)
    page.get_by_role("button", name="Start event").click()
    expect(page.get_by_text(name, exact=True).first).to_be_visible()


def capture(page: Page, name: str, **fields: str) -> None:
    """Fill the capture card and save; waits for the confirmation."""
    page.get_by_label("Name", exact=True).fill(name)
    for label, value in fields.items():
        page.get_by_label(label.replace("_", " ").capitalize(), exact=True).fill(value)
    page.get_by_role("button", name="Save contact").click()
    expect(page.get_by_text(f"Saved {name}")).to_be_visible()


def sync_status(page: Page):  # type: ignore[no-untyped-def]
    return page.get_by_role("status", name="Sync status")


def contact_rows(page: Page):  # type: ignore[no-untyped-def]
    return page.get_by_role("list", name="Contacts").get_by_role("listitem")


def open_contact(page: Page, name: str) -> None:
    go(page, "Contacts")
    page.get_by_role("link", name=name).click()
    expect(page.get_by_role("heading", name=name)).to_be_visible()


def second_device(browser: "Browser", phone: dict, base_url: str, passkey: dict, path: str = "/") -> Page:
    """Another phone holding a copy of the passkey (as a synced passkey arrives), opened at `path`.

    The copy answers passkey autofill by itself, so the new phone signs in as the app opens.
    """
    from .conftest import Authenticator

    context = browser.new_context(**phone, base_url=base_url)
    page = context.new_page()
    Authenticator(context, page).add(passkey)
    page.goto(path)
    return page
