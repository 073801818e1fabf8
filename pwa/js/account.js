// Account flows: each pairs a server ceremony with the browser's passkey prompt.

import { del, get, patch, post } from './api.js';
import { createPasskey, deviceLabel, getPasskey } from './webauthn.js';

const ME_KEY = 'cultivate.me';

/** The person last seen signed in on this device, so the app opens offline. */
export function cachedMe() {
  try {
    return JSON.parse(localStorage.getItem(ME_KEY));
  } catch {
    return null;
  }
}

function remember(me) {
  if (me) localStorage.setItem(ME_KEY, JSON.stringify(me));
  else localStorage.removeItem(ME_KEY);
  return me;
}

/** Ask the server who is signed in; null when signed out. Throws ApiError(0) offline. */
export async function fetchMe() {
  try {
    return remember(await get('/api/me'));
  } catch (error) {
    if (error.status === 401) return remember(null);
    throw error;
  }
}

/** Create an account with a new passkey; resolves to the sign-up answer with recovery codes. */
export async function signUp(name) {
  const options = await post('/api/auth/register/options', { name });
  const credential = await createPasskey(options);
  const result = await post('/api/auth/register/verify', { credential, passkey_name: deviceLabel() });
  remember(result);
  return result;
}

/** Sign in with a passkey (from a button, or from autofill when `conditional`). */
export async function signIn({ conditional = false, signal } = {}) {
  const options = await post('/api/auth/login/options', {});
  const credential = await getPasskey(options, { conditional, signal });
  return remember(await post('/api/auth/login/verify', { credential }));
}

/** Enrol a new passkey with a recovery code, which is then used up. */
export async function recover(code) {
  const options = await post('/api/auth/recover/options', { code });
  const credential = await createPasskey(options);
  return remember(await post('/api/auth/recover/verify', { credential, passkey_name: deviceLabel() }));
}

/** End this session on the server and forget the person on this device. */
export async function signOut() {
  await post('/api/auth/logout', {});
  remember(null);
}

export const signOutOthers = () => post('/api/auth/logout-others', {});
export const listPasskeys = async () => (await get('/api/passkeys')).passkeys;
export const listSessions = async () => (await get('/api/sessions')).sessions;
export const renamePasskey = (id, name) => patch(`/api/passkeys/${encodeURIComponent(id)}`, { name });
export const removePasskey = (id) => del(`/api/passkeys/${encodeURIComponent(id)}`);
export const recoveryStatus = () => get('/api/recovery-codes');
export const newRecoveryCodes = async () => (await post('/api/recovery-codes', {})).codes;

/** Add another passkey to the signed-in account. */
export async function addPasskey() {
  const options = await post('/api/passkeys/options', {});
  const credential = await createPasskey(options);
  return post('/api/passkeys', { credential, passkey_name: deviceLabel() });
}

/** Forget local state for a person who was signed out by the server (401). */
export const forget = () => remember(null);
