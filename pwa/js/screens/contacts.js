// Contacts: newest first, with instant offline search over every field, and the list of
// changes the server refused.

import * as store from '../store.js';
import { searchText } from '../records.js';

// "who can help with design?" looks in what people offer; "who needs funding?" in what they need.
const ASK = /^who\s+(?:can|could|might)\s+help(?:\s+me)?(?:\s+with)?\s+(.+?)\??$/i;
const NEEDS = /^who\s+(?:needs|is looking for|wants)\s+(.+?)\??$/i;
import { el, formatDate, toast } from '../ui.js';

const PAGE = 50; // rows listed at once: a phone screen shows a dozen; more come on request
const ON_SCREEN = 15; // of those, drawn in the keystroke itself (more than a screen holds)

/** Wire the Contacts screen. */
export function initContacts(root) {
  // Screens live outside the document while hidden, so look up ids within this one.
  const $ = (id) => root.querySelector(`#${id}`);

  let people = []; // [{contact, text}] newest first
  let stale = true;
  let shown = PAGE;
  // The last search, so typing one more letter filters its matches rather than everyone.
  let last = { query: '', field: 'text', matches: people };
  let drawn = []; // the people whose rows the list shows now
  let belowTheFold = 0; // the frame that draws the rest of them
  const rows = new WeakMap(); // person -> their row, drawn once per load and reused per keystroke
  const rowFor = (person) => {
    if (!rows.has(person)) rows.set(person, personItem(person));
    return rows.get(person);
  };

  async function load() {
    const [contacts, events] = await Promise.all([store.all('contact'), store.all('event')]);
    const eventNames = new Map(events.map((e) => [e.id, e.name]));
    people = contacts
      .map((contact) => ({
        contact,
        event: eventNames.get(contact.event_id),
        text: searchText(contact, eventNames.get(contact.event_id)),
        offers: [contact.i_can_offer, contact.title, ...(contact.tags ?? [])].filter(Boolean).join('\n').toLowerCase(),
        needs: [contact.they_need, ...(contact.tags ?? [])].filter(Boolean).join('\n').toLowerCase(),
      }))
      .sort((a, b) => (b.contact.met_at ?? '').localeCompare(a.contact.met_at ?? ''));
    stale = false;
    last = { query: '', field: 'text', matches: people };
  }

  function render() {
    const query = $('contact-search').value.trim().toLowerCase();
    const ask = query.match(ASK);
    const need = query.match(NEEDS);
    const field = ask ? 'offers' : need ? 'needs' : 'text';
    const words = (ask?.[1] ?? need?.[1] ?? query).split(/\s+/).filter((w) => w && !['a', 'an', 'the', 'with', 'my', 'some'].includes(w));
    // A query that extends the last one can only narrow it: its matches are a subset of those.
    const narrows = last.query && query.startsWith(last.query) && field === last.field;
    const pool = narrows ? last.matches : people;
    const matches = words.length ? pool.filter((p) => words.every((w) => p[field].includes(w))) : people;
    last = { query, field, matches };
    const visible = matches.slice(0, shown);
    // A broad query ("company") often keeps the same rows: then only the count changes.
    if (visible.length !== drawn.length || visible.some((person, i) => person !== drawn[i])) {
      // The rows a phone screen shows are drawn in the keystroke; those below it a frame later.
      cancelAnimationFrame(belowTheFold);
      const list = $('contact-list');
      list.replaceChildren(...visible.slice(0, ON_SCREEN).map(rowFor));
      if (visible.length > ON_SCREEN) {
        belowTheFold = requestAnimationFrame(() => list.append(...visible.slice(ON_SCREEN).map(rowFor)));
      }
      drawn = visible;
    }
    $('contacts-more').hidden = matches.length <= shown;
    $('contacts-more').textContent = `Show more (${matches.length - shown} left)`;
    $('contacts-empty').hidden = people.length > 0;
    $('contact-search').hidden = people.length === 0;
    let count = '';
    if (people.length && words.length) {
      if (ask || need) {
        const topic = (ask ?? need)[1];
        const verb = ask ? `can help with ${topic}` : `need${matches.length === 1 ? 's' : ''} ${topic}`;
        count = matches.length ? `${matches.length === 1 ? '1 person' : `${matches.length} people`} ${verb}`
          : `No one ${ask ? 'offers' : 'needs'} “${topic}” yet`;
      } else {
        count = matches.length ? `${matches.length} of ${people.length} match` : `No one matches “${query}”`;
      }
    } else if (people.length) {
      count = people.length === 1 ? '1 person' : `${people.length} people`;
    }
    $('contact-count').textContent = count;
  }

  async function renderProblems() {
    const problems = await store.problems();
    $('problems').hidden = problems.length === 0;
    $('problem-list').replaceChildren(...problems.map((problem) => {
      const fields = problem.args?.fields ?? {};
      const what = fields.name ? `“${fields.name}”` : problem.name.startsWith('event') ? 'an event' : 'a contact';
      const dismiss = el('button', { type: 'button', class: 'button secondary small' }, 'Dismiss');
      dismiss.addEventListener('click', () => store.dismissProblem(problem.mutation_id));
      const copy = el('button', { type: 'button', class: 'button secondary small' }, 'Copy what I typed');
      copy.addEventListener('click', async () => {
        await navigator.clipboard.writeText(Object.values(fields).filter((v) => typeof v === 'string').join('\n')).catch(() => {});
        toast('Copied');
      });
      return el('li', {},
        el('span', { class: 'item-name' }, `A change to ${what} was not saved`),
        el('span', { class: 'item-meta' }, problem.description),
        el('div', { class: 'item-actions' }, copy, dismiss));
    }));
  }

  $('contacts-more').addEventListener('click', () => {
    shown += 4 * PAGE;
    render();
  });

  $('contact-search').addEventListener('input', () => {
    const started = performance.now();
    shown = PAGE;
    render();
    performance.measure('search-render', { start: started }); // read by bench/ (per keystroke)
  });

  store.changes.addEventListener('change', async (event) => {
    const { kinds } = event.detail;
    if (kinds.has('contact') || kinds.has('event')) stale = true;
    if (!root.isConnected) return;
    if (stale) await load();
    render();
    if (kinds.has('problems')) renderProblems();
  });

  return {
    async enter() {
      if (stale) await load();
      render();
      renderProblems();
    },
  };
}

/** One row of a people list: a link to the contact page. */
export function personItem({ contact, event }) {
  const role = [contact.title, contact.company].filter(Boolean).join(' · ');
  const met = [event, contact.met_at && formatDate(contact.met_at)].filter(Boolean).join(' · ');
  return el('li', {},
    el('a', { href: `/contacts/${contact.id}`, 'data-nav': true },
      el('span', { class: 'who' }, contact.name),
      role ? el('span', { class: 'what' }, role) : null,
      met ? el('span', { class: 'what' }, `Met ${met}`) : null,
      contact.tags?.length ? el('span', { class: 'chips' }, ...contact.tags.map((t) => el('span', { class: 'chip' }, t))) : null));
}
