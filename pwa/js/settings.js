// The person's nudge settings: cached on the device (screens never wait), refreshed and
// saved through the API.

import { get, patch } from './api.js';

const KEY = 'cultivate.settings';
export const DEFAULT_TEMPLATE = `Hi {first_name},

Great to meet you at {event}!
I enjoyed talking about {notes}.
You mentioned you're looking for {they_need}.
I'd be glad to help with {i_can_offer}.

Let's stay in touch,
{my_name}`;

const DEFAULTS = { follow_up_hours: 24, quiet_start: '22:00', quiet_end: '08:00', timezone: 'UTC', thank_you_template: null };

/** The settings as this device last knew them. */
export function settings() {
  try {
    return { ...DEFAULTS, ...JSON.parse(localStorage.getItem(KEY)) };
  } catch {
    return { ...DEFAULTS };
  }
}

/** The thank-you template in use (the person's, or the default). */
export const template = () => settings().thank_you_template || DEFAULT_TEMPLATE;

function remember(value) {
  localStorage.setItem(KEY, JSON.stringify(value));
  return value;
}

/** Fetch the settings; keep the server's time zone in step with this device's. */
export async function refreshSettings() {
  let current = remember(await get('/api/settings'));
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (zone && zone !== current.timezone) current = remember(await patch('/api/settings', { timezone: zone }));
  return current;
}

/** Change some settings (needs the network); resolves to the saved settings. */
export async function saveSettings(changes) {
  return remember(await patch('/api/settings', changes));
}

/** Forget the cached settings (sign-out). */
export const forgetSettings = () => localStorage.removeItem(KEY);
