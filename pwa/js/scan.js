// Reading a code: the camera with BarcodeDetector where the browser has it; otherwise a photo,
// read on the device if it can, by the server when online, or kept for later when offline.

import { ApiError, post } from './api.js';
import { parseScanned } from './parse.js';
import * as store from './store.js';

const detectorAvailable = () => 'BarcodeDetector' in window;

/** A photo shrunk to at most `max` pixels a side, as a JPEG data URL (small enough to send). */
export async function shrinkPhoto(file, max = 1600) {
  const bitmap = await createImageBitmap(file);
  const scale = Math.min(1, max / Math.max(bitmap.width, bitmap.height));
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(bitmap.width * scale);
  canvas.height = Math.round(bitmap.height * scale);
  canvas.getContext('2d').drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  return canvas.toDataURL('image/jpeg', 0.9);
}

async function detect(source) {
  const detector = new BarcodeDetector({ formats: ['qr_code'] });
  const [code] = await detector.detect(source);
  return code?.rawValue ?? null;
}

/**
 * Read a photo. Resolves to {fields} when read, or {pending: dataUrl} when it must wait for
 * the network; throws with a sentence when it holds no code.
 */
export async function readPhoto(file) {
  if (detectorAvailable()) {
    const text = await detect(await createImageBitmap(file)).catch(() => null);
    if (text) return { fields: parseScanned(text) };
  }
  const image = await shrinkPhoto(file);
  if (!navigator.onLine) return { pending: image };
  try {
    const { text } = await post('/api/scan', { image });
    return { fields: parseScanned(text) };
  } catch (error) {
    if (error instanceof ApiError && error.status === 0) return { pending: image };
    throw error;
  }
}

/**
 * Watch the camera until a code shows up (where BarcodeDetector exists). Resolves to the
 * parsed fields, or null if there is no camera to use; `signal` stops it.
 */
export async function scanWithCamera(video, signal) {
  if (!detectorAvailable() || !navigator.mediaDevices?.getUserMedia) return null;
  const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' } });
  try {
    video.srcObject = stream;
    video.hidden = false;
    await video.play();
    while (!signal.aborted) {
      const text = await detect(video).catch(() => null);
      if (text) return parseScanned(text);
      await new Promise((resolve) => requestAnimationFrame(resolve));
    }
    return null;
  } finally {
    for (const track of stream.getTracks()) track.stop();
    video.hidden = true;
  }
}

/** Read photos kept offline and fill in the contacts they belong to (only empty fields). */
export async function readPendingScans() {
  for (const scan of await store.pendingScans()) {
    let fields;
    try {
      fields = parseScanned((await post('/api/scan', { image: scan.image })).text);
    } catch (error) {
      if (error instanceof ApiError && error.status >= 400 && error.status < 500) {
        await store.removeScan(scan.id);
        const contact = await store.get('contact', scan.contact_id);
        await store.addProblem({
          mutation_id: `scan-${scan.id}`, name: 'scan', args: { fields: { name: contact?.name } },
          description: `The photo of a code for ${contact?.name ?? 'a contact'} could not be read: ${error.message}`,
        });
        continue;
      }
      return; // offline or server trouble: try again on the next sync
    }
    const contact = await store.get('contact', scan.contact_id);
    if (contact) {
      const missing = Object.fromEntries(Object.entries(fields).filter(([name]) => !contact[name]));
      if (Object.keys(missing).length) await store.write('contact', contact.id, missing);
    }
    await store.removeScan(scan.id);
  }
}
