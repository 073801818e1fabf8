"""Taking someone's details without typing: scan their code (a photo here) or paste text."""

from pathlib import Path

import pytest
import segno
from playwright.sync_api import Page, expect

from .conftest import Authenticator
from .flows import capture, open_contact, sign_up, sync_status, wait_until_controlled

# As an Android phone exports it: vCard 2.1, quoted-printable UTF-8 name with a soft line break.
VCARD_21 = (
    "BEGIN:VCARD\r\nVERSION:2.1\r\n"
    "N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:M=C3=BCller;J=C3=BC=\r\nrgen;;;\r\n"
    "FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:J=C3=BCrgen M=C3=BCller\r\n"
    "ORG:Acme GmbH\r\nTITLE:Head of Design\r\n"
    "TEL;CELL:+49 30 1234567\r\nEMAIL;HOME:jurgen@example.de\r\nEND:VCARD\r\n"
)


def qr_photo(tmp_path: Path, content: str) -> Path:
    path = tmp_path / "code.png"
    segno.make(content, error="m").save(str(path), scale=8, border=4)
    return path


def test_scan_a_photo_of_a_vcard_code_fills_the_card(
    page: Page, authenticator: Authenticator, tmp_path: Path
) -> None:
    sign_up(page, "Scanner")
    page.get_by_role("button", name="Scan a code").click()
    page.get_by_label("Use a photo").set_input_files(qr_photo(tmp_path, VCARD_21))
    expect(page.get_by_label("Name", exact=True)).to_have_value("Jürgen Müller")
    expect(page.get_by_label("Company")).to_have_value("Acme GmbH")
    expect(page.get_by_label("Title")).to_have_value("Head of Design")
    expect(page.get_by_label("Email")).to_have_value("jurgen@example.de")
    expect(page.get_by_label("Phone")).to_have_value("+49 30 1234567")
    page.get_by_role("button", name="Save contact").click()
    expect(page.get_by_text("Saved Jürgen Müller")).to_be_visible()


def test_a_photo_with_no_code_says_so(page: Page, authenticator: Authenticator, tmp_path: Path) -> None:
    from PIL import Image

    blank = tmp_path / "blank.png"
    Image.new("RGB", (300, 300), "white").save(blank)
    sign_up(page, "Blank Scanner")
    page.get_by_role("button", name="Scan a code").click()
    page.get_by_label("Use a photo").set_input_files(blank)
    expect(page.get_by_role("dialog", name="Scan a code")).to_contain_text("No QR code found in the photo")


def test_offline_photo_is_read_when_back_online(
    page: Page, authenticator: Authenticator, tmp_path: Path
) -> None:
    sign_up(page, "Offline Scanner")
    wait_until_controlled(page)
    page.context.set_offline(True)
    page.get_by_role("button", name="Scan a code").click()
    page.get_by_label("Use a photo").set_input_files(
        qr_photo(tmp_path, "MECARD:N:Lovelace,Ada;EMAIL:ada@example.org;;")
    )
    expect(page.get_by_text("the photo is kept with this contact")).to_be_visible()
    capture(page, "Ada (from the code)")
    page.context.set_offline(False)
    expect(sync_status(page)).to_have_text("Synced")
    open_contact(page, "Ada (from the code)")
    expect(page.get_by_label("Email")).to_have_value("ada@example.org")


