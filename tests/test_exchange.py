"""Import and export: real-world vCards and CSVs, duplicates, merge, backups, hostile files."""

import csv
import io
import json
import uuid
from typing import Any

import pytest
import vobject
from flask import Flask

from server.sync.models import SyncRecord

from .conftest import Api, count_rows

ANDROID_21 = """BEGIN:VCARD
VERSION:2.1
N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:M=C3=BCller;J=C3=BCrgen;;;
FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:J=C3=BCrgen M=C3=BCller
TEL;CELL;PREF:+49 30 1234567
TEL;WORK:030 7654321
EMAIL;HOME:juergen@home.example
EMAIL;WORK:juergen@acme.example
ORG:Acme GmbH
NOTE;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Met at the Berlin meetup. Talked about =C3=BCber-long=
 build times and caching.
PHOTO;ENCODING=BASE64;JPEG:/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAgGBgcGBQgHBwcJCQgKDBQNDAsLDBkSEw8UHRof
Hh0aHBwgJC4nICIsIxwcKDcpLDAxNDQ0Hyc5PTgyPC4zNDL/wAALCAABAAEBAREA/8QAFAAB
AAAAAAAAAAAAAAAAAAAACf/EABQQAQAAAAAAAAAAAAAAAAAAAAD/2gAIAQEAAD8AKp//2Q==

END:VCARD
BEGIN:VCARD
VERSION:2.1
N:Lovelace;Ada;;;
FN:Ada Lovelace
TEL;CELL:+44 20 7946 0000
END:VCARD
""".replace("\n", "\r\n")

IPHONE_30 = """BEGIN:VCARD
VERSION:3.0
PRODID:-//Apple Inc.//iPhone OS 17.0//EN
N:Hopper;Grace;Brewster;Rear Admiral;
FN:Rear Admiral Grace Brewster Hopper
ORG:United States Navy;Computing
TITLE:Director of the Navy Programming Languages Group with a really long title that
  needs folding
item1.EMAIL;type=INTERNET;type=pref:grace@navy.example
EMAIL;type=INTERNET;type=HOME:grace@home.example
TEL;type=CELL;type=VOICE;type=pref:(202) 555-0143
CATEGORIES:Navy,COBOL
PHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAgGBgcGBQgHBwcJCQgKDBQNDAsLDBkSE
 w8UHRofHh0aHBwgJC4nICIsIxwcKDcpLDAxNDQ0Hyc5PTgyPC4zNDL/wAALCAABAAEBAREA
END:VCARD
""".replace("\n", "\r\n")

OUTLOOK_21 = """BEGIN:VCARD
VERSION:2.1
N;LANGUAGE=en-us:Turing;Alan
FN:Alan Turing
ORG:Bletchley Park
TITLE:Cryptanalyst
NOTE:First line of the note
second line without folding
third line
EMAIL;PREF;INTERNET:alan@bletchley.example
END:VCARD
""".replace("\n", "\r\n")

THUNDERBIRD_40 = """BEGIN:VCARD
VERSION:4.0
FN:Katherine Johnson
N:Johnson;Katherine;;;
EMAIL;TYPE=work;PREF=1:katherine@nasa.example
EMAIL;TYPE=home:kj@home.example
TEL;TYPE=cell;VALUE=TEXT:+1 757 555 0199
END:VCARD
"""

GOOGLE_CSV = (
    "Name,Given Name,Family Name,E-mail 1 - Type,E-mail 1 - Value,Phone 1 - Type,Phone 1 - Value,"
    "Organization 1 - Name,Organization 1 - Title,Notes,Group Membership\n"
    "Linus Torvalds,Linus,Torvalds,* Work,linus@example.org,Mobile,+1 503 555 0100,Linux Foundation,Fellow,"
    "Kernel,* myContacts ::: Open Source\n"
    ",Margaret,Hamilton,* Work,margaret@mit.example,,,MIT,Director,,* myContacts\n"
)

OUTLOOK_CSV = (
    '"First Name","Middle Name","Last Name","Company","Job Title","E-mail Address","Mobile Phone","Notes","Categories"\n'
    '"Barbara","","Liskov","MIT","Professor","barbara@mit.example","617-555-0123","Substitution","Research;CS"\n'
)


def preview(api: Api, filename: str, content: str) -> Any:
    return api.post("/api/import/preview", {"filename": filename, "content": content})


