"""Passkey accounts in real Chromium with a virtual authenticator, as a person uses them."""

from playwright.sync_api import Browser, Page, expect

from .conftest import Authenticator, RunningServer
from .flows import open_me, passkey_items, second_device, sign_out, sign_up


def test_sign_up_then_reload_stays_signed_in(page: Page, authenticator: Authenticator) -> None:
    codes = sign_up(page, "Grace Hopper")
    assert len(set(codes)) == 10
    nav = page.get_by_role("navigation", name="Main")
    for name in ("Capture", "Contacts", "Follow up", "Me"):
        expect(nav.get_by_role("link", name=name)).to_be_visible()
    page.reload()
    open_me(page)
    expect(page.get_by_role("heading", name="Grace Hopper")).to_be_visible()
    expect(page.get_by_text("10 of 10 codes unused")).to_be_visible()


def test_sign_in_with_the_button(page: Page, authenticator: Authenticator) -> None:
    # As in a browser without passkey autofill: the virtual authenticator would otherwise
    # answer the autofill request by itself before the button is pressed.
    page.add_init_script("PublicKeyCredential.isConditionalMediationAvailable = async () => false;")
    sign_up(page, "Katherine Johnson")
    held = sign_out(page, authenticator)
    page.get_by_role("button", name="Sign in with a passkey").click()
    expect(page.get_by_role("alert")).to_have_text("No passkey was used. Try again when you are ready.")
    authenticator.add(held[0])
    page.get_by_role("button", name="Sign in with a passkey").click()
    open_me(page)
    expect(page.get_by_role("heading", name="Katherine Johnson")).to_be_visible()
    expect(passkey_items(page).first).to_contain_text("last used")


def test_sign_in_with_passkey_autofill(page: Page, authenticator: Authenticator) -> None:
    sign_up(page, "Margaret Hamilton")
    held = sign_out(page, authenticator)
    expect(page.get_by_label("Your name")).to_have_attribute("autocomplete", "username webauthn")
    authenticator.add(held[0])
    page.reload()
    # Picking the passkey from the name field's autofill signs in; the virtual authenticator
    # picks it by itself, so no button is pressed here.
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    open_me(page)
    expect(page.get_by_role("heading", name="Margaret Hamilton")).to_be_visible()


def test_second_passkey_works_on_a_fresh_device_and_one_can_be_removed(
    page: Page,
    authenticator: Authenticator,
    browser: Browser,
    phone: dict,
    server: RunningServer,
) -> None:
    sign_up(page, "Mary Jackson")
    open_me(page)
    expect(page.get_by_role("button", name="Remove Chrome on Android")).to_be_disabled()
    # The second passkey is made on its own authenticator (a security key, say).
    authenticator.cdp.send("WebAuthn.removeVirtualAuthenticator", {"authenticatorId": authenticator.id})
    spare = Authenticator(page.context, page)
    page.get_by_role("button", name="Add a passkey").click()
    expect(passkey_items(page)).to_have_count(2)
    second = spare.credentials()
    assert len(second) == 1

    # A fresh browser holding only the second passkey signs in (through autofill).
    fresh_page = second_device(browser, phone, server.url, second[0])
    open_me(fresh_page)
    expect(fresh_page.get_by_role("heading", name="Mary Jackson")).to_be_visible()
    fresh_page.context.close()

    # Remove the first passkey after confirming; then the last one cannot be removed.
    first_item = passkey_items(page).first
    first_name = first_item.get_attribute("aria-label")
    first_item.get_by_role("button", name=f"Remove {first_name}").click()
    page.get_by_role("dialog").get_by_role("button", name="Remove").click()
    expect(passkey_items(page)).to_have_count(1)
    expect(page.get_by_role("status").filter(has_text="Removed")).to_be_visible()
    expect(passkey_items(page).first.get_by_role("button", name="Remove")).to_be_disabled()


def test_rename_a_passkey(page: Page, authenticator: Authenticator) -> None:
    sign_up(page, "Dorothy Vaughan")
    open_me(page)
    page.get_by_role("button", name="Rename Chrome on Android").click()
    page.get_by_label("Passkey name").fill("My Pixel")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(passkey_items(page).first).to_contain_text("My Pixel")


def test_recovery_code_enrols_a_new_passkey_and_is_used_up(
    page: Page,
    authenticator: Authenticator,
) -> None:
    codes = sign_up(page, "Annie Easley")
    sign_out(page, authenticator)  # and every passkey is lost with it

    page.get_by_role("button", name="Use a recovery code").click()
    page.get_by_role("textbox", name="Recovery code").fill(codes[0])
    page.get_by_role("button", name="Recover my account").click()
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    open_me(page)
    expect(page.get_by_text("9 of 10 codes unused")).to_be_visible()
    expect(passkey_items(page)).to_have_count(2)

    # The new passkey signs in (through autofill).
    new_passkey = sign_out(page, authenticator)
    authenticator.add(new_passkey[0])
    page.reload()
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()

    # The code is used up.
    sign_out(page, authenticator)
    page.get_by_role("button", name="Use a recovery code").click()
    page.get_by_role("textbox", name="Recovery code").fill(codes[0])
    page.get_by_role("button", name="Recover my account").click()
    expect(page.get_by_role("alert")).to_have_text("That recovery code is not valid or was already used.")


def test_sign_out_everywhere_else(
    page: Page, authenticator: Authenticator, browser: Browser, phone: dict, server: RunningServer
) -> None:
    sign_up(page, "Evelyn Boyd")
    other_page = second_device(browser, phone, server.url, authenticator.credentials()[0])
    expect(other_page.get_by_role("navigation", name="Main")).to_be_visible()

    open_me(page)
    devices = page.get_by_role("list", name="Signed-in devices").get_by_role("listitem")
    expect(devices).to_have_count(2)
    page.get_by_role("button", name="Sign out everywhere else").click()
    expect(devices).to_have_count(1)
    expect(devices.first).to_contain_text("This device")

    other_page.reload()
    expect(other_page.get_by_role("button", name="Create account")).to_be_visible()
    other_page.context.close()
