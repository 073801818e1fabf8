// Capture: the business-card form. Save stores locally at once, confirms, and clears for the
// next person; the current event tags every capture until it is ended.

import * as events from '../events.js';
import { dueFrom } from '../followups.js';
import * as push from '../push.js';
import { settings } from '../settings.js';
import * as store from '../store.js';
import { syncSoon } from '../sync.js';
import { formatDay, readForm, today, toast } from '../ui.js';

/** Wire the Capture screen. */
export function initCapture(root) {
  // Screens live outside the document while hidden, so look up ids within this one.
  const $ = (id) => root.querySelector(`#${id}`);

  const form = $('capture-form');
  const dialog = (id) => document.getElementById(id);
  let current = null;
  let savedHere = 0;
  let pendingPhoto = null; // a photo of a code to read once online
  const LABELS = { name: 'name', title: 'title', company: 'company', email: 'email', phone: 'phone', notes: 'notes' };

  /** Put found details into the card's empty fields; say what was filled. */
  function fill(fields) {
    const filled = [];
    // In the card's own order, so the message reads like the form.
    const ordered = Object.entries(fields).sort(([a], [b]) => Object.keys(LABELS).indexOf(a) - Object.keys(LABELS).indexOf(b));
    for (const [name, value] of ordered) {
      const input = form.elements[name];
      if (!input || !value) continue;
      if (!input.value.trim()) {
        input.value = value;
        filled.push(LABELS[name] ?? name);
      } else if (name === 'notes' && !input.value.includes(value)) {
        input.value = `${input.value.trim()}\n${value}`;
        filled.push('notes');
      }
    }
    return filled;
  }

  const sayFilled = (filled, from) => toast(filled.length
    ? `Filled ${filled.join(', ')} from ${from}`
    : `Nothing new in ${from}: the card already has it`);

  // Scan a code: the camera where the browser can read codes, else a photo.
  let cameraStop = null;
  const closeScan = () => {
    cameraStop?.abort();
    if (dialog('scan-dialog').open) dialog('scan-dialog').close();
  };
  $('scan-open').addEventListener('click', async () => {
    dialog('scan-status').textContent = 'Point the camera at their QR code, or use a photo of one.';
    dialog('scan-dialog').showModal();
    cameraStop = new AbortController();
    try {
      const { scanWithCamera } = await import('../scan.js'); // loaded on first use: not shell
      const fields = await scanWithCamera(dialog('scan-video'), cameraStop.signal);
      if (fields) {
        closeScan();
        sayFilled(fill(fields), 'the code');
        $('c-name').focus();
      }
    } catch {
      dialog('scan-status').textContent = 'The camera is not available. Use a photo of the code instead.';
    }
  });
  dialog('scan-close').addEventListener('click', closeScan);
  dialog('scan-dialog').addEventListener('close', () => cameraStop?.abort());
  dialog('scan-file').addEventListener('change', async (event) => {
    const file = event.target.files?.[0];
    event.target.value = '';
    if (!file) return;
    dialog('scan-status').textContent = 'Reading the code…';
    try {
      const { readPhoto } = await import('../scan.js');
      const result = await readPhoto(file);
      closeScan();
      if (result.pending) {
        pendingPhoto = result.pending;
        toast("Offline: the photo is kept with this contact and read when you're back online");
      } else {
        sayFilled(fill(result.fields), 'the code');
      }
      $('c-name').focus();
    } catch (error) {
      dialog('scan-status').textContent = error.message;
    }
  });

  // Paste: an email signature or "Name <email>".
  function openPaste(text = '') {
    dialog('paste-text').value = text;
    dialog('paste-dialog').returnValue = '';
    dialog('paste-dialog').showModal();
  }
  $('paste-open').addEventListener('click', async () => {
    openPaste();
    try {
      const text = await navigator.clipboard.readText();
      if (text && !dialog('paste-text').value) dialog('paste-text').value = text;
    } catch {
      // No clipboard access: the person pastes into the box.
    }
  });
  dialog('paste-dialog').addEventListener('close', async () => {
    if (dialog('paste-dialog').returnValue !== 'fill') return;
    const text = dialog('paste-text').value;
    if (!text.trim()) return;
    const { parsePasted } = await import('../parse.js');
    sayFilled(fill(parsePasted(text)), 'the pasted text');
    $('c-name').focus();
  });

  async function showEvent() {
    current = await events.currentEvent();
    $('event-current').hidden = !current;
    $('event-start').hidden = Boolean(current) || !$('event-form').hidden;
    if (current) {
      $('event-current-name').textContent = current.name;
      $('event-current-meta').textContent = [current.date && formatDay(current.date), current.place].filter(Boolean).join(' · ');
    }
    const metWhere = $('c-met-where');
    // Prefill from the event unless the person typed their own.
    if (!metWhere.dataset.touched) metWhere.value = current ? current.name : '';
  }

  $('c-met-where').addEventListener('input', (event) => {
    event.target.dataset.touched = event.target.value ? 'yes' : '';
  });

  $('event-start').addEventListener('click', () => {
    $('event-form').hidden = false;
    $('event-start').hidden = true;
    $('event-start').setAttribute('aria-expanded', 'true');
    if (!$('event-date').value) $('event-date').value = today();
    $('event-name').focus();
  });
  const closeEventForm = () => {
    $('event-form').hidden = true;
    $('event-start').setAttribute('aria-expanded', 'false');
    $('event-form').reset();
    showEvent();
  };
  $('event-cancel').addEventListener('click', closeEventForm);
  $('event-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const name = $('event-name').value.trim();
    if (!name) {
      $('event-name').focus();
      toast('Give the event a name');
      return;
    }
    await events.startEvent({ name, date: $('event-date').value, place: $('event-place').value.trim() });
    savedHere = 0;
    closeEventForm();
    syncSoon();
    $('c-name').focus();
  });
  $('event-end').addEventListener('click', async () => {
    if (!current) return;
    const ended = current;
    await events.endEvent(ended.id);
    toast(`Ended ${ended.name}`);
    syncSoon();
  });

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const started = performance.now();
    const values = readForm(form);
    $('capture-error').textContent = '';
    if (!values.name) {
      $('capture-error').textContent = 'Add a name: it is the one thing a contact needs.';
      $('c-name').focus();
      return;
    }
    if (values.email && !$('c-email').checkValidity()) {
      $('capture-error').textContent = 'That email address looks incomplete. Fix it or leave it empty.';
      $('c-email').focus();
      return;
    }
    const metAt = new Date().toISOString();
    // The follow-up clock starts now: due a window (24 h by default) after meeting.
    const fields = { met_at: metAt, follow_up_due: dueFrom(metAt, settings().follow_up_hours) };
    for (const [name, value] of Object.entries(values)) if (value) fields[name] = value;
    if (current) fields.event_id = current.id;
    const saved = await store.write('contact', crypto.randomUUID(), fields);
    if (pendingPhoto) {
      await store.addScan(saved.id, pendingPhoto);
      pendingPhoto = null;
    }
    savedHere += 1;
    form.reset();
    delete $('c-met-where').dataset.touched;
    if (current) $('c-met-where').value = current.name;
    $('capture-saved').textContent = current
      ? `Saved ${saved.name} · ${savedHere} met at ${current.name}`
      : `Saved ${saved.name}`;
    performance.measure('capture-save', { start: started }); // read by bench/ (tap → stored and shown)
    // Ready for the next person: back to the top of the card, cursor in Name.
    window.scrollTo({ top: 0 });
    $('c-name').focus({ preventScroll: true });
    syncSoon();
    // Only after a first capture, never on first load: now the offer makes sense.
    if (push.shouldAsk()) $('nudge-ask').hidden = false;
  });

  $('nudge-ask-later').addEventListener('click', () => {
    push.askLater();
    $('nudge-ask').hidden = true;
  });
  $('nudge-ask-yes').addEventListener('click', async (event) => {
    event.currentTarget.disabled = true;
    try {
      await push.turnOnNudges();
      $('nudge-ask').hidden = true;
      toast("Nudges are on. We'll remind you before the 24 hours are up.");
    } catch (error) {
      $('nudge-ask-error').textContent = `Nudges could not be turned on: ${error.message}`;
    } finally {
      event.currentTarget.disabled = false;
    }
  });

  store.changes.addEventListener('change', (event) => {
    if (event.detail.kinds.has('event') && root.isConnected) showEvent();
  });

  return {
    async enter(params) {
      await showEvent();
      if (params.startEvent && !current) $('event-start').click();
      else $('c-name').focus();
    },
    currentEvent: () => current,
    /** Open Paste with text shared to the app. */
    paste: openPaste,
  };
}