def import_all(api: Api, filename: str, content: str) -> dict[str, Any]:
    found = preview(api, filename, content)
    assert found.status_code == 200, found.get_json()
    body = found.get_json()
    choices = [{"fields": c["fields"], "action": "new"} for c in body["contacts"]]
    response = api.post("/api/import/commit", {"format": body["format"], "contacts": choices})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def contacts(api: Api) -> dict[str, dict[str, Any]]:
    pulled = api.post("/api/sync/pull", {"client_id": str(uuid.uuid4()), "limit": 1000}).get_json()
    return {
        c["data"]["name"]: c["data"] for c in pulled["changes"] if c["kind"] == "contact" and not c["deleted"]
    }


def test_android_vcard_21_with_quoted_printable_and_photo(api: Api) -> None:
    api.sign_up()
    body = preview(api, "contacts.vcf", ANDROID_21).get_json()
    jurgen, ada = [c["fields"] for c in body["contacts"]]
    assert jurgen["name"] == "Jürgen Müller"
    assert jurgen["company"] == "Acme GmbH"
    assert jurgen["phone"] == "+49 30 1234567"  # the preferred of two numbers
    assert jurgen["email"] == "juergen@home.example"
    assert jurgen["notes"] == "Met at the Berlin meetup. Talked about über-long build times and caching."
    assert ada == {"name": "Ada Lovelace", "phone": "+44 20 7946 0000"}


def test_iphone_vcard_30_folded_lines_types_and_categories(api: Api) -> None:
    api.sign_up()
    [grace] = [c["fields"] for c in preview(api, "Grace.vcf", IPHONE_30).get_json()["contacts"]]
    assert grace["name"] == "Rear Admiral Grace Brewster Hopper"
    assert grace["company"] == "United States Navy"
    assert grace["title"].endswith("really long title that needs folding")
    assert grace["email"] == "grace@navy.example"
    assert grace["phone"] == "(202) 555-0143"
    assert grace["tags"] == ["Navy", "COBOL"]


def test_outlook_vcard_with_bare_continuation_lines(api: Api) -> None:
    api.sign_up()
    [alan] = [c["fields"] for c in preview(api, "alan.vcf", OUTLOOK_21).get_json()["contacts"]]
    assert alan["notes"] == "First line of the note\nsecond line without folding\nthird line"
    assert alan["email"] == "alan@bletchley.example"
    assert alan["title"] == "Cryptanalyst"


def test_vcard_40_prefers_the_preferred_email(api: Api) -> None:
    api.sign_up()
    [kj] = [c["fields"] for c in preview(api, "kj.vcf", THUNDERBIRD_40).get_json()["contacts"]]
    assert kj["email"] == "katherine@nasa.example"
    assert kj["phone"] == "+1 757-555-0199"


def test_google_and_outlook_csv_layouts(api: Api) -> None:
    api.sign_up()
    google = [c["fields"] for c in preview(api, "google.csv", GOOGLE_CSV).get_json()["contacts"]]
    assert google[0] == {
        "name": "Linus Torvalds",
        "email": "linus@example.org",
        "phone": "+1 503-555-0100",
        "company": "Linux Foundation",
        "title": "Fellow",
        "notes": "Kernel",
        "tags": ["Open Source"],
    }
    assert google[1]["name"] == "Margaret Hamilton"
    [barbara] = [c["fields"] for c in preview(api, "outlook.csv", OUTLOOK_CSV).get_json()["contacts"]]
    assert barbara == {
        "name": "Barbara Liskov",
        "company": "MIT",
        "title": "Professor",
        "email": "barbara@mit.example",
        "phone": "617-555-0123",
        "notes": "Substitution",
        "tags": ["Research", "CS"],
    }


def test_import_commits_and_exports_round_trip_as_vcard_and_csv(api: Api) -> None:
    api.sign_up()
    assert import_all(api, "google.csv", GOOGLE_CSV) == {"added": 2, "merged": 0, "skipped": 0}
    assert import_all(api, "phone.vcf", ANDROID_21)["added"] == 2
    mine = contacts(api)
    assert set(mine) == {"Linus Torvalds", "Margaret Hamilton", "Jürgen Müller", "Ada Lovelace"}
    exported = api.get("/api/export/contacts.vcf")
    assert exported.mimetype == "text/vcard"
    cards = {c.fn.value: c for c in vobject.readComponents(exported.get_data(as_text=True))}
    assert set(cards) == set(mine)
    assert cards["Jürgen Müller"].org.value == ["Acme GmbH"]
    rows = list(
        csv.DictReader(
            io.StringIO(api.get("/api/export/contacts.csv").get_data(as_text=True).lstrip("\ufeff"))
        )
    )
    assert {r["Name"] for r in rows} == set(mine)
    # What we export, we import back the same.
    reimported = [
        c["fields"] for c in preview(api, "x.vcf", exported.get_data(as_text=True)).get_json()["contacts"]
    ]
    assert {c["name"]: c.get("email") for c in reimported} == {n: d.get("email") for n, d in mine.items()}


