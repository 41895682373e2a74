// Formatting of clock times, money and rates. Pure functions.

import { t, getLang } from './i18n.js';

const pad = (n) => String(n).padStart(2, '0');

/** Seconds after midnight -> "HH:MM:SS" (wraps past midnight). */
export function timeOfDay(seconds) {
  const s = ((Math.floor(seconds) % 86400) + 86400) % 86400;
  return `${pad(Math.floor(s / 3600))}:${pad(Math.floor((s % 3600) / 60))}:${pad(s % 60)}`;
}

/** Seconds after midnight -> "HH:MM" (wraps past midnight). */
export function hhmm(seconds) {
  return timeOfDay(seconds).slice(0, 5);
}

/** Drill seconds -> "mm:ss" (minutes may exceed 59). */
export function duration(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  return `${pad(Math.floor(s / 60))}:${pad(s % 60)}`;
}

/** Drill seconds since start -> "T+mm:ss". */
export function tPlus(seconds) {
  return `T+${duration(seconds)}`;
}

/** Integer with grouping in the UI language. */
export function num(n) {
  return Number(n || 0).toLocaleString(getLang() === 'ja' ? 'ja-JP' : 'en-US');
}

/** Yen amount: "¥1,234,567". */
export function yen(n) {
  return `¥${num(n)}`;
}

/** Parts per million -> "99.6%". */
export function ppmPct(ppm) {
  return `${(Number(ppm || 0) / 10000).toFixed(1)}%`;
}

/** Label of a role or the facilitator seat. */
export function seatLabel(seat) {
  if (!seat) return '';
  if (seat.kind === 'facilitator') return t('role.facilitator');
  return t(`role.${seat.role}`);
}

/** Channel name as shown: "#ops". */
export function channelName(channel) {
  return `#${channel}`;
}

/** A span of drill seconds in words: "3 min 20 s"; negative gets "−". */
export function minSec(seconds) {
  const neg = seconds < 0;
  const s = Math.abs(Math.round(seconds));
  const m = Math.floor(s / 60);
  const text = m ? t('fmt.min_sec', { m, s: s % 60 }) : t('fmt.sec', { s });
  return neg ? `−${text}` : text;
}

/** A wall-clock date and time (milliseconds since the epoch). */
export function dateTime(ms) {
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return '—';
  return d.toLocaleString(getLang() === 'ja' ? 'ja-JP' : 'en-US', { dateStyle: 'medium', timeStyle: 'short' });
}

/** A short date for chart labels. */
export function shortDate(ms) {
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return '';
  return d.toLocaleDateString(getLang() === 'ja' ? 'ja-JP' : 'en-US', { month: 'numeric', day: 'numeric' });
}

/** A wall-clock time of day with seconds, as the language writes it. */
export function wallTime(ms) {
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return '';
  return d.toLocaleTimeString(getLang() === 'ja' ? 'ja-JP' : 'en-US', { timeStyle: 'medium' });
}

/** A wall-clock time of day for chart labels. */
export function shortTime(ms) {
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return '';
  return d.toLocaleTimeString(getLang() === 'ja' ? 'ja-JP' : 'en-US', { hour: '2-digit', minute: '2-digit' });
}
