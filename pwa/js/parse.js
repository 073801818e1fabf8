// Reading other people's details from text: vCards, MECARD codes, profile URLs, and pasted
// email signatures or "Name <email>" lines. Runs offline; returns card fields it is sure of.

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
const PHONE = /(?:\+|\(?\d)[\d\s().-]{6,}\d/g;
const URL_RE = /\b(?:https?:\/\/|www\.|(?:[a-z]{2,3}\.)?linkedin\.com\/)[^\s<>"]+/gi;
const TITLE_WORDS = /\b(CEO|CTO|CFO|COO|founder|co-founder|director|manager|engineer|developer|designer|head|lead|president|vp|vice|partner|consultant|officer|analyst|scientist|researcher|professor|architect|product|marketing|sales|student|intern|owner|editor|writer|advisor)\b/i;
const COMPANY_WORDS = /\b(inc|ltd|llc|gmbh|corp|corporation|company|co\.|sa|sas|bv|ag|plc|labs?|studio|group|university|institute|foundation)\b/i;

/** Unfold vCard lines and decode quoted-printable values (2.1 style). */
function vcardLines(text) {
  const raw = text.replace(/\r\n?/g, '\n');
  // Quoted-printable soft breaks ("=" at the end of a line) join with the next line.
  const joined = raw.replace(/=\n/g, '').replace(/\n[ \t]/g, '');
  return joined.split('\n').filter(Boolean);
}

function decodeQP(value) {
  const bytes = [];
  for (let i = 0; i < value.length; i++) {
    if (value[i] === '=' && /^[0-9A-F]{2}$/i.test(value.slice(i + 1, i + 3))) {
      bytes.push(parseInt(value.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(value.charCodeAt(i));
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}

const unescapeValue = (v) => v.replace(/\\n/gi, '\n').replace(/\\([,;\\])/g, '$1').trim();

/** Fields from a vCard (2.1, 3.0 or 4.0). */
export function parseVCard(text) {
  const fields = {};
  const notes = [];
  for (const line of vcardLines(text)) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const [nameAndParams, rawValue] = [line.slice(0, colon), line.slice(colon + 1)];
    const [rawName, ...params] = nameAndParams.split(';');
    const name = rawName.replace(/^item\d+\./i, '').toUpperCase();
    let value = /ENCODING=QUOTED-PRINTABLE/i.test(params.join(';')) ? decodeQP(rawValue) : rawValue;
    value = unescapeValue(value);
    if (!value) continue;
    if (name === 'FN') fields.name = value;
    else if (name === 'N' && !fields.name) {
      const [family, given] = value.split(';');
      fields.name = [given, family].filter(Boolean).join(' ').trim();
    } else if (name === 'ORG') fields.company ??= value.split(';')[0];
    else if (name === 'TITLE') fields.title ??= value;
    else if (name === 'EMAIL') fields.email ??= value.replace(/^mailto:/i, '');
    else if (name === 'TEL') fields.phone ??= value.replace(/^tel:/i, '');
    else if (name === 'URL') notes.push(value);
    else if (name === 'NOTE') notes.push(value);
  }
  if (notes.length) fields.notes = notes.join('\n');
  return fields;
}

/** Fields from a MECARD ("MECARD:N:Doe,John;TEL:…;EMAIL:…;;"). */
export function parseMecard(text) {
  const fields = {};
  const body = text.replace(/^MECARD:/i, '');
  for (const part of body.split(/(?<!\\);/)) {
    const colon = part.indexOf(':');
    if (colon < 0) continue;
    const key = part.slice(0, colon).toUpperCase();
    const value = part.slice(colon + 1).replace(/\\(.)/g, '$1').trim();
    if (!value) continue;
    if (key === 'N') {
      const [family, given] = value.split(',');
      fields.name = given ? `${given.trim()} ${family.trim()}` : family.trim();
    } else if (key === 'TEL') fields.phone ??= value;
    else if (key === 'EMAIL') fields.email ??= value;
    else if (key === 'ORG') fields.company ??= value;
    else if (key === 'URL' || key === 'NOTE') fields.notes = [fields.notes, value].filter(Boolean).join('\n');
  }
  return fields;
}

/** Fields from a profile URL (LinkedIn and others): the name from the path when it is clear. */
export function parseProfileUrl(text) {
  const url = new URL(text.startsWith('http') ? text : `https://${text}`);
  const fields = { notes: url.href };
  const match = url.pathname.match(/^\/(?:in|pub)\/([^/]+)/);
  if (/linkedin\.com$/i.test(url.hostname) && match) {
    const words = decodeURIComponent(match[1]).split('-').filter((w) => /^[a-zà-ÿ]+$/i.test(w));
    if (words.length >= 2) fields.name = words.map((w) => w[0].toUpperCase() + w.slice(1)).join(' ');
  }
  return fields;
}

/** Whatever a QR code held: a vCard, a MECARD, a URL, or plain text (as a note). */
export function parseScanned(text) {
  const trimmed = text.trim();
  if (/^BEGIN:VCARD/i.test(trimmed)) return parseVCard(trimmed);
  if (/^MECARD:/i.test(trimmed)) return parseMecard(trimmed);
  if (/^(https?:\/\/|www\.)\S+$/i.test(trimmed)) return parseProfileUrl(trimmed);
  return parsePasted(trimmed);
}

/** Test without a global regex's remembered position. */
const has = (re, text) => new RegExp(re.source, re.flags.replace('g', '')).test(text);

const looksLikeName = (line) => /^[\p{Lu}][\p{L}'’.-]*(\s+[\p{L}'’.-]+){1,3}$/u.test(line)
  && !TITLE_WORDS.test(line) && !COMPANY_WORDS.test(line);

/** Fields from pasted text: an email signature, or "Name <email>". */
export function parsePasted(text) {
  const fields = {};
  const clean = text.replace(/\r/g, '').trim();
  const angle = clean.match(/^"?([^"<\n]+?)"?\s*<([^>\s]+@[^>\s]+)>/);
  if (angle) {
    fields.name = angle[1].trim();
    fields.email = angle[2];
  }
  fields.email ??= clean.match(EMAIL)?.[0];
  const urls = (clean.match(URL_RE) ?? []).map((u) => u.replace(/[.,;)]+$/, ''));
  const withoutUrlsAndEmails = clean.replace(URL_RE, ' ').replace(EMAIL, ' ');
  const phone = withoutUrlsAndEmails.match(PHONE)?.find((p) => p.replace(/\D/g, '').length >= 7);
  if (phone) fields.phone = phone.trim();
  if (urls.length) fields.notes = urls.join('\n');

  const lines = clean.split('\n').map((l) => l.replace(/^[-–—\s]+/, '').trim()).filter(Boolean)
    .filter((l) => !has(EMAIL, l) && !has(URL_RE, l) && !(has(PHONE, l) && l.replace(/\D/g, '').length >= 7));
  if (!fields.name) {
    const nameLine = lines.find(looksLikeName);
    if (nameLine) fields.name = nameLine;
  }
  for (const line of lines.filter((l) => l !== fields.name)) {
    // "Role at Company" is clear when the company is capitalised; "Role, Company" needs a role word.
    const at = line.match(/^(.+?)\s+(?:at|@)\s+(\p{Lu}.*)$/u);
    const split = line.match(/^(.+?)\s*[|,–—]\s*(.+)$/);
    const pair = at && at[1].split(/\s+/).length <= 5 ? at : split && TITLE_WORDS.test(split[1]) ? split : null;
    if (pair && !fields.title) {
      fields.title = pair[1].trim();
      fields.company ??= pair[2].trim();
    } else if (TITLE_WORDS.test(line) && !fields.title) fields.title = line;
    else if (COMPANY_WORDS.test(line) && !fields.company) fields.company = line;
  }
  for (const key of Object.keys(fields)) if (!fields[key]) delete fields[key];
  return fields;
}
