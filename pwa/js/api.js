// The one place that talks JSON to the server. Screens never call fetch directly.

/** An error the server (or the network) gave, with a sentence to show the person. */
export class ApiError extends Error {
  /** @param {number} status 0 when the network failed @param {string} description */
  constructor(status, description) {
    super(description);
    this.status = status;
  }
}

/**
 * Send a JSON request and return the parsed answer (null for 204).
 * @param {string} method @param {string} path @param {unknown} [body]
 */
export async function request(method, path, body) {
  const init = { method, credentials: 'same-origin', headers: { Accept: 'application/json' } };
  if (method !== 'GET') {
    // Every write is JSON: the server refuses anything else (a cheap CSRF guard).
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body ?? {});
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch {
    throw new ApiError(0, "You're offline. Connect to the internet and try again.");
  }
  if (response.status === 204) return null;
  const data = await response.json().catch(() => null);
  if (!response.ok) {
    throw new ApiError(response.status, data?.description ?? `The server answered ${response.status}.`);
  }
  return data;
}

export const get = (path) => request('GET', path);
export const post = (path, body) => request('POST', path, body);
export const patch = (path, body) => request('PATCH', path, body);
export const del = (path) => request('DELETE', path);
