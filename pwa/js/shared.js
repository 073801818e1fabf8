// Picks up what was shared to the app (kept by the service worker) and hands it on.

const SHARE_CACHE = 'cultivate-share';

/** Take the shared text or file, once: {text} or {file} or null. */
export async function takeShared() {
  if (!('caches' in window)) return null;
  const cache = await caches.open(SHARE_CACHE);
  const [fileResponse, textResponse] = await Promise.all([cache.match('/shared/file'), cache.match('/shared/text')]);
  await Promise.all([cache.delete('/shared/file'), cache.delete('/shared/text')]);
  if (fileResponse) {
    const name = decodeURIComponent(fileResponse.headers.get('X-Filename') || 'shared.vcf');
    return { file: new File([await fileResponse.blob()], name, { type: 'text/vcard' }) };
  }
  if (textResponse) return { text: await textResponse.text() };
  return null;
}
