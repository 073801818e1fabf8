// Events: which one I'm at now, starting and ending one. Reads and writes the store only.

import * as store from './store.js';

/** The event I'm at: the latest one not ended, or null. */
export async function currentEvent() {
  const open = (await store.all('event')).filter((e) => !e.ended_at);
  open.sort((a, b) => (b.date ?? '').localeCompare(a.date ?? ''));
  return open[0] ?? null;
}

/** Start an event (ending any other still open); returns it. */
export async function startEvent({ name, date, place }) {
  const now = new Date().toISOString();
  for (const other of (await store.all('event')).filter((e) => !e.ended_at)) {
    await store.write('event', other.id, { ended_at: now });
  }
  return store.write('event', crypto.randomUUID(), { name, date: date || null, place: place || null });
}

/** End an event: captures stop being tagged with it. */
export const endEvent = (id) => store.write('event', id, { ended_at: new Date().toISOString() });

/** Events newest first, each with how many people were met there. */
export async function eventsWithCounts() {
  const [events, contacts] = await Promise.all([store.all('event'), store.all('contact')]);
  const counts = new Map();
  for (const c of contacts) if (c.event_id) counts.set(c.event_id, (counts.get(c.event_id) ?? 0) + 1);
  return events
    .map((e) => ({ ...e, people: counts.get(e.id) ?? 0 }))
    .sort((a, b) => (b.date ?? '').localeCompare(a.date ?? '') || a.name.localeCompare(b.name));
}
