// My card: its public link and QR codes, cached on the device so Me shows them offline.

import { get, patch, post } from './api.js';
import * as store from './store.js';

const LINK_KEY = 'cultivate.card-link';
const QR_KEY = 'cultivate.card-qr';

/** The card's id, slug and public URL as last known (null before the first fetch). */
export function cachedLink() {
  try {
    return JSON.parse(localStorage.getItem(LINK_KEY));
  } catch {
    return null;
  }
}

function rememberLink(link) {
  localStorage.setItem(LINK_KEY, JSON.stringify(link));
  return link;
}

/** Fetch the link (and, with it, the card's id). */
export const refreshLink = async () => rememberLink(await get('/api/card/link'));
export const setPublic = async (enabled) => rememberLink(await patch('/api/card/link', { enabled }));
export const rotateLink = async () => rememberLink(await post('/api/card/link/rotate', {}));

/** My card's fields from the local store, or null. */
export async function myCard() {
  const link = cachedLink();
  return link ? (await store.get('card', link.card_id)) ?? null : null;
}

/** Save changed card fields locally (syncs like everything else). */
export async function saveCard(fields) {
  const link = cachedLink() ?? (await refreshLink());
  return store.write('card', link.card_id, fields);
}

function cachedQr() {
  try {
    return JSON.parse(localStorage.getItem(QR_KEY)) ?? {};
  } catch {
    return {};
  }
}

/**
 * The SVG of a QR code ("url" or "vcard"), from the cache when it matches `version`, else from
 * the server (then cached). Resolves to null offline with nothing cached.
 */
export async function qrSvg(content, version) {
  const cache = cachedQr();
  const hit = cache[content];
  if (hit && hit.version === version) return hit.svg;
  try {
    const response = await fetch(`/api/card/qr.svg${content === 'vcard' ? '?content=vcard' : ''}`, { credentials: 'same-origin' });
    if (!response.ok) return hit?.svg ?? null;
    const svg = await response.text();
    localStorage.setItem(QR_KEY, JSON.stringify({ ...cachedQr(), [content]: { version, svg } }));
    return svg;
  } catch {
    return hit?.svg ?? null; // offline: an older code is better than none
  }
}

/** Forget the cached link and codes (sign-out). */
export function forgetCard() {
  localStorage.removeItem(LINK_KEY);
  localStorage.removeItem(QR_KEY);
}
