// The HTTP API (same origin). Every call resolves to the parsed JSON or
// throws an ApiError whose message is safe to show.

import { t, serverError } from './i18n.js';
import { drillToken, knownTokens } from './session.js';

export class ApiError extends Error {
  constructor(code, message, status) {
    super(message);
    this.code = code;
    this.status = status;
  }
}

const TIMEOUT_MS = 15000;

/** Headers that prove a seat (a facilitator's for export and delete). */
function bearer(token) {
  return { authorization: `Bearer ${token}` };
}

/** The headers proving this browser's seat in a drill, if it holds one. */
function seatOf(id) {
  const token = drillToken(id);
  return token ? bearer(token) : undefined;
}

/** A fetch with the timeout; network failures become ApiError('network'). */
async function send(method, path, { body, headers } = {}) {
  const ctrl = new AbortController();
  const timer = setTimeout(() => ctrl.abort(), TIMEOUT_MS);
  try {
    return await fetch(path, {
      method,
      headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...(headers || {}) },
      body: body ? JSON.stringify(body) : undefined,
      signal: ctrl.signal,
      cache: 'no-store',
    });
  } catch {
    throw new ApiError('network', t('error.network'), 0);
  } finally {
    clearTimeout(timer);
  }
}

/** The ApiError for a response that is not ok (its JSON error, if any). */
async function failure(res) {
  let data = null;
  try {
    data = await res.json();
  } catch {
    data = null;
  }
  const code = (data && data.error) || 'http';
  const message = data && typeof data.message === 'string' && data.message ? serverError(code, data.message) : t('error.http', { status: res.status });
  return new ApiError(code, message, res.status);
}

async function request(method, path, body, headers) {
  const res = await send(method, path, { body, headers });
  if (!res.ok) throw await failure(res);
  if (res.status === 204) return null;
  try {
    return await res.json();
  } catch {
    return null;
  }
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

/** Whether a code opens a drill, without taking a seat: {seat: 'participant' | 'facilitator'}. */
export const checkCode = (code) => request('POST', '/api/join/check', { code });

/** A drill's public status page: what its comms lead published. */
export const drillStatus = (id) => request('GET', statusApiUrl(id));

/** Where a drill's public status page is served (JSON). */
export function statusApiUrl(id) {
  return `/api/drills/${encodeURIComponent(id)}/status`;
}

/** Finished drills, newest first. */
export function listHistory() {
  const tokens = knownTokens();
  return request('GET', '/api/history', undefined, tokens.length ? bearer(tokens.join(',')) : undefined);
}

/** One finished drill. */
export const historyDrill = (id) => request('GET', `/api/history/${encodeURIComponent(id)}`, undefined, seatOf(id));

/** The after-action review of a stored drill (JSON). */
export const drillReview = (id, token) =>
  request('GET', reviewUrl(id, 'json'), undefined, token ? bearer(token) : seatOf(id));

/** A review export as a file: {blob, filename}, as the server sent it. */
export async function reviewFile(id, format) {
  const url = format === 'json' ? `${reviewUrl(id, format)}&download=1` : reviewUrl(id, format);
  const res = await send('GET', url, { headers: seatOf(id) });
  if (!res.ok) throw await failure(res);
  const m = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') || '');
  return { blob: await res.blob(), filename: m ? m[1] : `firedrill-review-${id}.${format}` };
}

/** Where a review export can be downloaded. */
export function reviewUrl(id, format) {
  return `/api/history/${encodeURIComponent(id)}/review?format=${encodeURIComponent(format)}`;
}

/** A finished drill as it was at a tick: {tick, ticks, snapshot}. */
export const drillReplay = (id, tick) => request('GET', `/api/history/${encodeURIComponent(id)}/replay?tick=${encodeURIComponent(Math.max(0, Math.floor(tick)))}`, undefined, seatOf(id));

/**
 * Everything stored about a finished drill, for its facilitator: {blob,
 * filename}, the file as the server sent it.
 */
export async function exportDrill(id, token) {
  const res = await send('GET', `/api/history/${encodeURIComponent(id)}/export`, { headers: bearer(token) });
  if (!res.ok) throw await failure(res);
  const m = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') || '');
  const blob = await res.blob();
  return { blob, filename: m ? m[1] : `firedrill-drill-${id}.json` };
}

/** Deletes a finished drill (its facilitator only). */
export const deleteDrill = (id, token) => request('DELETE', `/api/history/${encodeURIComponent(id)}`, null, bearer(token));
