// Small helpers shared by the screens: DOM building, messages, dates, and coalescing work.
// User text always goes in through textContent.

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
/**
 * Say something briefly in the polite live region, optionally with one action
 * (toast('Deleted Ada', {action: 'Undo', onAction})); an action keeps it up longer.
 */
export function toast(message, { action, onAction } = {}) {
  const node = document.getElementById('toast');
  const button = document.getElementById('toast-action');
  document.getElementById('toast-text').textContent = message;
  button.hidden = !action;
  button.textContent = action ?? '';
  button.onclick = action ? () => {
    node.classList.remove('show');
    button.hidden = true;
    onAction();
  } : null;
  node.classList.add('show');
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => {
    node.classList.remove('show');
    button.hidden = true;
  }, action ? 8000 : 3500);
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

/** Local calendar date as YYYY-MM-DD (for date inputs). */
export function today() {
  const now = new Date();
  return new Date(now.getTime() - now.getTimezoneOffset() * 60000).toISOString().slice(0, 10);
}

/** "27 Nov 2026" for a YYYY-MM-DD date, read as a calendar day (no time zone shift). */
export function formatDay(day) {
  const [y, m, d] = day.split('-').map(Number);
  return dateFormat.format(new Date(y, m - 1, d));
}

/** Read a form's named fields as trimmed strings (empty fields as ""). */
export function readForm(form) {
  const values = {};
  for (const field of form.querySelectorAll('input[name], textarea[name]')) values[field.name] = field.value.trim();
  return values;
}

/**
 * Wrap async work so calls while it runs collapse into one more run after it: a burst of
 * changes (a pull of many pages) costs two reads, not one per change.
 */
export function coalesce(work) {
  let running = null;
  let again = false;
  const run = async () => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        await work();
      } while (again);
    })().finally(() => {
      running = null;
    });
    return running;
  };
  /** Whether the work is under way now. */
  run.busy = () => running !== null;
  return run;
}
