// Follow-ups and keeping in touch: what is due, and the changes that answer it. All local:
// every action works offline and syncs like any edit.

import * as store from './store.js';

const HOUR = 3600_000;
const DAY = 24 * HOUR;

/** When a contact met now should be followed up, given the window in hours. */
export const dueFrom = (metAt, hours) => new Date(new Date(metAt).getTime() + hours * HOUR).toISOString();

/** Contacts still waiting for a follow-up, soonest first. */
export async function pendingFollowUps() {
  const contacts = await store.all('contact');
  return contacts
    .filter((c) => c.follow_up_due && !c.followed_up_at)
    .sort((a, b) => a.follow_up_due.localeCompare(b.follow_up_due));
}

/** How many follow-ups wait (the badge). */
export const dueCount = async () => (await pendingFollowUps()).length;

/** "5 h left", "40 min left", "2 h late", "3 d late". */
export function timeLeft(dueIso, now = Date.now()) {
  const ms = new Date(dueIso).getTime() - now;
  const abs = Math.abs(ms);
  // Rounded, so a fresh capture reads "24 h left", not "23 h left".
  const amount = abs >= 2 * DAY ? `${Math.round(abs / DAY)} d`
    : abs >= HOUR - 30_000 ? `${Math.round(abs / HOUR)} h` : `${Math.max(1, Math.round(abs / 60000))} min`;
  return ms > 0 ? `${amount} left` : `${amount} late`;
}

/** When the next keep-in-touch is due for a contact with a cadence, or null. */
export function nextTouch(contact) {
  if (!contact.cadence_days) return null;
  const last = contact.last_interaction_at || contact.followed_up_at || contact.met_at;
  if (!last) return null;
  return new Date(new Date(last).getTime() + contact.cadence_days * DAY);
}

/** Contacts whose keep-in-touch time has come, most overdue first. */
export async function reconnectDue(now = Date.now()) {
  const contacts = await store.all('contact');
  return contacts
    .map((contact) => ({ contact, next: nextTouch(contact) }))
    .filter(({ next }) => next && next.getTime() <= now)
    .sort((a, b) => a.next - b.next)
    .map(({ contact }) => contact);
}

/** Log an interaction; it resets the keep-in-touch clock. Returns the interaction's id. */
export async function logInteraction(contactId, type, note = '') {
  const at = new Date().toISOString();
  const id = crypto.randomUUID();
  const fields = { contact_id: contactId, type, at };
  if (note) fields.note = note;
  await store.write('interaction', id, fields);
  await store.write('contact', contactId, { last_interaction_at: at });
  return id;
}

/** Mark a follow-up done (the thank-you went out); returns a function that undoes it. */
export async function markDone(contact) {
  const at = new Date().toISOString();
  await store.write('contact', contact.id, { followed_up_at: at });
  const interaction = await logInteraction(contact.id, 'thank_you');
  return async () => {
    await store.write('interaction', interaction, null);
    await store.write('contact', contact.id, {
      followed_up_at: null, last_interaction_at: contact.last_interaction_at ?? null,
    });
  };
}

/** Move a follow-up's due time: "3h", "morning" (tomorrow 09:00) or "3d". */
export async function snooze(contact, choice, now = new Date()) {
  let until;
  if (choice === '3h') until = new Date(now.getTime() + 3 * HOUR);
  else if (choice === '3d') until = new Date(now.getTime() + 3 * DAY);
  else {
    until = new Date(now);
    until.setDate(until.getDate() + 1);
    until.setHours(9, 0, 0, 0);
  }
  await store.write('contact', contact.id, { follow_up_due: until.toISOString() });
  return until;
}

/** A contact's interactions, newest first. */
export async function interactionsOf(contactId) {
  return (await store.all('interaction'))
    .filter((i) => i.contact_id === contactId)
    .sort((a, b) => b.at.localeCompare(a.at));
}
