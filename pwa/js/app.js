// Wires the app: service worker, who is signed in, the local store and sync, and which
// screen shows. Screens own their DOM; this module only routes between them.

import * as account from './account.js';
import * as events from './events.js';
import { dueCount } from './followups.js';
import { setBadge } from './push.js';
import { initCapture } from './screens/capture.js';
import { initCodes } from './screens/codes.js';
import { initWelcome } from './screens/welcome.js';
import { forgetSettings, refreshSettings } from './settings.js';
import { takeShared } from './shared.js';
import * as store from './store.js';
import { registerWorker } from './sw-bridge.js';
import * as sync from './sync.js';
import { coalesce, confirmAction, toast } from './ui.js';

const $ = (id) => document.getElementById(id);
const SCREENS = ['welcome', 'codes', 'capture', 'contacts', 'contact', 'events', 'event', 'follow-up', 'me'];
const TABS = { contact: 'contacts', event: 'events' };
const HOME = '/capture';

let me = account.cachedMe();
let current = null;

// One screen is in the document at a time; the others wait detached, listeners and all, so
// labels and ids are never ambiguous (and hidden screens cost the page nothing).
const main = $('app');
const sections = new Map(SCREENS.map((name) => [name, $(`screen-${name}`)]));
for (const section of sections.values()) {
  section.remove();
  section.hidden = false;
}
const root = (name) => sections.get(name);

/** Which screen (and record id) a path names; unknown paths open the home screen. */
function route(pathname) {
  const [first, id] = pathname.split('/').filter(Boolean);
  if (first === 'contacts' && id) return { name: 'contact', params: { id } };
  if (first === 'events' && id) return { name: 'event', params: { id } };
  if (['capture', 'contacts', 'events', 'follow-up', 'me'].includes(first)) return { name: first, params: {} };
  return { name: 'capture', params: {} };
}

function navigate(path, { replace = false } = {}) {
  if (replace) history.replaceState(null, '', path);
  else if (path !== location.pathname + location.search) history.pushState(null, '', path);
  render();
}

function render() {
  if (!me) {
    show('welcome', {});
    return;
  }
  const { name, params } = route(location.pathname);
  params.startEvent = new URLSearchParams(location.search).has('start-event');
  show(name, params);
}

const welcome = initWelcome(root('welcome'), async (signedIn, codes) => {
  me = signedIn;
  await openLocalData();
  if (codes) {
    codesScreen.show(codes);
    show('codes', {});
  } else {
    navigate(location.pathname === '/' ? HOME : location.pathname, { replace: true });
  }
});
const codesScreen = initCodes(root('codes'), () => navigate(HOME));
const capture = initCapture(root('capture'));

// The other screens load on first visit (the worker holds them, so offline too): a cold start
// parses only what the capture form needs.
const once = (load) => {
  let made;
  return () => (made ??= load().catch((error) => {
    made = undefined; // try again on the next visit
    throw error;
  }));
};
const later = {
  contacts: once(async () => (await import('./screens/contacts.js')).initContacts(root('contacts'))),
  contact: once(async () => (await import('./screens/contact.js')).initContact(
    root('contact'), (path) => navigate(path), () => me)),
  events: once(async () => (await import('./screens/events.js')).initEvents(root('events'), root('event'))),
  'follow-up': once(async () => (await import('./screens/followup.js')).initFollowUp(root('follow-up'), () => me)),
  me: once(async () => (await import('./screens/me.js')).initMe(root('me'), {
    onSignOut: signOut,
    onSignedOut: forgetPerson,
    onCodes: (codes) => {
      codesScreen.show(codes);
      show('codes', {});
    },
  })),
};

/** Load a screen's module, then enter it if the person is still on it. */
async function enterLater(name, load, enter) {
  try {
    const screen = await load();
    if (current === name) enter(screen);
  } catch {
    toast('This screen could not open. Close the app and open it again.');
  }
}

const enterScreen = {
  welcome: () => welcome.enter(),
  capture: (params) => capture.enter(params),
  contacts: () => enterLater('contacts', later.contacts, (screen) => screen.enter()),
  contact: (params) => enterLater('contact', later.contact, (screen) => screen.enter(params)),
  events: () => enterLater('events', later.events, (screens) => screens.list.enter()),
  event: (params) => enterLater('event', later.events, (screens) => screens.detail.enter(params)),
  'follow-up': () => enterLater('follow-up', later['follow-up'], (screen) => screen.enter()),
  me: () => enterLater('me', later.me, (screen) => screen.enter(me)),
};

