// The recovery codes, shown once: copy, download, then continue.

import { el, toast } from '../ui.js';

/** Wire the codes screen; `onDone()` runs when the person confirms they saved them. */
export function initCodes(root, onDone) {
  // Screens live outside the document while hidden, so look up ids within this one.
  const $ = (id) => root.querySelector(`#${id}`);

  let codes = [];
  const asText = () => `Cultivate recovery codes\nEach code works once.\n\n${codes.join('\n')}\n`;

  $('codes-copy').addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(asText());
      toast('Recovery codes copied');
    } catch {
      toast('Copying is blocked here; use Download instead');
    }
  });
  $('codes-download').addEventListener('click', () => {
    const url = URL.createObjectURL(new Blob([asText()], { type: 'text/plain' }));
    el('a', { href: url, download: 'cultivate-recovery-codes.txt' }).click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  });
  $('codes-done').addEventListener('click', () => {
    codes = [];
    $('codes-list').replaceChildren();
    onDone();
  });

  return {
    /** Show these codes (they exist nowhere else in the app). */
    show(newCodes) {
      codes = newCodes;
      $('codes-list').replaceChildren(...codes.map((code) => el('li', {}, code)));
    },
  };
}
