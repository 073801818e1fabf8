"""Your data in the browser: import with duplicates, exports that parse back, who can help,
introductions, and deleting the account down to the last database row."""

import csv
import io
import json
import os
import re
from pathlib import Path

import vobject
from playwright.sync_api import Page, expect
from sqlalchemy import create_engine, inspect, text

from .conftest import Authenticator, RunningServer
from .flows import capture, contact_rows, go, open_contact, open_me, sign_up


def import_file(page: Page, path: Path) -> None:
    open_me(page)
    page.get_by_label("Import contacts").set_input_files(path)


def test_import_with_a_duplicate_merged(page: Page, authenticator: Authenticator, tmp_path: Path) -> None:
    sign_up(page, "Importer")
    capture(page, "Ada Lovelace", Email="ada@example.org")
    vcf = tmp_path / "phone.vcf"
    vcf.write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ada Lovelace\r\nEMAIL:ada@example.org\r\n"
        "TITLE:Countess\r\nEND:VCARD\r\n"
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Charles Babbage\r\nTEL;TYPE=CELL:+44 20 7946 0001\r\nEND:VCARD\r\n"
    )
    import_file(page, vcf)
    dialog = page.get_by_role("dialog", name="Review the import")
    expect(dialog).to_contain_text("2 contacts found, 1 already in your contacts")
    expect(dialog.get_by_label("What to do with Ada Lovelace")).to_have_value("merge")
    dialog.get_by_role("button", name="Import 2").click()
    expect(page.get_by_role("status").filter(has_text="Imported: 1 added, 1 merged")).to_be_visible()
    go(page, "Contacts")
    expect(contact_rows(page)).to_have_count(2)
    open_contact(page, "Ada Lovelace")
    expect(page.get_by_label("Title")).to_have_value("Countess")


def test_a_broken_file_is_refused_with_a_message(
    page: Page, authenticator: Authenticator, tmp_path: Path
) -> None:
    sign_up(page, "Careful Importer")
    bad = tmp_path / "notes.csv"
    bad.write_text("foo,bar\n1,2\n")
    import_file(page, bad)
    expect(page.get_by_role("alert").filter(has_text="no Name or Email column")).to_be_visible()


def test_exports_download_and_parse_back(page: Page, authenticator: Authenticator) -> None:
    sign_up(page, "Exporter")
    capture(page, "Grace Hopper", Company="US Navy", Email="grace@navy.example")
    capture(page, "=HYPERLINK(evil)", Notes="+1 formula")
    open_me(page)
    with page.expect_download() as vcf:
        page.get_by_role("button", name="Export contacts (.vcf)").click()
    cards = {c.fn.value: c for c in vobject.readComponents(vcf.value.path().read_text())}
    assert set(cards) == {"Grace Hopper", "=HYPERLINK(evil)"}
    assert cards["Grace Hopper"].email.value == "grace@navy.example"
    with page.expect_download() as table:
        page.get_by_role("button", name="Export contacts (CSV)").click()
    rows = list(csv.DictReader(io.StringIO(table.value.path().read_text(encoding="utf-8-sig"))))
    assert {r["Name"] for r in rows} == {"Grace Hopper", "'=HYPERLINK(evil)"}
    with page.expect_download() as backup:
        page.get_by_role("button", name="Download all my data").click()
    data = json.loads(backup.value.path().read_text())
    assert data["format"] == "cultivate-backup"
    assert sorted(r["data"]["name"] for r in data["records"] if r["kind"] == "contact") == [
        "=HYPERLINK(evil)",
        "Grace Hopper",
    ]


def test_who_can_help_and_an_introduction(page: Page, authenticator: Authenticator) -> None:
    sign_up(page, "Connector")
    capture(page, "Ada Lovelace", Email="ada@example.org", They_need="a designer for her engine")
    capture(page, "Jony Ive", Email="jony@example.org", I_can_offer="industrial design reviews")
    go(page, "Contacts")
    page.get_by_label("Search contacts").fill("who can help with design?")
    expect(contact_rows(page)).to_have_count(1)
    expect(contact_rows(page).first).to_contain_text("Jony Ive")
    expect(page.get_by_text("1 person can help with design")).to_be_visible()
    page.get_by_label("Search contacts").fill("who needs a designer?")
    expect(contact_rows(page).first).to_contain_text("Ada Lovelace")

    open_contact(page, "Ada Lovelace")
    page.get_by_role("button", name="Introduce…").click()
    intro = page.get_by_role("dialog", name="Introduce Ada Lovelace")
    intro.get_by_label("Introduce them to").select_option(label="Jony Ive")
    to_ada = intro.get_by_label("Message to Ada Lovelace").input_value()
    assert to_ada.startswith("Hi Ada,")
    assert "introduce you to Jony Ive" in to_ada
    assert "can help with industrial design reviews" in to_ada
    assert "Would you like me to connect you?" in to_ada
    assert "Hi Jony," in intro.get_by_label("Message to Jony Ive").input_value()
    expect(intro.get_by_role("link", name="Email Jony Ive")).to_have_attribute(
        "href", re.compile(r"^mailto:jony%40example\.org\?subject=An%20introduction")
    )


def database_url(server: RunningServer) -> str:
    url = os.environ.get("CULTIVATE_TEST_DATABASE_URL")
    if url:
        return url.replace("postgresql://", "postgresql+psycopg://", 1)
    return f"sqlite:///{server.data_dir / 'cultivate.sqlite3'}"


def test_delete_account_leaves_no_row(
    page: Page, authenticator: Authenticator, server: RunningServer
) -> None:
    sign_up(page, "Leaving Person")
    capture(page, "Someone Met")
    open_me(page)
    user_id = page.request.get("/api/me").json()["user"]["id"]
    page.get_by_role("button", name="Delete my account").click()
    page.get_by_role("dialog").get_by_role("button", name="Delete everything").click()
    expect(page.get_by_role("button", name="Create account")).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="all its data are deleted")).to_be_visible()

    engine = create_engine(database_url(server))
    try:
        with engine.connect() as db:
            for table in inspect(db).get_table_names():
                columns = {c["name"] for c in inspect(db).get_columns(table)}
                column = "user_id" if "user_id" in columns else "id" if table == "user_account" else None
                if column:
                    left = db.execute(
                        text(f"SELECT count(*) FROM {table} WHERE {column} = :u"), {"u": user_id}
                    ).scalar()
                    assert left == 0, f"{table} still has {left} row(s) of the deleted person"
    finally:
        engine.dispose()
    databases = page.evaluate("() => indexedDB.databases().then((dbs) => dbs.map((d) => d.name))")
    assert f"cultivate-{user_id}" not in databases
