// The HTTP API (same origin). Every call resolves to the parsed JSON or
// throws an ApiError whose message is safe to show.

import { t, serverError } from './i18n.js';

export class ApiError extends Error {
  constructor(code, message, status) {
    super(message);
    this.code = code;
    this.status = status;
  }
}

const TIMEOUT_MS = 15000;

async function request(method, path, body) {
  const ctrl = new AbortController();
  const timer = setTimeout(() => ctrl.abort(), TIMEOUT_MS);
  let res;
  try {
    res = await fetch(path, {
      method,
      headers: body ? { 'content-type': 'application/json' } : {},
      body: body ? JSON.stringify(body) : undefined,
      signal: ctrl.signal,
      cache: 'no-store',
    });
  } catch {
    throw new ApiError('network', t('error.network'), 0);
  } finally {
    clearTimeout(timer);
  }
  let data = null;
  try {
    data = await res.json();
  } catch {
    data = null;
  }
  if (!res.ok) {
    const code = (data && data.error) || 'http';
    const message = data && typeof data.message === 'string' && data.message ? serverError(code, data.message) : t('error.http', { status: res.status });
    throw new ApiError(code, message, res.status);
  }
  return data;
}

export const listScenarios = () => request('GET', '/api/scenarios');

/** bots: 'off' | 'good' | 'perfect' (who plays the empty response roles). */
export const createDrill = (scenario, name, bots = 'off') => request('POST', '/api/drills', { scenario, name, bots });

/**
 * Takes a seat. With a role, that role; with newcomer, support; with
 * neither, the role planned for the name (or the facilitator seat, for a
 * facilitator code). The answer's `seat` says what was given.
 */
export function joinDrill(code, name, { role, newcomer } = {}) {
  const body = { code, name };
  if (role) body.role = role;
  if (newcomer) body.newcomer = true;
  return request('POST', '/api/join', body);
}

/** Finished drills, newest first. */
export const listHistory = () => request('GET', '/api/history');

/** One finished drill. */
export const historyDrill = (id) => request('GET', `/api/history/${encodeURIComponent(id)}`);

/** The after-action review of a stored drill (JSON). */
export const drillReview = (id) => request('GET', reviewUrl(id, 'json'));

/** Where a review export can be downloaded. */
export function reviewUrl(id, format) {
  return `/api/history/${encodeURIComponent(id)}/review?format=${encodeURIComponent(format)}`;
}
