"""Routes for nudges: settings, the VAPID public key, push subscriptions, a test nudge."""

from datetime import time
from typing import Annotated
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import Blueprint, current_app, g, request
from pydantic import Field, field_validator
from sqlalchemy import delete, select

from ..api import Body, Out, api
from ..db import db, utcnow
from ..errors import ApiError
from .models import PushSubscription, UserSettings
from .push import PushFailed, SubscriptionGone, application_server_key
from .runner import settings_for

bp = Blueprint("nudges", __name__, url_prefix="/api")

ClockTime = Annotated[str, Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$", description="HH:MM, 24-hour")]
B64Url = Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]+={0,2}$")]


class SettingsOut(Out):
    follow_up_hours: int
    quiet_start: str
    quiet_end: str
    timezone: str
    thank_you_template: str | None


class SettingsIn(Body):
    follow_up_hours: Annotated[int, Field(ge=1, le=168, description="The follow-up window")] | None = None
    quiet_start: ClockTime | None = None
    quiet_end: ClockTime | None = None
    timezone: Annotated[str, Field(min_length=1, max_length=64)] | None = None
    thank_you_template: Annotated[str, Field(max_length=2000)] | None = None

    @field_validator("timezone")
    @classmethod
    def known_zone(cls, value: str | None) -> str | None:
        if value is None:
            return value
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"{value!r} is not a time zone this server knows (e.g. Europe/Paris)") from None
        return value


class ServerKey(Out):
    public_key: str


class SubscriptionKeys(Body):
    p256dh: Annotated[B64Url, Field(max_length=200)]
    auth: Annotated[B64Url, Field(max_length=100)]


class SubscriptionIn(Body):
    """`PushSubscription.toJSON()` as the browser gives it."""

    endpoint: Annotated[str, Field(max_length=2048)]
    keys: SubscriptionKeys
    expirationTime: int | None = None

    @field_validator("endpoint")
    @classmethod
    def push_service_url(cls, value: str) -> str:
        url = urlsplit(value)
        loopback = url.hostname in ("localhost", "127.0.0.1", "::1")
        if url.scheme != "https" and not (url.scheme == "http" and loopback):
            raise ValueError("must be an https URL of a push service")
        return value


class SubscriptionOut(Out):
    id: str
    user_agent: str
    created_at: str


class SubscriptionList(Out):
    subscriptions: list[SubscriptionOut]


class TestResult(Out):
    delivered: int
    removed: int
    failed: int


def _settings_out(s: UserSettings) -> SettingsOut:
    return SettingsOut(
        follow_up_hours=s.follow_up_hours,
        quiet_start=s.quiet_start,
        quiet_end=s.quiet_end,
        timezone=s.timezone,
        thank_you_template=s.thank_you_template,
    )


@bp.get("/settings")
@api(response=SettingsOut)
def get_settings() -> SettingsOut:
    """Read my follow-up window, quiet hours, time zone and thank-you template."""
    return _settings_out(settings_for(g.user.id))


@bp.patch("/settings")
@api(body=SettingsIn, response=SettingsOut)
def update_settings(body: SettingsIn) -> SettingsOut:
    """Change any of my nudge settings; quiet hours need both ends to differ."""
    settings = db.session.get(UserSettings, g.user.id)
    if settings is None:
        settings = settings_for(g.user.id)
        db.session.add(settings)
    for name, value in body.model_dump(exclude_unset=True).items():
        if value is None and name != "thank_you_template":
            raise ApiError(400, f"{name}: cannot be empty")
        setattr(settings, name, value)
    if time.fromisoformat(settings.quiet_start) == time.fromisoformat(settings.quiet_end):
        db.session.rollback()
        raise ApiError(400, "Quiet hours must start and end at different times.")
    settings.updated_at = utcnow()
    db.session.commit()
    return _settings_out(settings)


@bp.get("/push/key")
@api(response=ServerKey)
def push_key() -> ServerKey:
    """The VAPID public key for `pushManager.subscribe({applicationServerKey})`."""
    return ServerKey(public_key=application_server_key(current_app.extensions["cultivate_vapid"]))


@bp.post("/push/subscriptions")
@api(body=SubscriptionIn, response=SubscriptionOut, status=201)
def subscribe(body: SubscriptionIn) -> SubscriptionOut:
    """Store this browser's push subscription (it moves to me if another person had it)."""
    sub = db.session.scalar(select(PushSubscription).where(PushSubscription.endpoint == body.endpoint))
    if sub is None:
        sub = PushSubscription(endpoint=body.endpoint, created_at=utcnow())
        db.session.add(sub)
    sub.user_id, sub.p256dh, sub.auth = g.user.id, body.keys.p256dh, body.keys.auth
    sub.user_agent = request.headers.get("User-Agent", "")[:200]
    db.session.commit()
    return SubscriptionOut(id=sub.id, user_agent=sub.user_agent, created_at=sub.created_at.isoformat())


@bp.get("/push/subscriptions")
@api(response=SubscriptionList)
def list_subscriptions() -> SubscriptionList:
    """List the browsers that get my nudges."""
    subs = db.session.scalars(select(PushSubscription).where(PushSubscription.user_id == g.user.id))
    return SubscriptionList(
        subscriptions=[
            SubscriptionOut(id=s.id, user_agent=s.user_agent, created_at=s.created_at.isoformat())
            for s in subs
        ]
    )


@bp.delete("/push/subscriptions/<subscription_id>")
@api()
def unsubscribe(subscription_id: str) -> None:
    """Stop nudges to one browser."""
    gone = db.session.execute(
        delete(PushSubscription).where(
            PushSubscription.id == subscription_id, PushSubscription.user_id == g.user.id
        )
    )
    if gone.rowcount != 1:  # type: ignore[attr-defined]
        raise ApiError(404, "No such subscription.")
    db.session.commit()


@bp.post("/push/test")
@api(body=Body, response=TestResult)
def send_test(body: Body) -> TestResult:
    """Send a test notification to each of my browsers now."""
    sender = current_app.extensions["cultivate_push_sender"]
    result = TestResult(delivered=0, removed=0, failed=0)
    for sub in db.session.scalars(select(PushSubscription).where(PushSubscription.user_id == g.user.id)):
        info = {"endpoint": sub.endpoint, "keys": {"p256dh": sub.p256dh, "auth": sub.auth}}
        payload = {
            "title": "Nudges are on",
            "body": "This is how Cultivate reminds you to follow up.",
            "url": "/follow-up",
            "tag": "test",
        }
        try:
            sender.send(info, payload, ttl=600, topic="test")
            result.delivered += 1
        except SubscriptionGone:
            db.session.delete(sub)
            result.removed += 1
        except PushFailed:
            result.failed += 1
    db.session.commit()
    return result
