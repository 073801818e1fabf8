"""My card: its link and QR, the public page without JavaScript, the details form, vCard."""

import uuid
from typing import Any

import pytest
import vobject
from flask import Flask
from flask.testing import FlaskClient

from server.sync.models import SyncRecord

from .conftest import ORIGIN, Api, count_rows


class Owner:
    def __init__(self, api: Api, name: str = "Ada Lovelace") -> None:
        self.api = api
        api.sign_up(name)
        self.client_id = str(uuid.uuid4())
        self.next_id = 1
        self.link = api.get("/api/card/link").get_json()

    def put_card(self, **fields: Any) -> Any:
        response = self.api.post(
            "/api/sync/push",
            {
                "client_id": self.client_id,
                "mutations": [
                    {
                        "id": self.next_id,
                        "name": "card.put",
                        "args": {"id": self.link["card_id"], "fields": fields},
                    },
                ],
            },
        )
        self.next_id += 1
        return response

    def contacts(self) -> list[dict[str, Any]]:
        pulled = self.api.post("/api/sync/pull", {"client_id": self.client_id}).get_json()
        return [c["data"] for c in pulled["changes"] if c["kind"] == "contact"]


@pytest.fixture
def owner(api: Api) -> Owner:
    me = Owner(api)
    me.put_card(
        name="Ada Lovelace",
        title="Analyst",
        company="Engines Ltd",
        email="ada@example.org",
        phone="+44 20 7946 0000",
        pitch="Poetical science",
        can_help_with="maths",
        looking_for="a machinist",
        links=["https://example.org/ada"],
    )
    return me


def visitor(app: Flask) -> FlaskClient:
    """A stranger's browser: no session, no JavaScript, plain form posts."""
    return app.test_client()


def test_link_is_unguessable_and_card_id_stable(owner: Owner) -> None:
    again = owner.api.get("/api/card/link").get_json()
    assert again == owner.link
    assert len(owner.link["slug"]) >= 16
    assert owner.link["url"] == f"{ORIGIN}/c/{owner.link['slug']}"


def test_a_card_has_one_id(owner: Owner) -> None:
    response = owner.api.post(
        "/api/sync/push",
        {
            "client_id": owner.client_id,
            "mutations": [
                {
                    "id": owner.next_id,
                    "name": "card.put",
                    "args": {"id": str(uuid.uuid4()), "fields": {"name": "X"}},
                },
            ],
        },
    )
    assert response.status_code == 200
    pulled = owner.api.post("/api/sync/pull", {"client_id": owner.client_id}).get_json()
    assert "one card" in pulled["rejections"][0]["description"]


def test_public_page_shows_the_card_without_javascript(owner: Owner, app: Flask) -> None:
    with visitor(app).get(f"/c/{owner.link['slug']}") as page:
        html = page.get_data(as_text=True)
        assert page.status_code == 200
        assert page.mimetype == "text/html"
        assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert "<script" not in html
    for text in (
        "Ada Lovelace",
        "Analyst · Engines Ltd",
        "Poetical science",
        "a machinist",
        "ada@example.org",
    ):
        assert text in html
    assert 'href="/c/' in html and "contact.vcf" in html
    assert ">Send me your details<" in html and 'name="email"' in html


def test_everything_typed_is_escaped(api: Api, app: Flask) -> None:
    owner = Owner(api, "Mallory")
    owner.put_card(name='<script>alert("x")</script>', pitch="<img src=x onerror=alert(1)>")
    html = visitor(app).get(f"/c/{owner.link['slug']}").get_data(as_text=True)
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;" in html
    response = visitor(app).post(
        f"/c/{owner.link['slug']}/details", data={"name": "<b>bold</b>", "email": "x"}
    )
    assert "<b>bold</b>" not in response.get_data(as_text=True)


def test_save_contact_downloads_a_vcard(owner: Owner, app: Flask) -> None:
    response = visitor(app).get(f"/c/{owner.link['slug']}/contact.vcf")
    assert response.mimetype == "text/vcard"
    assert 'filename="Ada-Lovelace.vcf"' in response.headers["Content-Disposition"]
    card = vobject.readOne(response.get_data(as_text=True))
    assert card.fn.value == "Ada Lovelace"
    assert card.org.value == ["Engines Ltd"]
    assert card.email.value == "ada@example.org"
    assert card.tel.value == "+44 20 7946 0000"
    assert {u.value for u in card.contents["url"]} == {"https://example.org/ada", owner.link["url"]}


