// The app's database: IndexedDB, one per signed-in person. Every screen reads and writes here
// only; sync.js moves the outbox to the server and server changes back in.
//
// Stores: `contacts` and `events` hold what the screens show (the server's copy with pending
// changes on top); `base` the server's copy of each record with changes pending (a record with
// none shows the server's copy as is); `outbox` the pending mutations, in order;
// `problems` the mutations the server refused; `meta` the device's sync identity and cursor.

import { KINDS, applyMutation } from './records.js';

const VERSION = 4;
let dbPromise = null;
let dbName = null;

/** Notifies screens after any change: detail is {kinds: Set<string>}. */
export const changes = new EventTarget();

const nameFor = (userId) => `cultivate-${userId}`;

function promised(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

function done(tx) {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onabort = tx.onerror = () => reject(tx.error ?? new DOMException('Transaction aborted', 'AbortError'));
  });
}

/** Open (creating on first use) the database of the person with this id. */
export function open(userId) {
  if (dbName === nameFor(userId) && dbPromise) return dbPromise;
  close();
  dbName = nameFor(userId);
  const request = indexedDB.open(dbName, VERSION);
  request.onupgradeneeded = (event) => {
    const db = request.result;
    if (event.oldVersion < 1) {
      db.createObjectStore('meta');
      db.createObjectStore('base', { keyPath: 'id' });
      db.createObjectStore('contacts', { keyPath: 'id' }).createIndex('event_id', 'event_id');
      db.createObjectStore('events', { keyPath: 'id' });
      db.createObjectStore('outbox', { keyPath: 'id' }).createIndex('record_id', 'record_id');
      db.createObjectStore('problems', { keyPath: 'mutation_id' });
    }
    if (event.oldVersion < 2) db.createObjectStore('interactions', { keyPath: 'id' });
    if (event.oldVersion < 3) db.createObjectStore('cards', { keyPath: 'id' });
    if (event.oldVersion < 4) db.createObjectStore('scans', { keyPath: 'id', autoIncrement: true });
  };
  dbPromise = promised(request).then((db) => {
    // Another tab deleting this database (sign-out) must not be blocked by us.
    db.onversionchange = () => close();
    return db;
  });
  return dbPromise;
}

/** True while a person's database is open. */
export const isOpen = () => dbPromise !== null;

/** Close the open database. */
export function close() {
  dbPromise?.then((db) => db.close()).catch(() => {});
  dbPromise = null;
  dbName = null;
}

/** Delete a person's local data (sign-out on a shared phone). */
export async function destroy(userId) {
  if (dbName === nameFor(userId)) close();
  await promised(indexedDB.deleteDatabase(nameFor(userId)));
}

async function transaction(stores, mode, work) {
  const db = await dbPromise;
  if (!db) throw new Error('No local database is open.');
  const tx = db.transaction(stores, mode);
  const result = await work(tx);
  await done(tx);
  return result;
}

/** Read this device's sync identity and progress, creating the client id on first use. */
export function syncState() {
  return transaction(['meta'], 'readwrite', async (tx) => {
    const meta = tx.objectStore('meta');
    let clientId = await promised(meta.get('client_id'));
    if (!clientId) {
      clientId = crypto.randomUUID();
      meta.put(clientId, 'client_id');
    }
    const [cursor, acked] = await Promise.all([promised(meta.get('cursor')), promised(meta.get('acked'))]);
    return { clientId, cursor: cursor ?? 0, acked: acked ?? 0 };
  });
}

/** Every record of a kind ("contact" or "event"), as the screens show them. */
export function all(kind) {
  return transaction([KINDS[kind]], 'readonly', (tx) => promised(tx.objectStore(KINDS[kind]).getAll()));
}

/** One record, or undefined. */
export function get(kind, id) {
  return transaction([KINDS[kind]], 'readonly', (tx) => promised(tx.objectStore(KINDS[kind]).get(id)));
}

/** Contacts met at one event. */
export function contactsAt(eventId) {
  return transaction(['contacts'], 'readonly', (tx) =>
    promised(tx.objectStore('contacts').index('event_id').getAll(eventId)));
}

/** How many changes wait to be sent. */
export function pendingCount() {
  return transaction(['outbox'], 'readonly', (tx) => promised(tx.objectStore('outbox').count()));
}

/** The mutations the server refused, oldest first. */
export function problems() {
  return transaction(['problems'], 'readonly', (tx) => promised(tx.objectStore('problems').getAll()));
}

/** Forget a refused mutation once the person has seen it. */
export async function dismissProblem(mutationId) {
  await transaction(['problems'], 'readwrite', (tx) => tx.objectStore('problems').delete(mutationId));
  changes.dispatchEvent(new CustomEvent('change', { detail: { kinds: new Set(['problems']) } }));
}

/**
 * Record a change made on this device: the screen's copy and the outbox, in one transaction.
 * `fields` null means delete. Returns the record as it now shows (null when deleted).
 */
