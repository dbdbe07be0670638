// Calls to mitra's /v1 API with the signed-in token. Errors arrive as RFC 9457 problems;
// they are thrown as ApiError so a form can show each invalid field next to its input.

const TOKEN_KEY = 'mitra.token';

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
    // [{field, message, line?}] for invalid input (422), else empty.
    this.fields = Array.isArray(problem.errors) ? problem.errors : [];
  }
}

export function token() {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function setToken(value) {
  if (value) sessionStorage.setItem(TOKEN_KEY, value);
  else sessionStorage.removeItem(TOKEN_KEY);
}

// Listeners told when the server no longer accepts the token (revoked, rotated).
const onUnauthorized = [];
export function whenUnauthorized(fn) {
  onUnauthorized.push(fn);
}

/**
 * One API call. `body` is sent as JSON unless `contentType` says otherwise (a CSV string,
 * a merge patch). Returns parsed JSON, text, or the Response itself with `raw: true`.
 */
export async function api(method, path, { body, contentType, headers = {}, raw = false, tokenOverride } = {}) {
  const init = { method, headers: { Accept: 'application/json', ...headers } };
  const bearer = tokenOverride ?? token();
  if (bearer) init.headers.Authorization = `Bearer ${bearer}`;
  if (body !== undefined) {
    const type = contentType || 'application/json';
    init.headers['Content-Type'] = type;
    init.body = type.includes('json') && typeof body !== 'string' ? JSON.stringify(body) : body;
  }
  let res;
  try {
    res = await fetch(`/v1${path}`, init);
  } catch (e) {
    throw new ApiError(0, { title: 'network', detail: String(e) });
  }
  if (!res.ok) {
    let problem;
    try {
      problem = await res.json();
    } catch {
      problem = { title: res.statusText, status: res.status };
    }
    if (res.status === 401 && !tokenOverride) onUnauthorized.forEach((fn) => fn());
    throw new ApiError(res.status, problem);
  }
  if (raw) return res;
  if (res.status === 204) return null;
  const type = res.headers.get('Content-Type') || '';
  return type.includes('json') ? res.json() : res.text();
}

export const get = (path, opts) => api('GET', path, opts);
export const post = (path, body, opts) => api('POST', path, { ...opts, body });
export const put = (path, body, opts) => api('PUT', path, { ...opts, body });
export const del = (path, opts) => api('DELETE', path, opts);

/** A query string from an object, leaving out empty values. */
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') q.set(k, v);
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

/**
 * Downloads an API answer as a file (CSV, ICS): the token travels in a header, which a
 * plain link cannot carry, so the file is fetched and handed to the browser as a blob.
 */
export async function download(path, filename) {
  const res = await api('GET', path, { raw: true, headers: { Accept: '*/*' } });
  const blob = await res.blob();
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
  return blob;
}

/** Path segment, escaped. */
export const seg = (s) => encodeURIComponent(s);
