"""The installable shell: opens offline after one visit; a changed file offers "Update"."""

from pathlib import Path

from playwright.sync_api import Browser, Page, expect

from .conftest import Authenticator, RunningServer, copy_shell, start_server
from .flows import open_me, sign_up, wait_until_controlled


def test_signed_out_shell_opens_offline(page: Page) -> None:
    page.goto("/")
    wait_until_controlled(page)
    page.context.set_offline(True)
    page.reload()
    expect(page.get_by_role("button", name="Create account")).to_be_visible()
    expect(page.get_by_role("button", name="Sign in with a passkey")).to_be_visible()


def test_signed_in_app_opens_offline_on_any_screen(page: Page, authenticator: Authenticator) -> None:
    sign_up(page, "Hedy Lamarr")
    wait_until_controlled(page)
    page.context.set_offline(True)
    page.goto("/me")
    expect(page.get_by_role("heading", name="Hedy Lamarr")).to_be_visible()
    expect(page.get_by_text("You're offline")).to_be_visible()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Follow up").click()
    expect(page.get_by_role("heading", name="Follow up")).to_be_visible()


def test_manifest_is_linked_and_installable(page: Page, server: RunningServer) -> None:
    page.goto("/")
    href = page.locator("link[rel=manifest]").get_attribute("href")
    manifest = page.request.get(href or "").json()
    assert manifest["display"] == "standalone"
    assert {icon["sizes"] for icon in manifest["icons"]} >= {"192x192", "512x512"}
    for icon in manifest["icons"]:
        assert page.request.get(icon["src"]).ok


def test_changed_shell_file_offers_update(browser: Browser, phone: dict, tmp_path: Path) -> None:
    shell = copy_shell(tmp_path / "pwa")
    server: RunningServer = start_server(tmp_path, CULTIVATE_PWA_DIR=str(shell))
    try:
        context = browser.new_context(**phone, base_url=server.url)
        page = context.new_page()
        page.goto("/")
        wait_until_controlled(page)
        expect(page.get_by_text("Remember the people you meet.")).to_be_visible()

        server.stop()
        index = shell / "index.html"
        index.write_text(
            index.read_text().replace("Remember the people you meet.", "Remember everyone you meet.")
        )
        server.start()

        page.reload()
        # The old shell still opens (from the cache) and the new one is offered.
        expect(page.get_by_text("Remember the people you meet.")).to_be_visible()
        page.get_by_role("button", name="Update").click()
        expect(page.get_by_text("Remember everyone you meet.")).to_be_visible()
        expect(page.get_by_role("button", name="Update")).to_be_hidden()
        context.close()
    finally:
        server.stop()


def test_me_screen_lists_account_details(page: Page, authenticator: Authenticator) -> None:
    sign_up(page, "Radia Perlman")
    open_me(page)
    expect(page.get_by_text("Member since")).to_be_visible()
    expect(page.get_by_role("list", name="Signed-in devices").get_by_role("listitem")).to_have_count(1)
