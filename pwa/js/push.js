// Nudges on this device: permission, the push subscription, and telling the server about it.

import { get, post } from './api.js';

const ASKED_KEY = 'cultivate.nudges-asked';

const b64urlToBytes = (text) => {
  const base64 = text.replace(/-/g, '+').replace(/_/g, '/');
  return Uint8Array.from(atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4)), (c) => c.charCodeAt(0));
};

/** True where this browser can receive Web Push at all. */
export const pushSupported = () => 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window;

/** "granted", "denied", "default", or "unsupported". */
export const permission = () => (pushSupported() ? Notification.permission : 'unsupported');

/** Whether to offer nudges now: supported, not yet decided, and not waved off. */
export const shouldAsk = () => permission() === 'default' && !localStorage.getItem(ASKED_KEY);

/** Remember "Not now" so the app does not ask again on every capture. */
export const askLater = () => localStorage.setItem(ASKED_KEY, new Date().toISOString());

/** Ask for permission, subscribe, and register the subscription with the server. */
export async function turnOnNudges() {
  if (!pushSupported()) throw new Error('This browser cannot show notifications. The Follow up screen still lists everyone.');
  const result = await Notification.requestPermission();
  localStorage.setItem(ASKED_KEY, new Date().toISOString());
  if (result !== 'granted') throw new Error('Notifications are blocked. You can allow them in the browser settings.');
  const registration = await navigator.serviceWorker.ready;
  let subscription = await registration.pushManager.getSubscription();
  if (!subscription) {
    const { public_key: key } = await get('/api/push/key');
    subscription = await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: b64urlToBytes(key) });
  }
  await post('/api/push/subscriptions', subscription.toJSON());
}

/** Send a test notification to each of my devices. */
export const sendTest = () => post('/api/push/test', {});

/** Show the count on the app icon (where the platform has badges). */
export function setBadge(count) {
  if (!('setAppBadge' in navigator)) return;
  (count ? navigator.setAppBadge(count) : navigator.clearAppBadge()).catch(() => {});
}
