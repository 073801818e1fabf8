// Thank-you drafts: the template filled from what was noted about the person.

/** First line (or sentence) of a note, short enough for a message. */
function gist(text) {
  const first = (text ?? '').split(/\n|(?<=[.!?])\s/)[0].trim().replace(/[.!?]+$/, '');
  return first.length > 140 ? `${first.slice(0, 137)}…` : first;
}

/**
 * Fill `template` for a contact. A line whose placeholders are all empty is dropped, so the
 * draft never says "talk about ." or "at ".
 */
export function buildThankYou(template, { contact, eventName, myName }) {
  const values = {
    name: contact.name ?? '',
    first_name: (contact.name ?? '').split(/\s+/)[0] ?? '',
    event: eventName || contact.met_where || '',
    notes: gist(contact.notes),
    they_need: gist(contact.they_need),
    i_can_offer: gist(contact.i_can_offer),
    my_name: myName ?? '',
  };
  const lines = template.split('\n').flatMap((line) => {
    const names = [...line.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).filter((n) => n in values);
    if (names.length && names.every((n) => !values[n])) return [];
    return [line.replace(/\{(\w+)\}/g, (whole, n) => (n in values ? values[n] : whole))];
  });
  // Dropped lines can leave doubled blank lines behind.
  return lines.join('\n').replace(/\n{3,}/g, '\n\n').trim();
}

/** A mailto: link with subject and body. */
export function mailtoLink(email, subject, body) {
  return `mailto:${encodeURIComponent(email ?? '')}?subject=${encodeURIComponent(subject)}&body=${encodeURIComponent(body)}`;
}

/** An sms: link with the body (the `?&body=` form works on both iOS and Android). */
export function smsLink(phone, body) {
  return `sms:${encodeURIComponent((phone ?? '').replace(/[^\d+]/g, ''))}?&body=${encodeURIComponent(body)}`;
}

function describe(contact) {
  const role = [contact.title, contact.company].filter(Boolean).join(' at ');
  return role ? `${contact.name} (${role})` : contact.name;
}

/**
 * A double opt-in introduction: one message to each person asking whether they would like to
 * be introduced, built from what each needs and offers.
 */
export function buildIntroductions(a, b, myName) {
  const first = (c) => (c.name ?? '').split(/\s+/)[0];
  const why = (other, me) => {
    if (other.i_can_offer && me.they_need) return `${first(other)} can help with ${gist(other.i_can_offer)}, and you mentioned you need ${gist(me.they_need)}.`;
    if (other.i_can_offer) return `${first(other)} can help with ${gist(other.i_can_offer)}.`;
    if (other.they_need) return `${first(other)} is looking for ${gist(other.they_need)}.`;
    return 'I think you two would get on.';
  };
  const message = (to, other) => [
    `Hi ${first(to)},`,
    '',
    `I'd like to introduce you to ${describe(other)}. ${why(other, to)}`,
    'Would you like me to connect you? No pressure either way.',
    '',
    myName ? `Best,\n${myName}` : 'Best,',
  ].join('\n');
  return [message(a, b), message(b, a)];
}
