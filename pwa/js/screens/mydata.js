// "Your data" on Me: import (preview, duplicates, merge choice), export, and account deletion.

import { post } from '../api.js';
import { commitImport, download, previewFile } from '../exchange.js';
import { describePasskeyError, getPasskey } from '../webauthn.js';
import { confirmAction, el, toast } from '../ui.js';

/** Wire the section inside the Me screen's `root`; `onDeleted()` runs after account deletion. */
export function initMyData(root, onDeleted) {
  const $ = (id) => root.querySelector(`#${id}`);
  const dialog = (id) => document.getElementById(id);
  let pending = null; // {format, content, contacts}

  $('import-file').addEventListener('change', (event) => {
    const file = event.target.files?.[0];
    event.target.value = '';
    if (file) importFile(file);
  });

  async function importFile(file) {
    $('data-error').textContent = '';
    try {
      const { content, preview } = await previewFile(file);
      pending = { format: preview.format, content, contacts: preview.contacts };
      showPreview(preview);
    } catch (error) {
      $('data-error').textContent = error.message;
    }
  }

  function showPreview(preview) {
    dialog('import-error').textContent = '';
    if (preview.format === 'backup') {
      const parts = Object.entries(preview.counts).map(([kind, n]) => `${n} ${kind}${n === 1 ? '' : 's'}`);
      dialog('import-summary').textContent = `A Cultivate backup with ${parts.join(', ')}. It is added to what you have; nothing is removed.`;
      dialog('import-list').replaceChildren();
      dialog('import-confirm').textContent = 'Restore backup';
    } else {
      const duplicates = preview.contacts.filter((c) => c.duplicate_of).length;
      dialog('import-summary').textContent = `${preview.contacts.length} contact${preview.contacts.length === 1 ? '' : 's'} found`
        + (duplicates ? `, ${duplicates} already in your contacts: choose what to do with each.` : '.');
      dialog('import-list').replaceChildren(...preview.contacts.map(importItem));
      dialog('import-confirm').textContent = `Import ${preview.contacts.length}`;
    }
    dialog('import-dialog').showModal();
  }

  function importItem(candidate) {
    const f = candidate.fields;
    const detail = [f.title, f.company, f.email, f.phone].filter(Boolean).join(' · ');
    const item = el('li', { 'aria-label': f.name },
      el('span', { class: 'item-name' }, f.name),
      detail ? el('span', { class: 'item-meta' }, detail) : null);
    if (candidate.duplicate_of) {
      const id = `import-choice-${candidate.index}`;
      const select = el('select', { id, 'data-index': String(candidate.index) },
        el('option', { value: 'merge' }, `Merge into ${candidate.duplicate_of.name}`),
        el('option', { value: 'new' }, 'Add as a new contact'),
        el('option', { value: 'skip' }, 'Skip'));
      item.append(
        el('span', { class: 'item-meta' }, `Looks like ${candidate.duplicate_of.name} (${candidate.duplicate_of.reason})`),
        el('label', { class: 'visually-hidden', for: id }, `What to do with ${f.name}`), select);
    }
    return item;
  }

  dialog('import-cancel').addEventListener('click', () => dialog('import-dialog').close());
  dialog('import-confirm').addEventListener('click', async (event) => {
    if (!pending) return;
    const button = event.currentTarget;
    button.disabled = true;
    try {
      let result;
      if (pending.format === 'backup') {
        result = await commitImport('backup', { content: pending.content });
      } else {
        const choices = pending.contacts.map((c) => {
          const select = dialog('import-list').querySelector(`select[data-index="${c.index}"]`);
          const action = select ? select.value : 'new';
          return { fields: c.fields, action, merge_into: action === 'merge' ? c.duplicate_of.id : null };
        });
        result = await commitImport(pending.format, { contacts: choices });
      }
      dialog('import-dialog').close();
      pending = null;
      const parts = [`${result.added} added`, result.merged && `${result.merged} merged`, result.skipped && `${result.skipped} skipped`];
      toast(`Imported: ${parts.filter(Boolean).join(', ')}`);
    } catch (error) {
      dialog('import-error').textContent = error.message;
    } finally {
      button.disabled = false;
    }
  });

  const exporting = (path) => async () => {
    try {
      await download(path);
    } catch (error) {
      $('data-error').textContent = error.message;
    }
  };
  $('export-vcf').addEventListener('click', exporting('/api/export/contacts.vcf'));
  $('export-csv').addEventListener('click', exporting('/api/export/contacts.csv'));
  $('export-json').addEventListener('click', exporting('/api/export/backup.json'));

  $('delete-account').addEventListener('click', async () => {
    const ok = await confirmAction(
      'Delete your account? Every contact, event, note, passkey and setting is removed from the server and this phone. '
      + 'Download your data first if you want to keep it. You will confirm with your passkey.', 'Delete everything');
    if (!ok) return;
    try {
      const options = await post('/api/me/delete/options', {});
      const credential = await getPasskey(options);
      await post('/api/me/delete', { credential });
      await onDeleted();
      toast('Your account and all its data are deleted');
    } catch (error) {
      $('data-error').textContent = error.status !== undefined ? error.message : (describePasskeyError(error) ?? '');
    }
  });

  return { importFile };
}
