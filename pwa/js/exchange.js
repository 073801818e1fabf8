// Import and export through the server (it reads and writes vCard, CSV and JSON backups).

import { post } from './api.js';
import { syncNow } from './sync.js';

export const MAX_IMPORT_BYTES = 8 * 1024 * 1024;

/** Read a chosen file and ask the server what it holds; nothing is saved yet. */
export async function previewFile(file) {
  if (file.size > MAX_IMPORT_BYTES) {
    throw new Error(`That file is ${Math.round(file.size / 1048576)} MB; import files up to 8 MB (photos in vCards take room: export without them).`);
  }
  const content = await file.text();
  await syncNow(); // duplicates are found among what the server has: send ours first
  return { content, preview: await post('/api/import/preview', { filename: file.name, content }) };
}

/** Import the chosen contacts (or a whole backup), then bring them into this device. */
export async function commitImport(format, { contacts = [], content = null } = {}) {
  await syncNow(); // our own pending edits first, so a merge sees them
  const result = await post('/api/import/commit', format === 'backup' ? { format, content } : { format, contacts });
  await syncNow();
  return result;
}

/** Download an export after syncing, so it holds everything from this device. */
export async function download(path) {
  await syncNow();
  const link = document.createElement('a');
  link.href = path;
  link.download = '';
  document.body.append(link);
  link.click();
  link.remove();
}
