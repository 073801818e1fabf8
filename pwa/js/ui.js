// Small DOM helpers shared by the screens. User text always goes in through textContent.

/** Build an element: el('li', { class: 'x', 'aria-label': 'y' }, child, 'text'). */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === false || value == null) continue;
    if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? '' : value);
  }
  for (const child of children) if (child != null) node.append(child);
  return node;
}

let toastTimer;
/** Say something briefly in the polite live region. */
export function toast(message) {
  const node = document.getElementById('toast');
  node.textContent = message;
  node.classList.add('show');
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => node.classList.remove('show'), 3500);
}

/** Ask for confirmation in the page's dialog; resolves true when confirmed. */
export function confirmAction(message, confirmLabel) {
  const dialog = document.getElementById('confirm-dialog');
  document.getElementById('confirm-message').textContent = message;
  document.getElementById('confirm-ok').textContent = confirmLabel;
  dialog.returnValue = '';
  dialog.showModal();
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok'), { once: true });
  });
}

/** Disable a button while `work` runs, so a double tap does not send twice. */
export async function busy(button, work) {
  button.disabled = true;
  try {
    return await work();
  } finally {
    button.disabled = false;
  }
}

const dateFormat = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', year: 'numeric' });
const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });

/** "27 Nov 2026". */
export const formatDate = (iso) => dateFormat.format(new Date(iso));

/** "5 minutes ago", "yesterday", or a date for anything older than a week. */
export function timeAgo(iso, now = Date.now()) {
  const seconds = Math.round((new Date(iso).getTime() - now) / 1000);
  const steps = [[60, 'second'], [3600, 'minute'], [86400, 'hour'], [604800, 'day']];
  if (Math.abs(seconds) < 45) return 'just now';
  for (let i = 1; i < steps.length; i++) {
    if (Math.abs(seconds) < steps[i][0]) return relative.format(Math.round(seconds / steps[i - 1][0]), steps[i - 1][1]);
  }
  return formatDate(iso);
}
