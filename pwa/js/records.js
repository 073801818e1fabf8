// What a contact and an event hold, and how a mutation changes one: the same rules as the
// server (server/sync/engine.py), so the screens show what the server will end up with.

/** @typedef {{id: string, name: string, title?: string, company?: string, email?: string,
 *   phone?: string, met_where?: string, notes?: string, they_need?: string,
 *   i_can_offer?: string, tags?: string[], event_id?: string|null, met_at?: string}} Contact */
/** @typedef {{id: string, name: string, date?: string, place?: string, ended_at?: string|null}} Event */
/** @typedef {{id: number, name: string, args: {id: string, fields?: object}, record_id: string}} Mutation */

export const KINDS = { contact: 'contacts', event: 'events', interaction: 'interactions', card: 'cards' };
const REQUIRED = { contact: ['name'], event: ['name'], interaction: ['contact_id', 'type', 'at'], card: ['name'] };

/** Field limits, mirrored from server/sync/records.py. */
export const LIMITS = {
  name: 200, title: 200, company: 200, email: 254, phone: 40, met_where: 200,
  notes: 10000, they_need: 2000, i_can_offer: 2000, place: 200, tag: 40, tags: 30,
};

/** Apply one mutation to a record's data (null when absent); return the new data or null. */
export function applyMutation(data, mutation) {
  const [kind, action] = mutation.name.split('.');
  if (action === 'delete') return null;
  const fields = mutation.args.fields ?? {};
  if (!data) {
    // New, or brought back after a delete: only a whole record counts (else the delete wins).
    if (!REQUIRED[kind].every((name) => fields[name])) return null;
    return { ...fields };
  }
  return { ...data, ...fields };
}

/** The fields of `after` that differ from `before` (what a put should carry). */
export function changedFields(before, after) {
  const changed = {};
  for (const [name, value] of Object.entries(after)) {
    if (JSON.stringify(before?.[name] ?? null) !== JSON.stringify(value ?? null)) changed[name] = value;
  }
  return changed;
}

/** Split "design, AI,  design" into ["design", "AI"]. */
export function parseTags(text) {
  const tags = [];
  for (const raw of text.split(',')) {
    const tag = raw.trim().slice(0, LIMITS.tag);
    if (tag && !tags.some((t) => t.toLowerCase() === tag.toLowerCase())) tags.push(tag);
  }
  return tags.slice(0, LIMITS.tags);
}

/** One lowercase string of every searchable field, for instant offline search. */
export function searchText(contact, eventName = '') {
  return [
    contact.name, contact.title, contact.company, contact.email, contact.phone, contact.met_where,
    contact.notes, contact.they_need, contact.i_can_offer, ...(contact.tags ?? []), eventName,
  ].filter(Boolean).join('\n').toLowerCase();
}