def test_duplicates_are_found_and_merge_fills_only_empty_fields(api: Api) -> None:
    api.sign_up()
    import_all(
        api,
        "ada.vcf",
        "BEGIN:VCARD\nVERSION:3.0\nFN:Ada Lovelace\nEMAIL:ada@example.org\nNOTE:first\nEND:VCARD\n",
    )
    incoming = (
        "BEGIN:VCARD\nVERSION:3.0\nFN:Countess of Lovelace\nEMAIL:ADA@example.org\nTITLE:Analyst\nNOTE:second\nEND:VCARD\n"
        "BEGIN:VCARD\nVERSION:3.0\nFN:ada lovelace\nEND:VCARD\n"
        "BEGIN:VCARD\nVERSION:3.0\nFN:Someone New\nEND:VCARD\n"
    )
    found = preview(api, "more.vcf", incoming).get_json()["contacts"]
    assert [c["duplicate_of"]["reason"] if c["duplicate_of"] else None for c in found] == [
        "same email",
        "same name",
        None,
    ]
    target = found[0]["duplicate_of"]["id"]
    result = api.post(
        "/api/import/commit",
        {
            "format": "vcard",
            "contacts": [
                {"fields": found[0]["fields"], "action": "merge", "merge_into": target},
                {"fields": found[1]["fields"], "action": "skip"},
                {"fields": found[2]["fields"], "action": "new"},
            ],
        },
    ).get_json()
    assert result == {"added": 1, "merged": 1, "skipped": 1}
    ada = contacts(api)["Ada Lovelace"]
    assert ada["title"] == "Analyst"
    assert ada["notes"] == "first\nsecond"
    assert ada["email"] == "ada@example.org"


def seed_account(api: Api) -> None:
    client = str(uuid.uuid4())
    event, contact, interaction = (str(uuid.uuid4()) for _ in range(3))
    card_id = api.get("/api/card/link").get_json()["card_id"]
    api.post(
        "/api/sync/push",
        {
            "client_id": client,
            "mutations": [
                {
                    "id": 1,
                    "name": "event.put",
                    "args": {"id": event, "fields": {"name": "PyCon", "date": "2026-11-27"}},
                },
                {
                    "id": 2,
                    "name": "contact.put",
                    "args": {
                        "id": contact,
                        "fields": {
                            "name": "Grace",
                            "event_id": event,
                            "tags": ["navy"],
                            "notes": "COBOL",
                            "cadence_days": 91,
                            "met_at": "2026-11-27T10:00:00Z",
                            "follow_up_due": "2026-11-28T10:00:00Z",
                        },
                    },
                },
                {
                    "id": 3,
                    "name": "interaction.put",
                    "args": {
                        "id": interaction,
                        "fields": {
                            "contact_id": contact,
                            "type": "coffee",
                            "at": "2026-11-28T09:00:00Z",
                            "note": "espresso",
                        },
                    },
                },
                {
                    "id": 4,
                    "name": "card.put",
                    "args": {"id": card_id, "fields": {"name": "Ada", "pitch": "Engines"}},
                },
            ],
        },
    )
    api.patch("/api/settings", {"follow_up_hours": 48, "timezone": "Europe/Paris"})


def comparable(backup: dict[str, Any]) -> list[Any]:
    """Records with ids replaced by what they point at, so two accounts can be compared."""
    by_id = {r["id"]: r for r in backup["records"]}

    def describe(record: dict[str, Any]) -> dict[str, Any]:
        data = dict(record["data"])
        for ref in ("event_id", "contact_id"):
            if ref in data:
                data[ref] = by_id[data[ref]]["data"]["name"]
        return {"kind": record["kind"], "data": data}

    return sorted((describe(r) for r in backup["records"]), key=json.dumps)


def test_json_backup_imports_back_losslessly_into_another_account(api: Api, app: Flask) -> None:
    api.sign_up("Ada")
    seed_account(api)
    backup = api.get("/api/export/backup.json")
    assert "attachment" in backup.headers["Content-Disposition"]
    original = backup.get_json()
    other = Api(app.test_client())
    other.sign_up("Ada on a new account")
    assert other.post(
        "/api/import/preview", {"filename": "b.json", "content": json.dumps(original)}
    ).get_json()["counts"] == {"event": 1, "contact": 1, "interaction": 1, "card": 1}
    result = other.post("/api/import/commit", {"format": "backup", "content": json.dumps(original)})
    assert result.status_code == 200, result.get_json()
    restored = other.get("/api/export/backup.json").get_json()
    assert comparable(restored) == comparable(original)
    # The original account is untouched.
    assert comparable(api.get("/api/export/backup.json").get_json()) == comparable(original)


