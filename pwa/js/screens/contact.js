// A contact's page: view and edit every field, tags, delete with undo.

import { buildIntroductions, mailtoLink } from '../drafts.js';
import * as followups from '../followups.js';
import * as store from '../store.js';
import { changedFields, parseTags } from '../records.js';
import { syncSoon } from '../sync.js';
import { el, formatDate, readForm, toast } from '../ui.js';

const INTERACTION_LABELS = {
  met: 'Met', thank_you: 'Sent a thank-you', emailed: 'Emailed', called: 'Called', coffee: 'Coffee', note: 'Note',
};
const FIELDS = ['name', 'title', 'company', 'email', 'phone', 'met_where', 'notes', 'they_need', 'i_can_offer'];

/** Wire the contact page; `navigate(path)` moves between screens. */
export function initContact(root, navigate, me = () => null) {
  // Screens live outside the document while hidden, so look up ids within this one.
  const $ = (id) => root.querySelector(`#${id}`);

  const form = $('contact-form');
  let loaded = null;

  function fill(contact, eventName) {
    loaded = contact;
    $('contact-title').textContent = contact.name;
    const met = [contact.met_at && `Met ${formatDate(contact.met_at)}`, eventName && `at ${eventName}`].filter(Boolean);
    $('contact-met').textContent = met.join(' ');
    for (const name of FIELDS) form.elements[name].value = contact[name] ?? '';
    form.elements.tags.value = (contact.tags ?? []).join(', ');
    $('contact-error').textContent = '';
    $('contact-cadence').value = contact.cadence_days ? String(contact.cadence_days) : '';
    const next = followups.nextTouch(contact);
    $('contact-next-touch').textContent = next ? `Next: ${formatDate(next.toISOString())}` : '';
    renderInteractions(contact.id);
  }

  async function renderInteractions(contactId) {
    const items = await followups.interactionsOf(contactId);
    $('interaction-list').replaceChildren(...items.map((i) => el('li', {},
      el('span', { class: 'item-name' }, INTERACTION_LABELS[i.type] ?? i.type),
      el('span', { class: 'item-meta' }, [formatDate(i.at), i.note].filter(Boolean).join(' · ')))));
    if (!items.length) $('interaction-list').append(el('li', { class: 'muted' }, 'Nothing logged yet.'));
  }

  $('contact-cadence').addEventListener('change', async (event) => {
    if (!loaded) return;
    const days = event.target.value ? Number(event.target.value) : null;
    fill(await store.write('contact', loaded.id, { cadence_days: days }), undefined);
    toast(days ? 'You will be reminded to reconnect' : 'No reconnect reminders');
    syncSoon();
  });

  $('interaction-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!loaded) return;
    await followups.logInteraction(loaded.id, $('interaction-type').value, $('interaction-note').value.trim());
    $('interaction-note').value = '';
    fill(await store.get('contact', loaded.id), undefined);
    toast('Logged');
    syncSoon();
  });

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!loaded) return;
    const values = readForm(form);
    if (!values.name) {
      $('contact-error').textContent = 'A contact needs a name.';
      form.elements.name.focus();
      return;
    }
    if (values.email && !form.elements.email.checkValidity()) {
      $('contact-error').textContent = 'That email address looks incomplete.';
      form.elements.email.focus();
      return;
    }
    const after = {};
    // An emptied field is cleared (null), so the server forgets it too.
    for (const name of FIELDS) after[name] = values[name] || null;
    after.tags = parseTags(values.tags);
    const before = { ...loaded, tags: loaded.tags ?? [] };
    const changed = changedFields(before, after);
    if (!Object.keys(changed).length) {
      toast('No changes to save');
      return;
    }
    const saved = await store.write('contact', loaded.id, changed);
    fill(saved, undefined);
    toast('Saved');
    syncSoon();
  });

  // Introduce this contact to another, by two opt-in messages.
  const dialog = (id) => document.getElementById(id);
  let others = [];
  function draftIntro() {
    const other = others.find((c) => c.id === dialog('intro-other').value);
    if (!loaded || !other) return;
    const [toA, toB] = buildIntroductions(loaded, other, me()?.user?.name);
    dialog('intro-a').value = toA;
    dialog('intro-b').value = toB;
    dialog('intro-a').labels[0].textContent = `Message to ${loaded.name}`;
    dialog('intro-b').labels[0].textContent = `Message to ${other.name}`;
    dialog('intro-a-email').textContent = `Email ${loaded.name}`;
    dialog('intro-b-email').textContent = `Email ${other.name}`;
    dialog('intro-a-email').href = mailtoLink(loaded.email, `An introduction: ${other.name}`, toA);
    dialog('intro-b-email').href = mailtoLink(other.email, `An introduction: ${loaded.name}`, toB);
  }
  $('contact-introduce').addEventListener('click', async () => {
    if (!loaded) return;
    others = (await store.all('contact')).filter((c) => c.id !== loaded.id)
      .sort((a, b) => a.name.localeCompare(b.name));
    if (!others.length) {
      toast('Capture someone else first: an introduction needs two people');
      return;
    }
    dialog('intro-title').textContent = `Introduce ${loaded.name}`;
    dialog('intro-other').replaceChildren(...others.map((c) => el('option', { value: c.id }, c.name)));
    draftIntro();
    dialog('intro-dialog').showModal();
  });
  dialog('intro-other').addEventListener('change', draftIntro);
  dialog('intro-close').addEventListener('click', () => dialog('intro-dialog').close());

  $('contact-delete').addEventListener('click', async () => {
    if (!loaded) return;
    const snapshot = loaded;
    await store.write('contact', snapshot.id, null);
    syncSoon();
    navigate('/contacts');
    toast(`Deleted ${snapshot.name}`, {
      action: 'Undo',
      onAction: async () => {
        const { id, ...fields } = snapshot;
        await store.write('contact', id, fields);
        syncSoon();
        toast(`Restored ${snapshot.name}`);
      },
    });
  });

  store.changes.addEventListener('change', async (event) => {
    // Another device changed this contact while it is open: show the merged result,
    // unless the person is mid-edit.
    if (!loaded || !root.isConnected || !event.detail.kinds.has('contact')) return;
    if (form.contains(document.activeElement)) return;
    const fresh = await store.get('contact', loaded.id);
    if (fresh) fill(fresh, undefined);
  });

  return {
    async enter({ id }) {
      const contact = id && (await store.get('contact', id));
      form.hidden = !contact;
      $('contact-delete').hidden = !contact;
      $('contact-introduce').hidden = !contact;
      if (!contact) {
        loaded = null;
        $('contact-title').textContent = 'Contact not found';
        $('contact-met').textContent = 'It may have been deleted on another device.';
        return;
      }
      const event = contact.event_id && (await store.get('event', contact.event_id));
      fill(contact, event?.name);
    },
  };
}