export async function write(kind, id, fields) {
  const storeName = KINDS[kind];
  const record = await transaction([storeName, 'outbox', 'meta', 'base'], 'readwrite', async (tx) => {
    const meta = tx.objectStore('meta');
    const outbox = tx.objectStore('outbox');
    const view = tx.objectStore(storeName);
    // The three reads go out together: one round trip to the database, not three.
    const [next, pendingForRecord, current] = await Promise.all([
      promised(meta.get('next_mutation_id')),
      promised(outbox.index('record_id').count(id)),
      promised(view.get(id)),
    ]);
    const nextId = next ?? 1;
    const mutation = fields === null
      ? { id: nextId, name: `${kind}.delete`, args: { id }, record_id: id }
      : { id: nextId, name: `${kind}.put`, args: { id, fields }, record_id: id };
    if (!pendingForRecord) {
      // With nothing pending the screen's copy is the server's: keep it as the base that this
      // change is rebased on (a pull writes clean records to the screens' stores only).
      if (current) tx.objectStore('base').put({ kind, id, deleted: false, data: withoutId(current) });
      else tx.objectStore('base').delete(id);
    }
    const data = applyMutation(current ? withoutId(current) : null, mutation);
    if (data) view.put({ ...data, id });
    else view.delete(id);
    outbox.add({ ...mutation, at: new Date().toISOString() });
    meta.put(nextId + 1, 'next_mutation_id');
    return data ? { ...data, id } : null;
  });
  changes.dispatchEvent(new CustomEvent('change', { detail: { kinds: new Set([kind, 'outbox']) } }));
  return record;
}

function withoutId(record) {
  const { id: _id, ...data } = record;
  return data;
}

/** Mutations to send next: the oldest `limit` with an id above `after`. */
export function outboxAfter(after, limit) {
  return transaction(['outbox'], 'readonly', (tx) =>
    promised(tx.objectStore('outbox').getAll(IDBKeyRange.lowerBound(after, true), limit)))
    .then((rows) => rows.map(({ id, name, args }) => ({ id, name, args })));
}

/**
 * Take in one page of a pull, in one transaction: rows with no pending change go straight to the
 * screens; for the others the server's row becomes the base and the screen's copy is rebuilt as
 * base + pending changes. On the last page, confirmed mutations leave the outbox and refused
 * ones become problems. Returns the kinds it changed.
 */
export async function applyPull(page, isLast) {
  const kinds = new Set();
  const stores = ['meta', 'base', 'contacts', 'events', 'interactions', 'cards', 'outbox', 'problems'];
  await transaction(stores, 'readwrite', async (tx) => {
    const base = tx.objectStore('base');
    const outbox = tx.objectStore('outbox');
    const touched = new Map(); // record id -> kind: rebuilt from base + pending below
    // Records with no pending change take the server's copy as is (most of a first pull): one
    // write each, to the screen's store; write() keeps a base copy once a change is pending.
    const pendingIds = new Set((await promised(outbox.getAll())).map((m) => m.record_id));
    for (const change of page.changes) {
      if (pendingIds.has(change.id)) {
        base.put(change);
        touched.set(change.id, change.kind);
      } else {
        const view = tx.objectStore(KINDS[change.kind]);
        if (change.deleted) view.delete(change.id);
        else view.put({ ...change.data, id: change.id });
        kinds.add(change.kind);
      }
    }
    const meta = tx.objectStore('meta');
    meta.put(page.cursor, 'cursor');
    if (isLast) {
      const confirmed = await promised(outbox.getAll(IDBKeyRange.upperBound(page.last_mutation_id)));
      const refused = new Map(page.rejections.map((r) => [r.mutation_id, r]));
      for (const mutation of confirmed) {
        outbox.delete(mutation.id);
        touched.set(mutation.record_id, mutation.name.split('.')[0]);
        const rejection = refused.get(mutation.id);
        if (rejection) {
          tx.objectStore('problems').put({ ...rejection, args: mutation.args, at: mutation.at });
          kinds.add('problems');
        }
      }
      meta.put(page.last_mutation_id, 'acked');
    }
    for (const [id, kind] of touched) {
      await rebuild(tx, kind, id);
      kinds.add(kind);
    }
  });
  if (isLast) kinds.add('outbox');
  return kinds;
}

/** Tell the screens which kinds of record changed (a pull announces once, after its pages). */
export function announce(kinds) {
  if (kinds.size) changes.dispatchEvent(new CustomEvent('change', { detail: { kinds } }));
}

/** Recompute one record's screen copy: the server's copy, then each pending change in order. */
async function rebuild(tx, kind, id) {
  const [baseRow, pending] = await Promise.all([
    promised(tx.objectStore('base').get(id)),
    promised(tx.objectStore('outbox').index('record_id').getAll(id)),
  ]);
  let data = baseRow && !baseRow.deleted ? baseRow.data : null;
  for (const mutation of pending.sort((a, b) => a.id - b.id)) data = applyMutation(data, mutation);
  const view = tx.objectStore(KINDS[kind]);
  if (data) view.put({ ...data, id });
  else view.delete(id);
}

/** Keep a photo of a code with a contact, to be read by the server when online. */
export function addScan(contactId, image) {
  return transaction(['scans'], 'readwrite', (tx) => promised(tx.objectStore('scans').add({ contact_id: contactId, image })));
}

/** Photos waiting to be read. */
export const pendingScans = () => transaction(['scans'], 'readonly', (tx) => promised(tx.objectStore('scans').getAll()));
/** How many photos wait, without reading them. */
export const pendingScanCount = () => transaction(['scans'], 'readonly', (tx) => promised(tx.objectStore('scans').count()));

/** Forget a photo once read (or found to hold no code). */
export const removeScan = (id) => transaction(['scans'], 'readwrite', (tx) => promised(tx.objectStore('scans').delete(id)));

/** Record a problem that is not a refused mutation (e.g. a photo with no code in it). */
export async function addProblem(problem) {
  await transaction(['problems'], 'readwrite', (tx) => promised(tx.objectStore('problems').put(problem)));
  changes.dispatchEvent(new CustomEvent('change', { detail: { kinds: new Set(['problems']) } }));
}
