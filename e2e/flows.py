"""Page actions shared by the browser tests, written the way a person uses the app."""

from typing import TYPE_CHECKING

from playwright.sync_api import Page, expect

if TYPE_CHECKING:
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
