// Cultivate's service worker. The server prepends SHELL_VERSION and SHELL_FILES (see
// server/shell.py), so any change to a shell file yields a new worker and a new cache.
/* global SHELL_VERSION, SHELL_FILES */

const CACHE_PREFIX = 'cultivate-shell-';
const CACHE = CACHE_PREFIX + SHELL_VERSION;
const SHARE_CACHE = 'cultivate-share';
// Paths the app routes on the client (server/shell.py APP_PATHS): all open the same shell.
const APP_ROUTE = /^\/(capture|contacts(\/[^/]+)?|events(\/[^/]+)?|follow-up|me)?$/;

self.addEventListener('install', (event) => {
  event.waitUntil(precacheShell());
});

self.addEventListener('activate', (event) => {
  event.waitUntil(cleanupOldCaches().then(() => self.clients.claim()));
});

self.addEventListener('message', (event) => {
  // The page sends this when the person taps "Update".
  if (event.data?.type === 'skip-waiting') self.skipWaiting();
});

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (url.origin === location.origin && url.pathname === '/share-target' && event.request.method === 'POST') {
    event.respondWith(receiveShare(event.request));
    return;
  }
  // Don't care about other-origin URLs, or anything but GET.
  if (url.origin !== location.origin || event.request.method !== 'GET') return;
  // The API is the sync module's business: never cached here.
  if (url.pathname.startsWith('/api/')) return;
  if (event.request.mode === 'navigate' && APP_ROUTE.test(url.pathname)) {
    event.respondWith(shellOrNetwork(event.request));
    return;
  }
  if (SHELL_FILES.includes(url.pathname)) event.respondWith(cacheOrNetwork(event.request));
});

self.addEventListener('push', (event) => {
  // A nudge from the server: show it, and put the count of due follow-ups on the app icon.
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch {
    data = { body: event.data?.text() };
  }
  const shown = self.registration.showNotification(data.title || 'Cultivate', {
    body: data.body || 'Someone is waiting for your thank-you.',
    tag: data.tag || 'follow-up',
    icon: '/icons/icon-192.png',
    badge: '/icons/icon-192.png',
    data: { url: data.url || '/follow-up' },
  });
  const badge = typeof data.badge === 'number' && 'setAppBadge' in self.navigator
    ? (data.badge ? self.navigator.setAppBadge(data.badge) : self.navigator.clearAppBadge()).catch(() => {})
    : null;
  event.waitUntil(Promise.all([shown, badge]));
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  event.waitUntil(openApp(event.notification.data?.url || '/follow-up'));
});

/** Focus an open window of the app on `url`, or open one. */
async function openApp(url) {
  const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  const existing = windows.find((client) => new URL(client.url).origin === location.origin);
  if (existing) {
    await existing.focus();
    return existing.navigate(url);
  }
  return self.clients.openWindow(url);
}

/**
 * Something shared to the app (Web Share Target): keep it for the page, then open the app.
 * A .vcf goes to import; text (a signature, a profile link) to the Paste box on Capture.
 */
async function receiveShare(request) {
  const form = await request.formData();
  const cache = await caches.open(SHARE_CACHE);
  const file = form.get('file');
  if (file && typeof file !== 'string') {
    await cache.put('/shared/file', new Response(file, { headers: { 'X-Filename': encodeURIComponent(file.name || 'shared.vcf') } }));
  }
  const text = ['title', 'text', 'url'].map((name) => form.get(name)).filter((v) => typeof v === 'string' && v).join('\n');
  if (text) await cache.put('/shared/text', new Response(text));
  return Response.redirect(file && typeof file !== 'string' ? '/me?shared=file' : '/capture?shared=text', 303);
}

/** Fetch every shell file past the HTTP cache, so the new cache holds the new bytes. */
async function precacheShell() {
  const cache = await caches.open(CACHE);
  await cache.addAll(SHELL_FILES.map((path) => new Request(path, { cache: 'reload' })));
}

/** Delete only our own older shell caches. */
async function cleanupOldCaches() {
  const names = await caches.keys();
  await Promise.all(
    names.filter((name) => name.startsWith(CACHE_PREFIX) && name !== CACHE).map((name) => caches.delete(name)),
  );
}

/** Every app route is the same shell: answer from the cache so the app opens offline at once. */
async function shellOrNetwork(request) {
  const cached = await caches.match('/', { cacheName: CACHE });
  return cached ?? fetch(request);
}

async function cacheOrNetwork(request) {
  const cached = await caches.match(request, { cacheName: CACHE });
  return cached ?? fetch(request);
}