function show(name, params) {
  if (current === 'welcome' && name !== 'welcome') welcome.leave();
  current = name;
  if (main.firstElementChild !== sections.get(name)) main.replaceChildren(sections.get(name));
  const signedInScreen = name !== 'welcome' && name !== 'codes';
  $('tabs').hidden = !signedInScreen;
  $('appbar').hidden = !signedInScreen;
  const tab = TABS[name] ?? name;
  for (const link of $('tabs').querySelectorAll('a')) {
    if (link.dataset.screen === tab) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  enterScreen[name]?.(params);
  // The benchmark's cold-start end point: the capture form is on screen and takes input.
  if (name === 'capture' && !performance.getEntriesByName('capture-ready').length) performance.mark('capture-ready');
  if (name !== 'capture') $('app').focus({ preventScroll: true });
  window.scrollTo(0, 0);
}

// Links marked data-nav move between screens without a page load.
document.addEventListener('click', (event) => {
  const link = event.target.closest('a[data-nav], #tabs a');
  if (!link || event.metaKey || event.ctrlKey || event.shiftKey) return;
  event.preventDefault();
  navigate(link.getAttribute('href'));
});
window.addEventListener('popstate', render);

/** Open this person's local database and start syncing it. */
async function openLocalData() {
  await store.open(me.user.id);
  refreshEventChip();
  refreshBadge();
  sync.startSync();
  refreshSettings().catch(() => {}); // offline: the cached settings serve
  import('./card.js').then((card) => card.refreshLink()).catch(() => {}); // the card is not shell
}

/** The app icon badge and the Follow up tab show how many follow-ups wait. */
const refreshBadge = coalesce(async () => {
  if (!store.isOpen()) return;
  const count = await dueCount();
  setBadge(count);
  $('tab-badge').hidden = count === 0;
  $('tab-badge').textContent = String(count);
});

async function refreshEventChip() {
  if (!store.isOpen()) return;
  const event = await events.currentEvent();
  $('appbar-event').hidden = !event;
  $('appbar-event').textContent = event ? `At ${event.name}` : '';
}

/** Sign out here; on a shared phone this person's local data goes too (after a warning). */
async function signOut() {
  const pending = await store.pendingCount();
  if (pending) {
    const ok = await confirmAction(
      `${pending === 1 ? '1 change has' : `${pending} changes have`} not reached the server yet. ` +
      'Signing out now deletes them from this phone.', 'Sign out anyway');
    if (!ok) return false;
  }
  await account.signOut();
  await forgetPerson();
  return true;
}

async function forgetPerson() {
  const userId = me?.user?.id;
  sync.stopSync();
  me = null;
  account.forget();
  if (userId) await store.destroy(userId).catch(() => {});
  forgetSettings();
  await import('./card.js').then((card) => card.forgetCard()).catch(() => {});
  setBadge(0);
  history.replaceState(null, '', '/');
  show('welcome', {});
}

sync.statusEvents.addEventListener('status', (event) => {
  const status = $('sync-status');
  status.textContent = sync.describe(event.detail);
  status.dataset.state = event.detail.state;
});
let badgeTimer = null;
store.changes.addEventListener('change', (event) => {
  if (event.detail.kinds.has('event')) refreshEventChip();
  // Half a second late is soon enough for a badge, and keeps its read of every contact out of
  // the way of the next Save while someone captures one person after another.
  if (event.detail.kinds.has('contact')) {
    clearTimeout(badgeTimer);
    badgeTimer = setTimeout(refreshBadge, 500);
  }
});

/** Hand on what was shared to the app (a .vcf to import, text to Paste). */
async function receiveShared() {
  const shared = new URLSearchParams(location.search).get('shared');
  if (!shared || !me) return;
  history.replaceState(null, '', location.pathname);
  if (shared === 'unavailable') {
    toast('Sharing to Cultivate works once the app has been opened here. Try sharing again.');
    return;
  }
  const received = await takeShared().catch(() => null);
  if (received?.file) (await later.me()).importFile(received.file);
  else if (received?.text) capture.paste(received.text);
}

async function start() {
  // Open at once from what this device knows; the server's answer may correct it.
  if (me) await openLocalData();
  render();
  try {
    const fresh = await account.fetchMe();
    if (!fresh && me) {
      // Signed out elsewhere: keep local data (it may hold unsynced captures) until sign-in.
      me = null;
      sync.stopSync();
      store.close();
      render();
    } else if (fresh && !me) {
      me = fresh;
      await openLocalData();
      render();
    } else {
      me = fresh;
    }
  } catch {
    // Offline: keep showing what this device knows.
  }
}

start().then(receiveShared);

registerWorker((apply) => {
  $('update-banner').hidden = false;
  $('update-button').onclick = apply;
}).catch(() => {});
if (navigator.storage?.persist) navigator.storage.persist().catch(() => {});
