"""My card in the browser: make it, scan its QR, and a visitor without JavaScript leaves details."""

import base64
import io
import re

import zxingcpp
from PIL import Image
from playwright.sync_api import Browser, Page, expect

from .conftest import Authenticator, RunningServer
from .flows import contact_rows, go, open_me, sign_up


def decode_qr(png: bytes) -> str:
    """Read the QR code in an image, as a phone camera would."""
    [result] = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    return result.text


def drawn(image) -> bytes:  # type: ignore[no-untyped-def]
    """The image as the page drew it, as PNG bytes (no toast or scroll position in the way)."""
    data_url = image.evaluate("""(img) => {
        const canvas = document.createElement('canvas');
        canvas.width = 480; canvas.height = 480;
        const g = canvas.getContext('2d');
        g.fillStyle = '#fff'; g.fillRect(0, 0, 480, 480);
        g.drawImage(img, 0, 0, 480, 480);
        return canvas.toDataURL('image/png');
    }""")
    return base64.b64decode(data_url.split(",", 1)[1])


def make_card(page: Page) -> None:
    open_me(page)
    page.get_by_role("button", name="Edit my card").click()
    form = page.get_by_role("form", name="Edit my card")
    form.get_by_label("Title").fill("Rear Admiral")
    form.get_by_label("Company").fill("US Navy")
    form.get_by_label("Email").fill("grace@example.org")
    form.get_by_label("One-line pitch").fill("It's easier to ask forgiveness than permission")
    form.get_by_label("I can help with").fill("compilers")
    page.get_by_role("button", name="Save my card").click()
    expect(page.get_by_role("article", name="My business card")).to_contain_text("Rear Admiral · US Navy")


def test_card_qr_opens_the_public_page_and_a_visitor_leaves_details(
    page: Page, authenticator: Authenticator, browser: Browser, server: RunningServer
) -> None:
    sign_up(page, "Grace Hopper")
    make_card(page)
    qr = page.get_by_role("img", name="QR code for your public card page")
    expect(qr).to_be_visible()
    link = page.get_by_role("link", name="/c/")
    expect(link).to_have_attribute("href", re.compile(rf"^{re.escape(server.url)}/c/[A-Za-z0-9_-]{{16,}}$"))
    url = link.get_attribute("href") or ""
    expect(qr).to_have_attribute("data-shows", url)
    assert decode_qr(drawn(qr)) == url

    # The offline QR holds the vCard itself.
    page.get_by_role("button", name="Offline QR (vCard)").click()
    vcard_qr = page.get_by_role("img", name="QR code with your contact details (vCard, works offline)")
    expect(vcard_qr).to_have_attribute("data-shows", "vcard")
    text = decode_qr(drawn(vcard_qr))
    assert text.startswith("BEGIN:VCARD") and "FN:Grace Hopper" in text and "grace@example.org" in text

    # A visitor with no app and no JavaScript.
    stranger = browser.new_context(java_script_enabled=False)
    visitor = stranger.new_page()
    visitor.goto(url)
    expect(visitor.get_by_role("heading", name="Grace Hopper")).to_be_visible()
    save = visitor.get_by_role("link", name="Save contact")
    expect(save).to_have_attribute("href", url.split(server.url)[1] + "/contact.vcf")
    with visitor.expect_download() as download:
        save.click()
    assert "FN:Grace Hopper" in download.value.path().read_text()
    form = visitor.get_by_role("form", name="Send me your details")
    form.get_by_label("Name").fill("Alan Turing")
    form.get_by_label("Email").fill("alan@example.org")
    form.get_by_role("button", name="Send").click()
    expect(visitor.get_by_role("status")).to_contain_text("Thank you, Alan Turing!")
    stranger.close()

    page.reload()
    go(page, "Contacts")
    expect(contact_rows(page)).to_have_count(1)
    expect(contact_rows(page).first).to_contain_text("Alan Turing")
    go(page, "Follow up")
    expect(page.get_by_role("listitem", name="Alan Turing")).to_contain_text("24 h left")


def test_rotating_the_link_changes_the_qr(page: Page, authenticator: Authenticator) -> None:
    sign_up(page, "Rotating Person")
    make_card(page)
    qr = page.get_by_role("img", name="QR code for your public card page")
    before = page.get_by_role("link", name="/c/").get_attribute("href") or ""
    expect(qr).to_have_attribute("data-shows", before)
    assert decode_qr(drawn(qr)) == before
    page.get_by_role("button", name="Get a new link").click()
    page.get_by_role("dialog").get_by_role("button", name="New link").click()
    expect(page.get_by_role("link", name="/c/")).not_to_have_attribute("href", before)
    after = page.get_by_role("link", name="/c/").get_attribute("href") or ""
    expect(qr).to_have_attribute("data-shows", after)
    assert decode_qr(drawn(qr)) == after != before
    assert page.request.get(before).status == 404
