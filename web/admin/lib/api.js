// The admin API (/admin/api) through the session cookie. State-changing requests carry the session's
// CSRF token, which the server hands out at sign-in (and again on GET /admin/session after a reload).
import { selectedAccount } from './account.js';

let csrfToken = null;
let onSignedOut = () => {};

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.message ?? `HTTP ${status}`);
    this.status = status;
    this.body = body ?? {};
  }
}

export const whenSignedOut = (fn) => {
  onSignedOut = fn;
};

async function call(path, { method = 'GET', body, signal } = {}) {
  const headers = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  const response = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal,
    credentials: 'same-origin',
    cache: 'no-store',
  });
  const text = await response.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = { message: text };
  }
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

/**
 * The path with `account=<selected account>` added. Not on /accounts: those routes are about every
 * account, and an account deleted meanwhile (404 for every call naming it) must not hide the list.
 */
function withAccount(path) {
  if (/^\/accounts(?:[/?]|$)/.test(path)) return path;
  return `${path}${path.includes('?') ? '&' : '?'}${new URLSearchParams({ account: selectedAccount() })}`;
}

/**
 * GET/POST/PATCH/DELETE on /admin/api/..., for the selected account; a 401 means the session ended,
 * so the sign-in form comes back.
 */
export async function api(path, options = {}) {
  try {
    return await call(`/admin/api${withAccount(path)}`, options);
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      csrfToken = null;
      onSignedOut();
    }
    throw error;
  }
}

/** True when the browser already holds a live session (after a reload). */
export async function resumeSession() {
  try {
    csrfToken = (await call('/admin/session')).csrfToken;
    return true;
  } catch {
    return false;
  }
}

export async function signIn(token) {
  csrfToken = (await call('/admin/session', { method: 'POST', body: { token } })).csrfToken;
}

export async function signOut() {
  try {
    await call('/admin/session', { method: 'DELETE' });
  } finally {
    csrfToken = null;
  }
}

/** A query string from an object, leaving out empty values. */
export function qs(params) {
  return new URLSearchParams(Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== '')).toString();
}
