// The REST API client. The session is an HttpOnly cookie; requests that
// change state carry the CSRF token the server sends in X-CSRF-Token.

let csrf = '';

export class APIError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export async function api(method, path, body) {
  const opts = {method, headers: {Accept: 'application/json'}, credentials: 'same-origin'};
  if (body !== undefined) {
    opts.headers['Content-Type'] = 'application/json';
    opts.body = JSON.stringify(body);
  }
  if (method !== 'GET' && csrf) opts.headers['X-CSRF-Token'] = csrf;
  let res;
  try {
    res = await fetch('/api/v1' + path, opts);
  } catch (e) {
    throw new APIError(0, 'network', 'The server cannot be reached.');
  }
  const token = res.headers.get('X-CSRF-Token');
  if (token) csrf = token;
  if (res.status === 204) return null;
  let data = null;
  try { data = await res.json(); } catch (e) { /* not JSON */ }
  if (!res.ok) {
    const err = (data && data.error) || {};
    throw new APIError(res.status, err.code || 'internal', err.message || res.statusText);
  }
  return data;
}

// query builds a query string from the non-empty values of params.
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') q.set(k, v);
  }
  const s = q.toString();
  return s ? '?' + s : '';
}

export function recordingPath(id, rest = '') {
  return '/recordings/' + encodeURIComponent(id) + rest;
}