def test_paste_a_signature_fills_the_fields(page: Page, authenticator: Authenticator) -> None:
    sign_up(page, "Paster")
    page.get_by_role("button", name="Paste").click()
    page.get_by_label("Pasted text").fill(
        "Best regards,\n\nKatherine Johnson\nSenior Mathematician at NASA Langley\n"
        "katherine.johnson@nasa.example | +1 (757) 555-0199\nhttps://www.linkedin.com/in/katherine-johnson\n"
    )
    page.get_by_role("button", name="Fill the card").click()
    expect(page.get_by_label("Name", exact=True)).to_have_value("Katherine Johnson")
    expect(page.get_by_label("Title")).to_have_value("Senior Mathematician")
    expect(page.get_by_label("Company")).to_have_value("NASA Langley")
    expect(page.get_by_label("Email")).to_have_value("katherine.johnson@nasa.example")
    expect(page.get_by_label("Phone")).to_have_value("+1 (757) 555-0199")
    expect(page.get_by_label("Notes")).to_have_value("https://www.linkedin.com/in/katherine-johnson")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('"Grace Hopper" <grace@navy.example>', {"name": "Grace Hopper", "email": "grace@navy.example"}),
        ("Alan Turing <alan@bletchley.example>", {"name": "Alan Turing", "email": "alan@bletchley.example"}),
        (
            "Linus Torvalds\nFounder, Linux Foundation\nlinus@example.org",
            {
                "name": "Linus Torvalds",
                "title": "Founder",
                "company": "Linux Foundation",
                "email": "linus@example.org",
            },
        ),
        ("just some words", {}),
    ],
)
def test_paste_parser_cases(page: Page, authenticator: Authenticator, text: str, expected: dict) -> None:
    page.goto("/")
    found = page.evaluate("async (text) => (await import('/js/parse.js')).parsePasted(text)", text)
    assert found == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "https://www.linkedin.com/in/ada-lovelace-1815/",
            {"name": "Ada Lovelace", "notes": "https://www.linkedin.com/in/ada-lovelace-1815/"},
        ),
        (
            "MECARD:N:Hopper,Grace;TEL:+15550100;EMAIL:grace@navy.example;;",
            {"name": "Grace Hopper", "phone": "+15550100", "email": "grace@navy.example"},
        ),
        (
            "BEGIN:VCARD\nVERSION:4.0\nFN:Ada Lovelace\nEMAIL;TYPE=work:ada@example.org\n"
            "EMAIL;TYPE=home:a@home.example\n"
            "TEL;TYPE=cell:+44 20 7946 0000\nNOTE:Met at the\\, Royal Society\nEND:VCARD",
            {
                "name": "Ada Lovelace",
                "email": "ada@example.org",
                "phone": "+44 20 7946 0000",
                "notes": "Met at the, Royal Society",
            },
        ),
    ],
)
def test_scanned_content_cases(page: Page, authenticator: Authenticator, text: str, expected: dict) -> None:
    page.goto("/")
    found = page.evaluate("async (text) => (await import('/js/parse.js')).parseScanned(text)", text)
    assert found == expected


SHARE = """async ({ text, vcard }) => {
  const form = new FormData();
  if (text) form.append('text', text);
  if (vcard) form.append('file', new File([vcard], 'grace.vcf', { type: 'text/vcard' }));
  const response = await fetch('/share-target', { method: 'POST', body: form });
  return new URL(response.url).pathname + new URL(response.url).search;
}"""


def test_text_shared_to_the_app_opens_paste(page: Page, authenticator: Authenticator) -> None:
    sign_up(page, "Sharer")
    wait_until_controlled(page)
    landed = page.evaluate(SHARE, {"text": "Grace Hopper <grace@navy.example>", "vcard": None})
    assert landed == "/capture?shared=text"
    page.goto(landed)
    paste = page.get_by_role("dialog", name="Paste their details")
    expect(paste.get_by_label("Pasted text")).to_have_value("Grace Hopper <grace@navy.example>")
    paste.get_by_role("button", name="Fill the card").click()
    expect(page.get_by_label("Name", exact=True)).to_have_value("Grace Hopper")
    expect(page.get_by_label("Email")).to_have_value("grace@navy.example")


def test_vcard_shared_to_the_app_opens_import(page: Page, authenticator: Authenticator) -> None:
    sign_up(page, "File Sharer")
    wait_until_controlled(page)
    vcard = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Grace Hopper\r\nEMAIL:grace@navy.example\r\nEND:VCARD\r\n"
    landed = page.evaluate(SHARE, {"text": None, "vcard": vcard})
    assert landed == "/me?shared=file"
    page.goto(landed)
    review = page.get_by_role("dialog", name="Review the import")
    expect(review).to_contain_text("1 contact found.")
    review.get_by_role("button", name="Import 1").click()
    expect(page.get_by_role("status").filter(has_text="Imported: 1 added")).to_be_visible()
