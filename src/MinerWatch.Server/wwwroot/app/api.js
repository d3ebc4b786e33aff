// Calls to the server's API: the antiforgery token goes with every write, and a problem answer becomes an Error
// carrying its status and detail.
let token = null;

export class ApiError extends Error {
  constructor(status, detail) {
    super(detail || `HTTP ${status}`);
    this.status = status;
  }
}

export function setToken(value) { token = value; }

export async function api(path, { method = 'GET', body, form } = {}) {
  const headers = {};
  if (method !== 'GET' && token) headers['X-CSRF-TOKEN'] = token;
  let payload;
  if (form) payload = form;
  else if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  const response = await fetch(`/api/v1${path}`, { method, headers, body: payload, credentials: 'same-origin' });
  if (response.status === 204) return null;
  const type = response.headers.get('Content-Type') || '';
  if (!response.ok) {
    const problem = type.includes('json') ? await response.json() : {};
    throw new ApiError(response.status, problem.detail || problem.title);
  }
  if (type.includes('json')) return response.json();
  return response.text();
}

export async function me() {
  try {
    const who = await api('/auth/me');
    setToken(who.antiforgery_token);
    return who;
  } catch (e) {
    if (e.status === 401) return null;
    throw e;
  }
}
