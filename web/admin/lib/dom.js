// Small DOM helpers. Text always goes in as text nodes (never innerHTML): names come from the IdP.

/** h('a', {href: '#/x', class: 'c', onclick: fn}, 'text', childNode, [more, children]) */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key === 'class') el.className = value;
    else if (value === true) el.setAttribute(key, '');
    else el.setAttribute(key, String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** A date-time as a <time> element in the reader's locale; "—" when absent. */
/** The browser's time zone as a short name ("UTC", "GMT+1", "PST"): every time shown says which. */
const ZONE = new Intl.DateTimeFormat(undefined, { timeZoneName: 'short' }).formatToParts(new Date()).find((p) => p.type === 'timeZoneName')?.value ?? '';

export function when(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  const two = (n) => String(n).padStart(2, '0');
  // Local time, compact and to the second: a rehearsal's requests are often seconds apart.
  const text = `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())} ${ZONE}`;
  return h('time', { datetime: iso, title: `${d.toISOString()} (UTC)` }, text);
}

/** Pretty JSON in a focusable, scrollable block (keyboard users can scroll it too). */
export function json(value, label) {
  return h('pre', { class: 'json', tabindex: 0, 'aria-label': label }, JSON.stringify(value, null, 2));
}

export function badge(text, kind = 'neutral') {
  return h('span', { class: `badge badge-${kind}` }, text);
}

export const statusBadge = (status) => (status === 'active' ? badge('Active', 'ok') : badge('Deprovisioned', 'bad'));

export function fullName(user) {
  const n = user.name ?? {};
  return n.formatted || [n.givenName, n.familyName].filter(Boolean).join(' ') || user.displayName || '—';
}

export const TRIGGERS = {
  'active-false': 'active set to false',
  delete: 'deleted through SCIM',
  'group-removal': 'removed from its last group',
  'group-delete': 'its last group was deleted',
};

export const IDPS = { okta: 'Okta', entra: 'Entra ID', onelogin: 'OneLogin', unknown: 'unknown' };

/**
 * A table that becomes a list of cards on a narrow screen (each cell shows its column's label).
 * columns: [{label, cell: (row) => node|string, class?}]
 */
export function table(caption, columns, rows, empty = 'Nothing to show.') {
  if (rows.length === 0) return h('p', { class: 'empty' }, empty);
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      {},
      h('caption', { class: 'visually-hidden' }, caption),
      h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col' }, c.label)))),
      h('tbody', {}, rows.map((row) => h('tr', {}, columns.map((c) => h('td', { 'data-label': c.label, class: c.class }, c.cell(row)))))),
    ),
  );
}

/** "Page 2 of 40" with previous/next links; hrefFor(page) builds each link. */
export function pager({ total, page, pageSize }, hrefFor, noun) {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const first = total === 0 ? 0 : (page - 1) * pageSize + 1;
  const last = Math.min(total, page * pageSize);
  return h(
    'nav',
    { class: 'pager', 'aria-label': `${noun} pages` },
    page > 1 ? h('a', { href: hrefFor(page - 1), rel: 'prev' }, '← Previous') : h('span', { class: 'disabled', 'aria-hidden': 'true' }, '← Previous'),
    h('span', { class: 'pager-info' }, `${first.toLocaleString()}–${last.toLocaleString()} of ${total.toLocaleString()} ${noun} · page ${page.toLocaleString()} of ${pages.toLocaleString()}`),
    page < pages ? h('a', { href: hrefFor(page + 1), rel: 'next' }, 'Next →') : h('span', { class: 'disabled', 'aria-hidden': 'true' }, 'Next →'),
  );
}

/** A positive integer from a query parameter, else the fallback. */
export function posInt(value, fallback) {
  const n = Number(value);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

/** "#/users?status=active&q=x", leaving out empty parameters. */
export function route(path, params = {}) {
  const qs = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== '')).toString();
  return `#${path}${qs ? `?${qs}` : ''}`;
}

/** The heading every view starts with; focused after navigation so screen readers announce it. */
export const heading = (text) => h('h1', { tabindex: -1, id: 'view-title' }, text);

/** Appends children to an element, skipping null/false (unlike Element.append, which prints them). */
export function add(el, ...children) {
  append(el, children);
  return el;
}
