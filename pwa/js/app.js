// Wires the app: service worker, who is signed in, and which screen shows.

import * as account from './account.js';
import { initCodes } from './screens/codes.js';
import { initMe } from './screens/me.js';
import { initWelcome } from './screens/welcome.js';
import { registerWorker } from './sw-bridge.js';

const $ = (id) => document.getElementById(id);
const SCREENS = ['welcome', 'codes', 'capture', 'contacts', 'follow-up', 'me'];
const HOME = 'capture';

let me = account.cachedMe();
let current = null;

const welcome = initWelcome((signedIn, codes) => {
  me = signedIn;
  if (codes) {
    codesScreen.show(codes);
    show('codes');
  } else {
    navigate(location.pathname === '/' ? `/${HOME}` : location.pathname, { replace: true });
  }
});
const codesScreen = initCodes(() => navigate(`/${HOME}`));
const meScreen = initMe({
  onSignedOut: () => {
    me = null;
    account.forget();
    history.replaceState(null, '', '/');
    show('welcome');
  },
  onCodes: (codes) => {
    codesScreen.show(codes);
    show('codes');
  },
});

/** Which screen a path names; unknown paths and "/" open the home screen. */
function screenFor(pathname) {
  const name = pathname.replace(/^\/+|\/+$/g, '');
  return SCREENS.includes(name) && name !== 'welcome' && name !== 'codes' ? name : HOME;
}

function show(name) {
  if (current === 'welcome' && name !== 'welcome') welcome.leave();
  current = name;
  $('loading').hidden = true;
  for (const screen of SCREENS) $(`screen-${screen}`).hidden = screen !== name;
  const signedInScreen = name !== 'welcome' && name !== 'codes';
  $('tabs').hidden = !signedInScreen;
  for (const link of $('tabs').querySelectorAll('a')) {
    if (link.dataset.screen === name) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  if (name === 'welcome') welcome.enter();
  if (name === 'me') meScreen.enter(me);
  $('app').focus({ preventScroll: true });
  window.scrollTo(0, 0);
}

function navigate(path, { replace = false } = {}) {
  if (replace) history.replaceState(null, '', path);
  else if (path !== location.pathname) history.pushState(null, '', path);
  show(me ? screenFor(path) : 'welcome');
}

$('tabs').addEventListener('click', (event) => {
  const link = event.target.closest('a[data-screen]');
  if (!link || event.metaKey || event.ctrlKey) return;
  event.preventDefault();
  navigate(link.getAttribute('href'));
});
window.addEventListener('popstate', () => show(me ? screenFor(location.pathname) : 'welcome'));

async function start() {
  // Open at once from what this device knows; the server's answer may correct it.
  show(me ? screenFor(location.pathname) : 'welcome');
  try {
    const fresh = await account.fetchMe();
    const changed = Boolean(fresh) !== Boolean(me);
    me = fresh;
    if (changed) show(me ? screenFor(location.pathname) : 'welcome');
  } catch {
    // Offline: keep showing what this device knows.
  }
}

registerWorker((apply) => {
  $('update-banner').hidden = false;
  $('update-button').onclick = apply;
}).catch(() => {});
if (navigator.storage?.persist) navigator.storage.persist().catch(() => {});
start();
