// My card on the Me screen: the business card, its QR codes (cached for offline), the public
// link, and editing.

import * as card from '../card.js';
import { changedFields } from '../records.js';
import * as store from '../store.js';
import { syncNow, syncSoon } from '../sync.js';
import { confirmAction, el, readForm, toast } from '../ui.js';

const FIELDS = ['name', 'title', 'company', 'email', 'phone', 'pitch', 'can_help_with', 'looking_for'];
const blobUrls = new Map();

/** Wire the My card section inside the Me screen's `root`. */
export function initMyCard(root) {
  const $ = (id) => root.querySelector(`#${id}`);
  const form = $('mycard-form');
  let current = null;
  let showVcard = false;

  function renderCard(data, fallbackName) {
    current = data;
    $('mycard-name').textContent = data?.name ?? fallbackName ?? '';
    $('mycard-role').textContent = [data?.title, data?.company].filter(Boolean).join(' · ');
    $('mycard-pitch').textContent = data?.pitch ?? '';
    const more = [['Helps with', data?.can_help_with], ['Looking for', data?.looking_for], ['Email', data?.email], ['Phone', data?.phone]]
      .filter(([, value]) => value);
    $('mycard-more').replaceChildren(...more.flatMap(([term, value]) => [el('dt', {}, term), el('dd', {}, value)]));
    $('mycard-empty').hidden = Boolean(data);
  }

  async function showQr(version) {
    const link = card.cachedLink();
    const which = showVcard ? 'vcard' : 'url';
    $('qr-toggle').setAttribute('aria-pressed', String(showVcard));
    $('qr-toggle').textContent = showVcard ? 'Link QR' : 'Offline QR (vCard)';
    if (!link) {
      $('qr-status').textContent = 'Connect once to set up your card\'s QR code.';
      return;
    }
    const publicOff = !link.enabled && which === 'url';
    // The vCard code is drawn by the server from the synced card: send our edits first.
    if (which === 'vcard' && navigator.onLine) await syncNow().catch(() => {});
    const svg = await card.qrSvg(which, version);
    for (const kind of ['url', 'vcard']) $(`qr-${kind}`).hidden = true;
    if (publicOff) {
      $('qr-status').textContent = 'Your public page is off. Use the offline QR, or turn the page on below.';
    } else if (svg) {
      const img = $(`qr-${which}`);
      const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
      const previous = blobUrls.get(which);
      blobUrls.set(which, url);
      // Says which link the image shows once it has drawn (tests and screen readers can rely on it).
      img.addEventListener('load', () => {
        img.dataset.shows = which === 'url' ? link.url : 'vcard';
        URL.revokeObjectURL(previous);
      }, { once: true });
      img.src = url;
      img.hidden = false;
      $('qr-status').textContent = which === 'url'
        ? 'Let people scan this to open your card and leave their details.'
        : 'This code holds your details: it works with no signal on either phone.';
    } else {
      $('qr-status').textContent = 'The QR code appears once you are online.';
    }
    $('public-link').hidden = !link.enabled;
    $('public-link').href = link.url;
    $('public-link').textContent = link.url.replace(/^https?:\/\//, '');
    $('public-enabled').checked = link.enabled;
  }

  // The cached QR matches when the link and the card are unchanged.
  const version = () => JSON.stringify([card.cachedLink()?.slug, card.cachedLink()?.enabled, current]);

  async function render(me) {
    renderCard(await card.myCard(), me?.user?.name);
    await showQr(version());
  }

  function openForm() {
    form.hidden = false;
    $('mycard-edit').setAttribute('aria-expanded', 'true');
    for (const name of FIELDS) form.elements[name].value = current?.[name] ?? '';
    if (!current) form.elements.name.value = $('mycard-name').textContent;
    form.elements.links.value = (current?.links ?? []).join('\n');
    form.elements.name.focus();
  }

  $('mycard-edit').addEventListener('click', () => (form.hidden ? openForm() : (form.hidden = true)));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const values = readForm(form);
    $('mycard-error').textContent = '';
    if (!values.name) {
      $('mycard-error').textContent = 'Your card needs your name.';
      return;
    }
    const links = values.links.split(/\s+/).filter(Boolean);
    const bad = links.find((link) => !/^https?:\/\/\S+$/.test(link));
    if (bad) {
      $('mycard-error').textContent = `Links start with https:// (“${bad}” does not).`;
      return;
    }
    const after = { links: links.slice(0, 5) };
    for (const name of FIELDS) after[name] = values[name] || null;
    after.name = values.name;
    const changed = changedFields({ ...current, links: current?.links ?? [] }, after);
    try {
      if (!current || Object.keys(changed).length) await card.saveCard(current ? changed : after);
    } catch (e) {
      $('mycard-error').textContent = e.message;
      return;
    }
    form.hidden = true;
    $('mycard-edit').setAttribute('aria-expanded', 'false');
    toast('Card saved');
    syncSoon();
  });

  $('qr-toggle').addEventListener('click', () => {
    showVcard = !showVcard;
    showQr(version());
  });
  $('public-enabled').addEventListener('change', async (event) => {
    try {
      await card.setPublic(event.target.checked);
      toast(event.target.checked ? 'Your public page is on' : 'Your public page is off');
    } catch (e) {
      event.target.checked = !event.target.checked;
      toast(e.message);
    }
    showQr(version());
  });
  $('public-rotate').addEventListener('click', async () => {
    const ok = await confirmAction('Get a new link? Your current QR code and link will stop working.', 'New link');
    if (!ok) return;
    try {
      await card.rotateLink();
      toast('New link ready');
    } catch (e) {
      toast(e.message);
    }
    showQr(version());
  });

  store.changes.addEventListener('change', async (event) => {
    if (root.isConnected && event.detail.kinds.has('card')) render();
  });

  return {
    async enter(me) {
      await render(me);
      // Once online, make sure the link (and card id) are current, then redraw.
      card.refreshLink().then(() => render(me)).catch(() => {});
    },
  };
}
