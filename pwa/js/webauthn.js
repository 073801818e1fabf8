// Passkey ceremonies in the browser: JSON options in, Level 3 JSON credentials out.

const b64urlToBytes = (text) => {
  const base64 = text.replace(/-/g, '+').replace(/_/g, '/');
  return Uint8Array.from(atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4)), (c) => c.charCodeAt(0));
};
const bytesToB64url = (buffer) =>
  btoa(String.fromCharCode(...new Uint8Array(buffer))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

// Browsers from 2024 on parse and serialise for us; the fallbacks keep older ones working.
const parseCreation = (json) =>
  PublicKeyCredential.parseCreationOptionsFromJSON?.(json) ?? {
    ...json,
    challenge: b64urlToBytes(json.challenge),
    user: { ...json.user, id: b64urlToBytes(json.user.id) },
    excludeCredentials: (json.excludeCredentials ?? []).map((c) => ({ ...c, id: b64urlToBytes(c.id) })),
  };

const parseRequest = (json) =>
  PublicKeyCredential.parseRequestOptionsFromJSON?.(json) ?? {
    ...json,
    challenge: b64urlToBytes(json.challenge),
    allowCredentials: (json.allowCredentials ?? []).map((c) => ({ ...c, id: b64urlToBytes(c.id) })),
  };

function toJSON(credential) {
  if (typeof credential.toJSON === 'function') return credential.toJSON();
  const r = credential.response;
  const response = { clientDataJSON: bytesToB64url(r.clientDataJSON) };
  if (r.attestationObject) {
    response.attestationObject = bytesToB64url(r.attestationObject);
    response.transports = r.getTransports?.() ?? [];
  } else {
    response.authenticatorData = bytesToB64url(r.authenticatorData);
    response.signature = bytesToB64url(r.signature);
    if (r.userHandle) response.userHandle = bytesToB64url(r.userHandle);
  }
  return {
    id: credential.id,
    rawId: bytesToB64url(credential.rawId),
    type: credential.type,
    response,
    authenticatorAttachment: credential.authenticatorAttachment ?? undefined,
    clientExtensionResults: credential.getClientExtensionResults?.() ?? {},
  };
}

/** True when this browser can use passkeys at all. */
export const passkeysSupported = () => typeof window.PublicKeyCredential === 'function';

/** True when the browser offers passkeys in the autofill of a username field. */
export async function autofillSupported() {
  return Boolean(await PublicKeyCredential.isConditionalMediationAvailable?.().catch(() => false));
}

/** Create a passkey from server options; resolves to RegistrationResponseJSON. */
export async function createPasskey(optionsJSON) {
  const credential = await navigator.credentials.create({ publicKey: parseCreation(optionsJSON) });
  return toJSON(credential);
}

/**
 * Ask for a passkey; with `conditional` the browser waits for the person to pick one from
 * the autofill list. Resolves to AuthenticationResponseJSON.
 */
export async function getPasskey(optionsJSON, { conditional = false, signal } = {}) {
  const credential = await navigator.credentials.get({
    publicKey: parseRequest(optionsJSON),
    mediation: conditional ? 'conditional' : 'optional',
    signal,
  });
  return toJSON(credential);
}

/** A short device label for naming a new passkey ("Chrome on Android"). */
export function deviceLabel() {
  const ua = navigator.userAgent;
  const os = /Android/.test(ua) ? 'Android' : /iPhone|iPad/.test(ua) ? 'iPhone'
    : /Mac OS X/.test(ua) ? 'Mac' : /Windows/.test(ua) ? 'Windows' : /Linux/.test(ua) ? 'Linux' : 'this device';
  const browser = /Edg\//.test(ua) ? 'Edge' : /Firefox\//.test(ua) ? 'Firefox'
    : /Chrome\//.test(ua) ? 'Chrome' : /Safari\//.test(ua) ? 'Safari' : 'Browser';
  return `${browser} on ${os}`;
}

/** Turn a WebAuthn DOMException into a sentence, or null when the person just cancelled. */
export function describePasskeyError(error) {
  if (error?.name === 'AbortError') return null;
  if (error?.name === 'NotAllowedError') return 'No passkey was used. Try again when you are ready.';
  if (error?.name === 'InvalidStateError') return 'This device already has a passkey for this account.';
  if (error?.name === 'SecurityError') return 'Passkeys only work on the app\'s own address (use localhost, not an IP).';
  return error?.message || 'The passkey did not work. Please try again.';
}
