// Events: every event with how many people I met there, and each event's people.

import * as events from '../events.js';
import * as store from '../store.js';
import { el, formatDay } from '../ui.js';
import { personItem } from './contacts.js';


const describeEvent = (e) => [e.date && formatDay(e.date), e.place].filter(Boolean).join(' · ');

/** Wire the Events list and the event page. */
export function initEvents(listRoot, eventRoot) {
  // Screens live outside the document while hidden, so look up ids within each.
  const $ = (id) => listRoot.querySelector(`#${id}`) ?? eventRoot.querySelector(`#${id}`);

  async function renderList() {
    const list = await events.eventsWithCounts();
    $('events-empty').hidden = list.length > 0;
    $('event-list').replaceChildren(...list.map((e) => el('li', {},
      el('a', { href: `/events/${e.id}`, 'data-nav': true },
        el('span', { class: 'item-head' },
          el('span', { class: 'item-name' }, e.name),
          e.ended_at ? null : el('span', { class: 'chip' }, 'Now')),
        el('span', { class: 'what' }, [describeEvent(e), e.people === 1 ? '1 person' : `${e.people} people`].filter(Boolean).join(' · '))))));
  }

  let shownEvent = null;
  async function renderEvent(id) {
    shownEvent = id;
    const event = await store.get('event', id);
    $('event-title').textContent = event ? event.name : 'Event not found';
    $('event-meta').textContent = event ? describeEvent(event) : 'It may have been removed on another device.';
    const people = event ? await store.contactsAt(id) : [];
    people.sort((a, b) => (b.met_at ?? '').localeCompare(a.met_at ?? ''));
    $('event-people').replaceChildren(...people.map((contact) => personItem({ contact })));
    $('event-people-empty').hidden = !event || people.length > 0;
    const query = `?event_id=${encodeURIComponent(id)}`;
    $('event-export-vcf').href = `/api/export/contacts.vcf${query}`;
    $('event-export-csv').href = `/api/export/contacts.csv${query}`;
  }

  store.changes.addEventListener('change', (event) => {
    const { kinds } = event.detail;
    if (!kinds.has('event') && !kinds.has('contact')) return;
    if (listRoot.isConnected) renderList();
    if (eventRoot.isConnected && shownEvent) renderEvent(shownEvent);
  });

  return {
    list: { enter: renderList },
    detail: { enter: ({ id }) => renderEvent(id) },
  };
}