def test_details_form_creates_a_contact_for_the_owner_only(owner: Owner, api: Api, app: Flask) -> None:
    other = Owner(Api(app.test_client()), "Bob")
    response = visitor(app).post(
        f"/c/{owner.link['slug']}/details",
        data={
            "name": "Grace Hopper",
            "email": "grace@example.org",
            "company": "Navy",
            "message": "Loved your talk",
        },
    )
    assert response.status_code == 200
    assert "Thank you, Grace Hopper!" in response.get_data(as_text=True)
    [contact] = owner.contacts()
    assert contact["name"] == "Grace Hopper"
    assert contact["email"] == "grace@example.org"
    assert contact["notes"] == "Loved your talk"
    assert contact["tags"] == ["from my card"]
    assert contact["follow_up_due"] > contact["met_at"]
    assert other.contacts() == []


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"name": "", "email": "a@b.example"}, "Please give your name."),
        ({"name": "Grace", "email": "not-an-email"}, "doesn&#39;t look right"),
        ({"name": "Grace"}, "Leave an email or a phone number"),
        ({"name": "Grace", "email": "g@x.example", "message": "x" * 1001}, "under 1000 characters"),
    ],
)
def test_junk_is_refused_with_a_message_and_nothing_saved(
    owner: Owner, app: Flask, data: dict, error: str
) -> None:
    response = visitor(app).post(f"/c/{owner.link['slug']}/details", data=data)
    assert response.status_code == 400
    assert error in response.get_data(as_text=True)
    assert owner.contacts() == []


def test_bots_filling_the_hidden_field_get_thanks_and_nothing(owner: Owner, app: Flask) -> None:
    response = visitor(app).post(
        f"/c/{owner.link['slug']}/details",
        data={"name": "Spam", "email": "s@spam.example", "website": "http://spam"},
    )
    assert response.status_code == 200
    assert owner.contacts() == []


def test_rotated_slug_stops_working(owner: Owner, app: Flask) -> None:
    old = owner.link["slug"]
    new = owner.api.post("/api/card/link/rotate").get_json()
    assert new["slug"] != old
    assert visitor(app).get(f"/c/{old}").status_code == 404
    assert (
        visitor(app).post(f"/c/{old}/details", data={"name": "X", "email": "x@y.example"}).status_code == 404
    )
    assert visitor(app).get(f"/c/{new['slug']}").status_code == 200


def test_switched_off_page_is_404(owner: Owner, app: Flask) -> None:
    assert owner.api.patch("/api/card/link", {"enabled": False}).get_json()["enabled"] is False
    response = visitor(app).get(f"/c/{owner.link['slug']}")
    assert response.status_code == 404
    assert "This card isn't here" in response.get_data(as_text=True)


def test_before_a_card_is_made_the_page_shows_the_name(api: Api, app: Flask) -> None:
    owner = Owner(api, "Cardless Carol")
    page = visitor(app).get(f"/c/{owner.link['slug']}")
    assert page.status_code == 200
    assert "Cardless Carol" in page.get_data(as_text=True)


def test_details_form_is_rate_limited(owner: Owner, make_app) -> None:  # type: ignore[no-untyped-def]
    limited = make_app(RATELIMIT_ENABLED=True, RATELIMIT_CARD="2 per minute")
    client = limited.test_client()
    statuses = [
        client.post(
            f"/c/{owner.link['slug']}/details", data={"name": f"P{i}", "email": "p@x.example"}
        ).status_code
        for i in range(3)
    ]
    assert statuses == [200, 200, 429]
    assert "Too many tries" in client.post(f"/c/{owner.link['slug']}/details", data={}).get_data(as_text=True)
    assert len(owner.contacts()) == 2


def test_qr_codes_are_svg(owner: Owner) -> None:
    for query in ("", "?content=vcard"):
        response = owner.api.get(f"/api/card/qr.svg{query}")
        assert response.status_code == 200
        assert response.mimetype == "image/svg+xml"
        assert response.get_data(as_text=True).startswith("<svg")


def test_card_routes_need_sign_in(client: FlaskClient) -> None:
    assert client.get("/api/card/link").status_code == 401
    assert client.get("/api/card/qr.svg").status_code == 401


def test_the_contact_counts_as_one_row(owner: Owner, app: Flask) -> None:
    before = count_rows(SyncRecord, app)
    visitor(app).post(f"/c/{owner.link['slug']}/details", data={"name": "One", "email": "one@x.example"})
    assert count_rows(SyncRecord, app) == before + 1
