"""Request and response bodies for the account routes (WebAuthn Level 3 JSON shapes)."""

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, RootModel

from ..api import Body, Out

B64Url = Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]*={0,2}$", max_length=16384)]
Name = Annotated[str, Field(min_length=1, max_length=80)]
PasskeyName = Annotated[str, Field(min_length=1, max_length=60)]


class _Strict(Body):
    model_config = ConfigDict(extra="forbid")


class AttestationResponseJSON(_Strict):
    clientDataJSON: B64Url
    attestationObject: B64Url
    authenticatorData: B64Url | None = None
    transports: list[Annotated[str, Field(max_length=20)]] | None = Field(None, max_length=10)
    publicKeyAlgorithm: int | None = None
    publicKey: B64Url | None = None


class RegistrationResponseJSON(_Strict):
    """What `PublicKeyCredential.toJSON()` gives after `navigator.credentials.create()`."""

    id: B64Url
    rawId: B64Url
    type: Literal["public-key"]
    response: AttestationResponseJSON
    authenticatorAttachment: Literal["platform", "cross-platform"] | None = None
    clientExtensionResults: dict[str, Any] = Field(default_factory=dict)


class AssertionResponseJSON(_Strict):
    clientDataJSON: B64Url
    authenticatorData: B64Url
    signature: B64Url
    userHandle: B64Url | None = None
    attestationObject: B64Url | None = None


class AuthenticationResponseJSON(_Strict):
    """What `PublicKeyCredential.toJSON()` gives after `navigator.credentials.get()`."""

    id: B64Url
    rawId: B64Url
    type: Literal["public-key"]
    response: AssertionResponseJSON
    authenticatorAttachment: Literal["platform", "cross-platform"] | None = None
    clientExtensionResults: dict[str, Any] = Field(default_factory=dict)


class SignUpStart(Body):
    name: Name


class NewPasskey(Body):
    credential: RegistrationResponseJSON
    passkey_name: PasskeyName | None = None


class SignIn(Body):
    credential: AuthenticationResponseJSON


class RecoveryStart(Body):
    code: Annotated[str, Field(min_length=1, max_length=40)]


class RenamePasskey(Body):
    name: PasskeyName


class Empty(Body):
    """No fields."""


class PasskeyOptions(RootModel[dict[str, Any]]):
    """PublicKeyCredentialCreationOptionsJSON or ...RequestOptionsJSON, for `parse*FromJSON`."""


class UserOut(Out):
    id: str
    name: str
    created_at: datetime


class MeOut(Out):
    user: UserOut
    passkey_count: int
    recovery_codes_left: int


class SignUpOut(MeOut):
    recovery_codes: list[str]


class PasskeyOut(Out):
    id: str
    name: str
    created_at: datetime
    last_used_at: datetime | None
    synced: bool = Field(description="True for a passkey that syncs between devices")


class PasskeyList(Out):
    passkeys: list[PasskeyOut]


class SessionOut(Out):
    id: str
    user_agent: str
    created_at: datetime
    last_seen_at: datetime
    current: bool


class SessionList(Out):
    sessions: list[SessionOut]


class SessionsEnded(Out):
    ended: int


class RecoveryCodes(Out):
    codes: list[str]


class RecoveryStatus(Out):
    remaining: int
