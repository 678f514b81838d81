// Shared pieces of the page: strings in both languages, the state, DOM
// helpers and the API client. The map and dashboard modules import this;
// esbuild keeps it in the first chunk.

// T holds every text of the page; modules add theirs with addStrings.
export const T = { vi: {}, en: {} };

export function addStrings(s) {
  Object.assign(T.vi, s.vi);
  Object.assign(T.en, s.en);
}

// The session cookie is HttpOnly, so the page cannot see it: this flag
// remembers that a login happened, so an anonymous visit does not ask
// /auth/me only to get a 401.
export const SESSION_HINT = 'phusong.session';

export const state = {
  lang: localStorage.getItem('lang') === 'en' ? 'en' : 'vi',
  me: null,
  csrf: '',
  config: { basemap: null, public_dashboard: false },
  provinces: new Map(), // code → {code, name, full_name, name_en, bbox}
  view: null, // 'map' | 'dashboard' | 'work' | 'public'
};

export const $ = (s) => document.querySelector(s);
export const t = (key) => T[state.lang][key];

export function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    e.append(c instanceof Node ? c : String(c));
  }
  return e;
}

// msg picks the message of the current language from a server object
// carrying message_vi / message_en.
export const msg = (o) => (o && (o['message_' + state.lang] || o.message)) || '';

// both returns a text in both languages, so a notice follows a language switch.
export function both(key, ...args) {
  const pick = (l) => (typeof T[l][key] === 'function' ? T[l][key](...args) : T[l][key]);
  return { vi: pick('vi'), en: pick('en') };
}

// when writes a time as 24/11/2026 14:05 in either language (vi-VN
// would put the hour first).
export function when(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  const two = (n) => String(n).padStart(2, '0');
  return two(d.getDate()) + '/' + two(d.getMonth() + 1) + '/' + d.getFullYear() + ' ' + two(d.getHours()) + ':' + two(d.getMinutes());
}

// day writes a date as 24/11/2026.
export function day(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  const two = (n) => String(n).padStart(2, '0');
  return two(d.getUTCDate()) + '/' + two(d.getUTCMonth() + 1) + '/' + d.getUTCFullYear();
}

// Vietnam time: package deadlines and publication times are shown in
// Vietnam's zone (UTC+7, no daylight saving) whatever the browser's zone,
// as the packages' PDF and the bid rules state them. vnInput is the
// datetime-local form of a time (2026-11-24T14:05), vnTime writes
// 24/11/2026 14:05 and vnDay 24/11/2026.
const VN_OFFSET = 7 * 3600e3;
export const vnInput = (iso) => (iso ? new Date(new Date(iso).getTime() + VN_OFFSET).toISOString().slice(0, 16) : '');
export function vnTime(iso) {
  if (!iso) return '';
  const s = vnInput(iso);
  return s.slice(8, 10) + '/' + s.slice(5, 7) + '/' + s.slice(0, 4) + ' ' + s.slice(11, 16);
}
export const vnDay = (iso) => vnTime(iso).slice(0, 10);

// plural picks the English noun for a count: 1 point, 2 points.
export const plural = (n, one, many) => (Number(n) === 1 ? one : many);

// num groups thousands the Vietnamese way (1.234.567) or the English way.
export const num = (n) => (n === null || n === undefined ? '—' : Number(n).toLocaleString(state.lang === 'vi' ? 'vi-VN' : 'en-GB'));

// billions writes VND as "12,5 tỷ đồng" / "VND 12.5 bn".
export function billions(vnd) {
  const b = (Number(vnd) || 0) / 1e9;
  const s = b.toLocaleString(state.lang === 'vi' ? 'vi-VN' : 'en-GB', { maximumFractionDigits: 1 });
  return state.lang === 'vi' ? s + ' tỷ đồng' : 'VND ' + s + ' bn';
}

export const percent = (x) => (x === null || x === undefined ? '—' : (x * 100).toLocaleString(state.lang === 'vi' ? 'vi-VN' : 'en-GB', { maximumFractionDigits: 1 }) + ' %');

export function provinceName(code) {
  const p = state.provinces.get(code);
  return p ? p.full_name : code;
}

export function statusBadge(status) {
  return el('span', { class: 'status status-' + status, text: (t('status')[status] || status) });
}

export class APIError extends Error {
  constructor(status, body) {
    super((body && body.error && body.error.message) || 'HTTP ' + status);
    this.status = status;
    this.body = body;
  }
  text() { return msg(this.body && this.body.error) || this.message; }
  // detail is the first problem's message, else the error's, in both languages.
  both() {
    const err = this.body && this.body.error;
    const d = err && err.details && err.details[0];
    if (d) return { vi: d.message_vi, en: d.message_en };
    if (err) return { vi: err.message_vi, en: err.message_en };
    return { vi: this.message, en: this.message };
  }
}

// hooks are set by app.js: what to do when the server says the session
// is gone, to show a notice above the page, to reload what a decision on
// the map changed elsewhere, and to redraw the map after the packages
// page changed a package.
export const hooks = { sessionEnded: () => {}, notice: () => {}, dataChanged: () => {}, packagesChanged: () => {} };

export async function api(method, path, body, extraHeaders) {
  const headers = Object.assign({ Accept: 'application/json' }, extraHeaders);
  let payload;
  if (body instanceof FormData) payload = body;
  else if (body !== undefined) { headers['Content-Type'] = 'application/json'; payload = JSON.stringify(body); }
  if (method !== 'GET' && state.csrf) headers['X-CSRF-Token'] = state.csrf;
  const r = await fetch(path, { method, headers, body: payload, credentials: 'same-origin' });
  let data = null;
  if (r.status !== 204 && (r.headers.get('Content-Type') || '').includes('json')) data = await r.json();
  if (!r.ok) {
    const err = new APIError(r.status, data);
    if (r.status === 401 && state.me && path !== '/api/v1/auth/login') hooks.sessionEnded();
    throw err;
  }
  return data;
}

// role helpers
// The operators' own spelling of their names (accounts and signal rows carry codes).
const OPERATOR_NAMES = { viettel: 'Viettel', vinaphone: 'VinaPhone', mobifone: 'MobiFone', vietnamobile: 'Vietnamobile' };
export const operatorName = (code) => OPERATOR_NAMES[code] || code;

export const isReviewer = () => !!state.me && (state.me.role === 'reviewer' || state.me.role === 'admin');
export const isProvince = () => !!state.me && state.me.role === 'province';
export const isOperator = () => !!state.me && state.me.role === 'operator';

addStrings({
  vi: {
    status: { submitted: 'Chờ thẩm định', accepted: 'Đã chấp nhận', returned: 'Bị trả lại', rejected: 'Không hợp lệ, chưa lưu', superseded: 'Đã được thay bằng lượt nộp sau' },
    category: { trang_song: 'Trắng sóng (không có sóng)', lom_song: 'Lõm sóng (sóng yếu, không có 4G)' },
  },
  en: {
    status: { submitted: 'Awaiting review', accepted: 'Accepted', returned: 'Returned', rejected: 'Invalid, not stored', superseded: 'Superseded by a later submission' },
    category: { trang_song: 'No signal at all', lom_song: 'Weak signal, no 4G' },
  },
});
