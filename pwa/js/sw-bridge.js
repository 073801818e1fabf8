// All page-to-worker messaging: register, notice a waiting update, offer it, reload once.

/** Register the service worker; call `onUpdate(apply)` when a new version is waiting. */
export async function registerWorker(onUpdate) {
  if (!('serviceWorker' in navigator)) return;
  const registration = await navigator.serviceWorker.register('/sw.js', { updateViaCache: 'none' });

  const offer = (worker) => onUpdate(() => worker.postMessage({ type: 'skip-waiting' }));
  // A worker already waiting (the person ignored the offer last time): offer it again.
  if (registration.waiting && navigator.serviceWorker.controller) offer(registration.waiting);
  registration.addEventListener('updatefound', () => {
    const installing = registration.installing;
    installing?.addEventListener('statechange', () => {
      // No controller means this is the first install, not an update: nothing to offer.
      if (installing.state === 'installed' && navigator.serviceWorker.controller) offer(installing);
    });
  });

  const hadController = Boolean(navigator.serviceWorker.controller);
  let reloading = false;
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    if (reloading || !hadController) return;
    reloading = true;
    location.reload();
  });

  // Look for a new version whenever the app comes back to the foreground.
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') registration.update().catch(() => {});
  });
}
