// Follow up: who is waiting for a thank-you (soonest first, by event), and who to reconnect with.

import { buildThankYou, mailtoLink, smsLink } from '../drafts.js';
import * as followups from '../followups.js';
import { template } from '../settings.js';
import * as store from '../store.js';
import { syncSoon } from '../sync.js';
import { el, formatDate, toast } from '../ui.js';

/** Wire the Follow up screen; `me()` gives the signed-in person (for the signature). */
export function initFollowUp(root, me) {
  // Screens live outside the document while hidden, so look up ids within this one.
  const $ = (id) => root.querySelector(`#${id}`);
  const dialog = (id) => document.getElementById(id);

  async function render() {
    const [pending, events, reconnect] = await Promise.all([
      followups.pendingFollowUps(), store.all('event'), followups.reconnectDue(),
    ]);
    const eventNames = new Map(events.map((e) => [e.id, e.name]));
    const groups = new Map();
    for (const contact of pending) {
      const key = eventNames.get(contact.event_id) ?? 'Not at an event';
      if (!groups.has(key)) groups.set(key, []);
      groups.get(key).push(contact);
    }
    $('follow-up-groups').replaceChildren(...[...groups].map(([name, contacts], index) => {
      const headingId = `due-group-${index}`;
      return el('section', { class: 'group', 'aria-labelledby': headingId },
        el('h2', { id: headingId }, name),
        el('ul', { class: 'list', 'aria-labelledby': headingId },
          ...contacts.map((c) => dueItem(c, eventNames.get(c.event_id)))));
    }));
    const late = pending.filter((c) => new Date(c.follow_up_due) < Date.now()).length;
    $('follow-up-summary').textContent = pending.length
      ? `${pending.length === 1 ? '1 person' : `${pending.length} people`} to thank${late ? ` · ${late} late` : ''}`
      : '';
    $('follow-up-empty').hidden = pending.length > 0;
    $('reconnect').hidden = reconnect.length === 0;
    $('reconnect-list').replaceChildren(...reconnect.map(reconnectItem));
  }

  function dueItem(contact, eventName) {
    const left = followups.timeLeft(contact.follow_up_due);
    const send = el('button', { type: 'button', class: 'button primary small' }, 'Send thank-you');
    const done = el('button', { type: 'button', class: 'button secondary small' }, 'Mark done');
    const snooze = el('button', { type: 'button', class: 'button secondary small' }, 'Snooze');
    send.addEventListener('click', () => openDraft(contact, eventName));
    done.addEventListener('click', () => markDone(contact));
    snooze.addEventListener('click', () => askSnooze(contact));
    const role = [contact.title, contact.company].filter(Boolean).join(' · ');
    return el('li', { class: 'due-item', 'aria-label': contact.name },
      el('div', { class: 'due-head' },
        el('a', { href: `/contacts/${contact.id}`, 'data-nav': true }, contact.name),
        el('span', { class: `left${left.endsWith('late') ? ' late' : ''}` }, left)),
      role ? el('span', { class: 'item-meta' }, role) : null,
      el('div', { class: 'due-actions' }, send, done, snooze));
  }

  function reconnectItem(contact) {
    const last = contact.last_interaction_at || contact.followed_up_at || contact.met_at;
    return el('li', {},
      el('a', { href: `/contacts/${contact.id}`, 'data-nav': true },
        el('span', { class: 'who' }, contact.name),
        el('span', { class: 'what' }, last ? `Last in touch ${formatDate(last)}` : 'Not in touch yet')));
  }

  async function markDone(contact) {
    const undo = await followups.markDone(contact);
    syncSoon();
    toast(`Done: ${contact.name}`, { action: 'Undo', onAction: async () => {
      await undo();
      syncSoon();
    } });
  }

  function askSnooze(contact) {
    const snoozeDialog = dialog('snooze-dialog');
    snoozeDialog.returnValue = '';
    snoozeDialog.showModal();
    snoozeDialog.addEventListener('close', async () => {
      const choice = snoozeDialog.returnValue;
      if (!choice || choice === 'cancel') return;
      const until = await followups.snooze(contact, choice);
      syncSoon();
      toast(`Snoozed ${contact.name} until ${until.toLocaleString(undefined, { weekday: 'short', hour: 'numeric', minute: '2-digit' })}`);
    }, { once: true });
  }

  // The thank-you draft: compose, send through another app, then "Sent?" when back.
  let drafting = null;
  function openDraft(contact, eventName) {
    drafting = contact;
    const text = buildThankYou(template(), { contact, eventName, myName: me()?.user?.name });
    dialog('draft-title').textContent = `Thank-you to ${contact.name}`;
    dialog('draft-text').value = text;
    dialog('draft-compose').hidden = false;
    dialog('draft-sent').hidden = true;
    dialog('draft-sent-question').textContent = `Did you send your thank-you to ${contact.name}?`;
    updateLinks();
    dialog('draft-share').hidden = !navigator.share;
    dialog('draft-dialog').showModal();
  }

  function updateLinks() {
    if (!drafting) return;
    const body = dialog('draft-text').value;
    const email = dialog('draft-email');
    email.href = mailtoLink(drafting.email, 'Great to meet you', body);
    email.setAttribute('aria-disabled', String(!drafting.email));
    const sms = dialog('draft-sms');
    sms.href = smsLink(drafting.phone, body);
    sms.setAttribute('aria-disabled', String(!drafting.phone));
  }

  const askSent = () => {
    dialog('draft-compose').hidden = true;
    dialog('draft-sent').hidden = false;
  };
  dialog('draft-text').addEventListener('input', updateLinks);
  dialog('draft-email').addEventListener('click', askSent);
  dialog('draft-sms').addEventListener('click', askSent);
  dialog('draft-share').addEventListener('click', async () => {
    try {
      await navigator.share({ text: dialog('draft-text').value });
      askSent();
    } catch {
      // Cancelled the share sheet: stay on the draft.
    }
  });
  dialog('draft-copy').addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(dialog('draft-text').value);
      toast('Copied: paste it into a LinkedIn message');
    } catch {
      dialog('draft-text').select();
      toast('Select the text and copy it');
    }
    askSent();
  });
  dialog('draft-close').addEventListener('click', () => dialog('draft-dialog').close());
  dialog('draft-not-yet').addEventListener('click', () => dialog('draft-dialog').close());
  dialog('draft-done').addEventListener('click', async () => {
    dialog('draft-dialog').close();
    if (drafting) await markDone(drafting);
  });

  store.changes.addEventListener('change', (event) => {
    const { kinds } = event.detail;
    if (root.isConnected && (kinds.has('contact') || kinds.has('event'))) render();
  });

  return { enter: render };
}
