// Signed-out screen: create an account, sign in (autofill or button), or recover.

import * as account from '../account.js';
import { autofillSupported, describePasskeyError, passkeysSupported } from '../webauthn.js';
import { busy } from '../ui.js';

/** Wire the welcome screen; `onSignedIn(me, codes?)` runs after any successful path. */
export function initWelcome(root, onSignedIn) {
  // Screens live outside the document while hidden, so look up ids within this one.
  const $ = (id) => root.querySelector(`#${id}`);

  const error = $('welcome-error');
  const show = (e) => {
    const message = e?.status !== undefined ? e.message : describePasskeyError(e);
    error.textContent = message ?? '';
  };
  let autofill = null;

  // Passkey autofill waits in the background; any explicit action must cancel it first.
  async function startAutofill() {
    if (!passkeysSupported() || !(await autofillSupported())) return;
    autofill?.abort();
    const controller = new AbortController();
    autofill = controller;
    const form = $('sign-up-form');
    // Marks that saved passkeys are on offer in the name field's autofill.
    form.dataset.autofill = 'waiting';
    try {
      const me = await account.signIn({ conditional: true, signal: controller.signal });
      onSignedIn(me);
    } catch (e) {
      // The person never asked for this request: only a server refusal of a passkey they
      // picked is worth a word; browser-side cancellations and offline stay silent.
      if (e?.status >= 400) show(e);
    } finally {
      if (autofill === controller) delete form.dataset.autofill;
    }
  }
  const stopAutofill = () => autofill?.abort(new DOMException('replaced', 'AbortError'));

  $('sign-up-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const name = $('sign-up-name').value.trim();
    if (!name) {
      error.textContent = 'Enter your name to create an account.';
      $('sign-up-name').focus();
      return;
    }
    error.textContent = '';
    stopAutofill();
    busy(event.submitter ?? event.target.querySelector('button'), async () => {
      try {
        const result = await account.signUp(name);
        onSignedIn(result, result.recovery_codes);
      } catch (e) {
        show(e);
        startAutofill();
      }
    });
  });

  $('sign-in-button').addEventListener('click', (event) => {
    error.textContent = '';
    stopAutofill();
    busy(event.currentTarget, async () => {
      try {
        onSignedIn(await account.signIn());
      } catch (e) {
        show(e);
        startAutofill();
      }
    });
  });

  $('recovery-toggle').addEventListener('click', (event) => {
    const form = $('recovery-form');
    form.hidden = !form.hidden;
    event.currentTarget.setAttribute('aria-expanded', String(!form.hidden));
    if (!form.hidden) $('recovery-code').focus();
  });

  $('recovery-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const code = $('recovery-code').value.trim();
    if (!code) {
      error.textContent = 'Enter one of your recovery codes.';
      return;
    }
    error.textContent = '';
    stopAutofill();
    busy(event.target.querySelector('button'), async () => {
      try {
        const me = await account.recover(code);
        $('recovery-code').value = '';
        onSignedIn(me);
      } catch (e) {
        show(e);
        startAutofill();
      }
    });
  });

  return {
    /** Called each time the screen is shown. */
    enter() {
      error.textContent = passkeysSupported() ? '' : 'This browser does not support passkeys, which Cultivate needs to sign in.';
      startAutofill();
    },
    leave: stopAutofill,
  };
}
