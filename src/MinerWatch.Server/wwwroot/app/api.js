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

// Counts the console's navigations. An answer that arrives after the person moved to another page is dropped (the
// call throws Stale), so that a slow page never draws over the one that replaced it.
let navigation = 0;

export class Stale extends Error {}

export function navigated() { return ++navigation; }

export function currentNavigation() { return navigation; }

// A request started early for later use: if the page is left before it is awaited, its failure is not an error.
export function ahead(promise) {
  promise.catch(() => {});
  return promise;
}

export async function api(path, { method = 'GET', body, form } = {}) {
  const headers = {};
  if (method !== 'GET' && token) headers['X-CSRF-TOKEN'] = token;
  let payload;
  if (form) payload = form;
  else if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  const started = navigation;
  const response = await fetch(`/api/v1${path}`, { method, headers, body: payload, credentials: 'same-origin' });
  if (started !== navigation && method === 'GET') throw new Stale(path);
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
