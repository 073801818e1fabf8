// Moves the outbox to the server and server changes into the store. The only module that
// talks to /api/sync. Runs after saves, when the network returns, on open and on return to
// the app; backs off after failures; reports where the data stands.

import { ApiError, post } from './api.js';
import * as store from './store.js';
import { coalesce } from './ui.js';

const PUSH_BATCH = 100;
const PULL_PAGE = 500;
const MAX_BACKOFF_MS = 60_000;

/** @typedef {{state: 'offline'|'syncing'|'synced'|'waiting'|'failed'|'signed-out', pending: number, problems: number, message?: string}} SyncStatus */

/** Notifies listeners with detail: SyncStatus. */
export const statusEvents = new EventTarget();

let failures = 0;
let retryTimer = null;
let lastStatus = { state: 'synced', pending: 0, problems: 0 };
let started = false;

function publish(status) {
  lastStatus = status;
  statusEvents.dispatchEvent(new CustomEvent('status', { detail: status }));
}

async function report(state, message) {
  const [pending, problems] = await Promise.all([store.pendingCount(), store.problems().then((p) => p.length)]);
  publish({ state, pending, problems, message });
}

/** The latest status, for a screen that just opened. */
export const currentStatus = () => lastStatus;

/** Describe a status in a few words, as the Sync status element shows it. */
export function describe({ state, pending, problems, message }) {
  const waiting = pending ? ` · ${pending} waiting` : '';
  const refused = problems ? ` · ${problems} not saved` : '';
  switch (state) {
    case 'offline': return `Offline${waiting}`;
    case 'syncing': return 'Syncing…';
    case 'waiting': return `${pending} waiting`;
    case 'failed': return `${message}${waiting}`;
    case 'signed-out': return `Sign in again to sync${waiting}`;
    default: return `Synced${refused}`;
  }
}

/** Sync now (or right after the sync under way); resolves when done. */
export const syncNow = coalesce(syncOnce);

async function syncOnce() {
  clearTimeout(retryTimer);
  if (!store.isOpen()) return; // signed out
  if (!navigator.onLine) {
    await report('offline');
    return;
  }
  await report('syncing');
  const started = performance.now();
  try {
    const { clientId } = await store.syncState();
    await pushAll(clientId);
    await pullAll(clientId);
    // Photos of codes taken offline are rare: their reader loads only when one waits.
    if (await store.pendingScanCount()) await (await import('./scan.js')).readPendingScans();
    if (await store.pendingCount()) {
      // Reading a photo filled in a contact: send that too.
      await pushAll(clientId);
      await pullAll(clientId);
    }
    failures = 0;
    performance.measure('sync', { start: started }); // read by bench/ (first pull, offline backlog)
    const pending = await store.pendingCount();
    await report(pending ? 'waiting' : 'synced');
  } catch (error) {
    await handleFailure(error);
  }
}

async function pushAll(clientId) {
  let after = 0;
  for (;;) {
    const mutations = await store.outboxAfter(after, PUSH_BATCH);
    if (!mutations.length) return;
    const { last_mutation_id: confirmed } = await post('/api/sync/push', { client_id: clientId, mutations });
    // Confirmed mutations leave the outbox on the next pull, together with their rows.
    after = Math.max(confirmed, mutations[mutations.length - 1].id);
  }
}

async function pullAll(clientId) {
  const { cursor, acked } = await store.syncState();
  const fetchPage = (from) => {
    const request = post('/api/sync/pull', { client_id: clientId, cursor: from, acked_mutation_id: acked, limit: PULL_PAGE });
    request.catch(() => {}); // awaited below; never an unhandled rejection if writing fails first
    return request;
  };
  const kinds = new Set();
  let next = fetchPage(cursor);
  try {
    for (;;) {
      const page = await next;
      // Ask for the next page while this one is written: the network and IndexedDB overlap.
      if (page.has_more) next = fetchPage(page.cursor);
      for (const kind of await store.applyPull(page, !page.has_more)) kinds.add(kind);
      if (!page.has_more) return;
    }
  } finally {
    // Screens hear once per pull, not once per page: a first pull of thousands stays one redraw.
    store.announce(kinds);
  }
}

async function handleFailure(error) {
  if (error instanceof ApiError && error.status === 401) {
    await report('signed-out');
    statusEvents.dispatchEvent(new Event('signed-out'));
    return;
  }
  if (!navigator.onLine) {
    await report('offline'); // the `online` event brings us back
    return;
  }
  failures += 1;
  // Exponential backoff with jitter, so a recovering server is not stampeded.
  const delay = Math.min(MAX_BACKOFF_MS, 500 * 2 ** failures) * (0.75 + Math.random() / 2);
  retryTimer = setTimeout(syncNow, delay);
  if (error instanceof ApiError && error.status === 0) {
    // The network is up but the server is out of reach (a captive portal, a restart).
    await report('offline');
    return;
  }
  const seconds = Math.round(delay / 1000);
  const reason = error instanceof ApiError && error.status >= 500
    ? 'Server trouble' : (error?.message || 'Sync failed');
  await report('failed', `${reason}; retrying in ${seconds} s`);
}

let saveTimer = null;
/** Ask for a sync soon after a local save (several quick saves share one sync). */
export function syncSoon() {
  if (!store.isOpen()) return;
  // Say at once that something waits (never "Synced" with a change unsent); the exact count
  // follows from the store.
  const state = navigator.onLine ? (syncNow.busy() ? lastStatus.state : 'waiting') : 'offline';
  publish({ ...lastStatus, state, pending: lastStatus.pending + 1 });
  report(state, lastStatus.message).catch(() => {});
  clearTimeout(saveTimer);
  saveTimer = setTimeout(syncNow, 300);
}

/** Start syncing on open, on `online`, and whenever the app comes back into view. */
export function startSync() {
  if (!started) {
    started = true;
    window.addEventListener('online', () => {
      failures = 0;
      syncNow();
    });
    window.addEventListener('offline', () => report('offline'));
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible') syncNow();
    });
    store.changes.addEventListener('change', (event) => {
      if (event.detail.kinds.has('problems')) report(lastStatus.state, lastStatus.message);
    });
  }
  return syncNow();
}

/** Stop timers (sign-out). */
export function stopSync() {
  clearTimeout(retryTimer);
  clearTimeout(saveTimer);
}