def test_json_backup_restores_into_the_same_account(api: Api) -> None:
    api.sign_up()
    seed_account(api)
    original = api.get("/api/export/backup.json").get_json()
    result = api.post("/api/import/commit", {"format": "backup", "content": json.dumps(original)})
    assert result.status_code == 200
    again = api.get("/api/export/backup.json").get_json()
    assert sorted(json.dumps(r, sort_keys=True) for r in again["records"]) == sorted(
        json.dumps(r, sort_keys=True) for r in original["records"]
    )


def test_export_one_event(api: Api) -> None:
    api.sign_up()
    seed_account(api)
    import_all(api, "ada.vcf", ANDROID_21)
    event_id = next(
        r["id"] for r in api.get("/api/export/backup.json").get_json()["records"] if r["kind"] == "event"
    )
    rows = list(
        csv.DictReader(
            io.StringIO(
                api.get(f"/api/export/contacts.csv?event_id={event_id}")
                .get_data(as_text=True)
                .lstrip("\ufeff")
            )
        )
    )
    assert [r["Name"] for r in rows] == ["Grace"]


def test_formula_injection_is_defused_in_csv_export(api: Api) -> None:
    api.sign_up()
    import_all(
        api,
        "evil.vcf",
        "BEGIN:VCARD\nVERSION:3.0\nFN:=cmd|' /C calc'!A0\nORG:+SUM(1)\nNOTE:@evil\nEND:VCARD\n",
    )
    [row] = list(
        csv.DictReader(
            io.StringIO(api.get("/api/export/contacts.csv").get_data(as_text=True).lstrip("\ufeff"))
        )
    )
    assert row["Name"] == "'=cmd|' /C calc'!A0"
    assert row["Company"] == "'+SUM(1)"
    assert row["Notes"] == "'@evil"


def test_script_in_names_is_kept_as_text(api: Api) -> None:
    api.sign_up()
    import_all(api, "x.vcf", "BEGIN:VCARD\nVERSION:3.0\nFN:<script>alert(1)</script>\nEND:VCARD\n")
    assert "<script>alert(1)</script>" in contacts(api)


def test_a_file_with_one_bad_contact_imports_nothing(api: Api, app: Flask) -> None:
    api.sign_up()
    before = count_rows(SyncRecord, app)
    response = api.post(
        "/api/import/commit",
        {
            "format": "vcard",
            "contacts": [
                {"fields": {"name": "Fine"}, "action": "new"},
                {"fields": {"name": "x" * 300}, "action": "new"},
            ],
        },
    )
    assert response.status_code == 400
    assert "Nothing was imported. Entry 2" in response.get_json()["description"]
    assert count_rows(SyncRecord, app) == before


@pytest.mark.parametrize(
    ("filename", "content", "message"),
    [
        ("x.vcf", "BEGIN:VCARD\x00\x00", "not text"),
        ("x.json", "{broken", "damaged"),
        ("x.json", '{"format": "something else", "records": []}', "not a Cultivate backup"),
        ("x.csv", "foo,bar\n1,2\n", "no Name or Email column"),
        ("x.txt", "hello", "Import .vcf"),
        ("x.vcf", "BEGIN:VCARD\nVERSION:3.0\nEND:VCARD\n", "No contacts"),
    ],
)
def test_broken_files_are_refused_clearly(
    api: Api, app: Flask, filename: str, content: str, message: str
) -> None:
    api.sign_up()
    response = preview(api, filename, content)
    assert response.status_code == 400
    assert message in response.get_json()["description"]


def test_huge_files_are_refused(api: Api) -> None:
    api.sign_up()
    response = api.client.post(
        "/api/import/preview",
        data=b'{"filename": "big.vcf", "content": "' + b"x" * (9 * 1024 * 1024) + b'"}',
        content_type="application/json",
        headers={"Origin": "http://localhost:5000"},
    )
    assert response.status_code == 413
    assert response.get_json()["description"] == "The request is too large."


def test_merge_into_someone_elses_contact_is_refused(api: Api, app: Flask) -> None:
    api.sign_up("Ada")
    import_all(api, "g.vcf", "BEGIN:VCARD\nVERSION:3.0\nFN:Grace\nEND:VCARD\n")
    grace_id = api.get("/api/export/backup.json").get_json()["records"][0]["id"]
    bob = Api(app.test_client())
    bob.sign_up("Bob")
    response = bob.post(
        "/api/import/commit",
        {
            "format": "vcard",
            "contacts": [{"fields": {"name": "Owned"}, "action": "merge", "merge_into": grace_id}],
        },
    )
    assert response.status_code == 400
    assert contacts(api)["Grace"] == {"name": "Grace", "met_where": "Imported"}
