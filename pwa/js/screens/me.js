// The Me screen: who I am, my passkeys, recovery codes, signed-in devices, sign out.

import * as account from '../account.js';
import * as push from '../push.js';
import { DEFAULT_TEMPLATE, refreshSettings, saveSettings, settings } from '../settings.js';
import { describePasskeyError } from '../webauthn.js';
import { initMyCard } from './mycard.js';
import { initMyData } from './mydata.js';
import { busy, confirmAction, el, formatDate, timeAgo, toast } from '../ui.js';

const explain = (e) => (e?.status !== undefined ? e.message : describePasskeyError(e));

/**
 * Wire the Me screen. `onSignOut()` signs out (it may ask first); `onSignedOut()` runs when
 * the server says the session is gone; `onCodes(codes)` shows new recovery codes.
 */
export function initMe(root, { onSignOut, onSignedOut, onCodes }) {
  // Screens live outside the document while hidden, so look up ids within this one.
  const $ = (id) => root.querySelector(`#${id}`);
  const myCard = initMyCard(root);
  const myData = initMyData(root, onSignedOut);

  async function renderPasskeys() {
    const passkeys = await account.listPasskeys();
    const only = passkeys.length === 1;
    $('passkey-list').replaceChildren(...passkeys.map((p) => passkeyItem(p, only)));
  }

  function passkeyItem(passkey, only) {
    const item = el('li', { 'aria-label': passkey.name });
    const used = passkey.last_used_at ? `last used ${timeAgo(passkey.last_used_at)}` : 'not used to sign in yet';
    const rename = el('button', { type: 'button', class: 'button secondary small', 'aria-label': `Rename ${passkey.name}` }, 'Rename');
    const remove = el('button', {
      type: 'button', class: 'button danger small', 'aria-label': `Remove ${passkey.name}`,
      disabled: only, title: only ? 'Add another passkey before removing this one' : false,
    }, 'Remove');
    item.append(
      el('div', { class: 'item-head' },
        el('span', { class: 'item-name' }, passkey.name),
        el('span', { class: 'chip' }, passkey.synced ? 'Synced' : 'This device only')),
      el('span', { class: 'item-meta' }, `Added ${formatDate(passkey.created_at)} · ${used}`),
      el('div', { class: 'item-actions' }, rename, remove),
    );
    rename.addEventListener('click', () => startRename(item, passkey));
    remove.addEventListener('click', async () => {
      const ok = await confirmAction(`Remove “${passkey.name}”? You won't be able to sign in with it any more.`, 'Remove');
      if (!ok) return;
      await busy(remove, async () => {
        try {
          await account.removePasskey(passkey.id);
          toast(`Removed ${passkey.name}`);
          await renderPasskeys();
        } catch (e) {
          toast(explain(e));
        }
      });
    });
    return item;
  }

  function startRename(item, passkey) {
    const input = el('input', { type: 'text', value: passkey.name, maxlength: '60', 'aria-label': 'Passkey name', required: true });
    const form = el('form', { class: 'rename' }, input,
      el('button', { type: 'submit', class: 'button primary small' }, 'Save'),
      el('button', { type: 'button', class: 'button secondary small', onclick: () => renderPasskeys() }, 'Cancel'));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const name = input.value.trim();
      if (!name) {
        toast('A passkey needs a name');
        return;
      }
      try {
        await account.renamePasskey(passkey.id, name);
        toast('Passkey renamed');
        await renderPasskeys();
      } catch (e) {
        toast(explain(e));
      }
    });
    item.replaceChildren(form);
    input.select();
  }

  async function renderSessions() {
    const sessions = await account.listSessions();
    $('session-list').replaceChildren(...sessions.map((s) => el('li', {},
      el('div', { class: 'item-head' },
        el('span', { class: 'item-name' }, describeAgent(s.user_agent)),
        s.current ? el('span', { class: 'chip' }, 'This device') : null),
      el('span', { class: 'item-meta' }, `Signed in ${formatDate(s.created_at)} · active ${timeAgo(s.last_seen_at)}`))));
    $('sign-out-others').hidden = sessions.length < 2;
  }

  async function renderRecovery() {
    const { remaining } = await account.recoveryStatus();
    $('recovery-left').textContent = remaining === 0
      ? 'You have no unused recovery codes. Get new ones so you can always get back in.'
      : `${remaining} of 10 codes unused. Each lets you back in once if you lose your passkeys.`;
  }

  function renderNudges() {
    const state = push.permission();
    const text = {
      granted: 'On for this device. One reminder before a follow-up window closes, never in your quiet hours.',
      denied: 'Blocked in this browser\'s settings. The Follow up screen and the app badge still show who is waiting.',
      default: 'Off. Turn them on to be reminded before the follow-up window closes.',
      unsupported: 'This browser cannot show notifications. The Follow up screen still shows who is waiting.',
    };
    $('nudges-state').textContent = text[state];
    $('nudges-on').hidden = state !== 'default';
    $('nudges-test').hidden = state !== 'granted';
  }

  function renderSettings(current) {
    $('s-window').value = String(current.follow_up_hours);
    if (!$('s-window').value) {
      $('s-window').append(el('option', { value: String(current.follow_up_hours) }, `${current.follow_up_hours} hours`));
      $('s-window').value = String(current.follow_up_hours);
    }
    $('s-quiet-start').value = current.quiet_start;
    $('s-quiet-end').value = current.quiet_end;
    $('s-template').value = current.thank_you_template || DEFAULT_TEMPLATE;
  }

  $('nudges-on').addEventListener('click', (event) => busy(event.currentTarget, async () => {
    try {
      await push.turnOnNudges();
      toast('Nudges are on');
    } catch (e) {
      toast(e.message);
    }
    renderNudges();
  }));

  $('nudges-test').addEventListener('click', (event) => busy(event.currentTarget, async () => {
    try {
      const { delivered } = await push.sendTest();
      toast(delivered ? 'Test sent: it should appear in a moment' : 'No device is set up for nudges yet');
    } catch (e) {
      toast(explain(e));
    }
  }));

  $('settings-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    $('settings-error').textContent = '';
    const templateText = $('s-template').value.trim();
    try {
      const saved = await saveSettings({
        follow_up_hours: Number($('s-window').value),
        quiet_start: $('s-quiet-start').value,
        quiet_end: $('s-quiet-end').value,
        // The default template is stored as "none", so later improvements reach everyone.
        thank_you_template: templateText && templateText !== DEFAULT_TEMPLATE ? templateText : null,
      });
      renderSettings(saved);
      toast('Settings saved');
    } catch (e) {
      $('settings-error').textContent = explain(e);
    }
  });

  $('add-passkey').addEventListener('click', (event) => busy(event.currentTarget, async () => {
    try {
      const added = await account.addPasskey();
      toast(`Added ${added.name}`);
      await renderPasskeys();
    } catch (e) {
      const message = explain(e);
      if (message) toast(message);
    }
  }));

  $('new-codes').addEventListener('click', async (event) => {
    const ok = await confirmAction('Get ten new recovery codes? Your old codes will stop working.', 'Get new codes');
    if (!ok) return;
    await busy(event.target, async () => {
      try {
        onCodes(await account.newRecoveryCodes());
      } catch (e) {
        toast(explain(e));
      }
    });
  });

  $('sign-out-others').addEventListener('click', (event) => busy(event.currentTarget, async () => {
    try {
      const { ended } = await account.signOutOthers();
      toast(ended === 1 ? 'Signed out 1 other device' : `Signed out ${ended} other devices`);
      await renderSessions();
    } catch (e) {
      toast(explain(e));
    }
  }));

  $('sign-out').addEventListener('click', (event) => busy(event.currentTarget, async () => {
    try {
      await onSignOut();
    } catch (e) {
      toast(explain(e));
    }
  }));

  return {
    importFile: (file) => myData.importFile(file),
    /** Render from the cached person at once, then refresh from the server. */
    async enter(me) {
      const name = me?.user?.name ?? '';
      $('me-title').textContent = name || 'Me';
      $('me-avatar').textContent = initials(name);
      $('me-since').textContent = me?.user ? `Member since ${formatDate(me.user.created_at)}` : '';
      myCard.enter(me);
      renderNudges();
      renderSettings(settings());
      refreshSettings().then(renderSettings).catch(() => {});
      try {
        await Promise.all([renderPasskeys(), renderSessions(), renderRecovery()]);
      } catch (e) {
        if (e.status === 401) onSignedOut();
        else $('recovery-left').textContent = explain(e);
      }
    },
  };
}

function initials(name) {
  return name.split(/\s+/).filter(Boolean).slice(0, 2).map((part) => part[0].toUpperCase()).join('') || '?';
}

function describeAgent(ua) {
  const os = /Android/.test(ua) ? 'Android' : /iPhone|iPad/.test(ua) ? 'iPhone'
    : /Mac OS X/.test(ua) ? 'Mac' : /Windows/.test(ua) ? 'Windows' : /Linux/.test(ua) ? 'Linux' : '';
  const browser = /Edg\//.test(ua) ? 'Edge' : /Firefox\//.test(ua) ? 'Firefox'
    : /Chrome\//.test(ua) ? 'Chrome' : /Safari\//.test(ua) ? 'Safari' : '';
  return [browser, os].filter(Boolean).join(' on ') || 'Unknown device';
}
