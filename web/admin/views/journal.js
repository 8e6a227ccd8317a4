// The journal: newest first, filters, auto-refresh (announced politely), bodies on demand.
import { ApiError, api, qs } from '../lib/api.js';
import { add, IDPS, badge, h, heading, json, pager, posInt, route, when } from '../lib/dom.js';

export const REFRESH_MS = 3000;
const PAGE_SIZE = 50;
const TYPES = ['request', 'user.provisioned', 'user.updated', 'user.claimed', 'user.deprovisioned', 'user.reactivated', 'user.deleted', 'group.created',
  'group.updated', 'group.deleted', 'member.added', 'member.removed', 'settings.changed', 'guard.refused', 'guard.forced', 'guard.breached',
  'token.rotated', 'fault.injected'];
const ACTORS = { admin: 'admin', cli: 'zi-scim CLI', system: 'sandbox' };
// Filtered by the server (GET /admin/api/events?status=): a class or one status.
// (Pairs, not an object: "429" as a key would be listed before "any".)
const STATUSES = [['', 'any'], ['2xx', 'success (2xx)'], ['4xx', 'refused (4xx)'], ['429', 'rate-limited (429)'], ['5xx', 'failed (5xx)'], ['503', 'unavailable (503)']];
/** Shortcuts to what a rehearsal looks for first. */
const QUICK = [
  ['Injected faults', { type: 'fault.injected' }],
  ['Rate-limited requests', { type: 'request', status: '429' }],
  ['Refused requests', { type: 'request', status: '4xx' }],
  ['Failed requests', { type: 'request', status: '5xx' }],
];

/** A userName (or part of one) or an id, to {id} or {error}. */
async function resolveUser(text, signal) {
  const found = await api(`/users?${qs({ status: 'all', q: text, pageSize: 20 })}`, { signal });
  const exact = found.items.find((u) => u.id === text || u.userName.toLowerCase() === text.toLowerCase());
  if (exact) return { id: exact.id };
  if (found.total === 1) return { id: found.items[0].id };
  // Not searchable by name (a user erased under onDelete "remove", say): taken as an id.
  if (found.total === 0) return { id: text };
  return { error: `${found.total} users match "${text}": type a whole userName.` };
}

export async function journalView(root, { params, signal }) {
  const status = params.get('status') ?? '';
  const f = { idp: params.get('idp') ?? '', type: params.get('type') ?? '', user: params.get('user') ?? '', group: params.get('group') ?? '', status: STATUSES.some(([v]) => v === status) ? status : '' };
  const page = posInt(params.get('page'), 1);
  const who = f.user ? await resolveUser(f.user, signal) : { id: '' };
  const userId = who.error ? null : who.id;
  const query = { idp: f.idp, type: f.type, userId, groupId: f.group, status: f.status };
  const list = userId === null ? { items: [], total: 0, page, pageSize: PAGE_SIZE } : await api(`/events?${qs({ ...query, page, pageSize: PAGE_SIZE })}`, { signal });

  const select = (id, label, options, value) =>
    h('div', { class: 'field field-narrow' }, h('label', { for: id }, label),
      h('select', { id, name: id.replace('journal-', '') }, (Array.isArray(options) ? options : Object.entries(options)).map(([v, text]) => h('option', { value: v, selected: v === value }, text))));
  const form = h('form', { class: 'toolbar', 'aria-label': 'Journal filters' },
    select('journal-idp', 'IdP', { '': 'any', ...IDPS }, f.idp),
    select('journal-type', 'Type', Object.fromEntries([['', 'any'], ...TYPES.map((t) => [t, t])]), f.type),
    h('div', { class: 'field' }, h('label', { for: 'journal-user' }, 'User'),
      h('input', { id: 'journal-user', name: 'user', type: 'search', value: f.user, autocomplete: 'off', 'aria-describedby': 'journal-user-hint' }),
      h('span', { class: 'hint', id: 'journal-user-hint' }, 'userName or id')),
    select('journal-status', 'Status', STATUSES, f.status),
    h('div', { class: 'field-actions' }, h('button', { type: 'submit' }, 'Apply'), h('a', { href: '#/journal', class: 'button secondary' }, 'Reset')),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const data = new FormData(form);
    location.hash = route('/journal', { idp: data.get('idp'), type: data.get('type'), user: String(data.get('user')).trim(), status: data.get('status'), group: f.group });
  });

  const auto = h('input', { type: 'checkbox', id: 'journal-auto', checked: page === 1, disabled: page !== 1 });
  const live = h('p', { role: 'status', class: 'live', id: 'journal-live' });
  const checked = h('span', { class: 'hint', id: 'journal-checked' });
  const items = h('ol', { class: 'events', 'aria-label': 'Journal events, newest first' });
  items.append(...list.items.map((e) => eventItem(e)));
  const quick = h('nav', { class: 'quick-filters', 'aria-label': 'Quick filters' },
    h('span', { class: 'hint' }, 'Show:'),
    QUICK.map(([label, q]) => {
      const current = Object.entries({ idp: '', user: '', group: '', status: '', type: '', ...q }).every(([k, v]) => f[k] === v);
      return h('a', { href: route('/journal', q), class: 'chip', 'aria-current': current ? 'true' : null }, label);
    }));

  add(root,
    heading('Journal'),
    quick,
    form,
    h('div', { class: 'live-bar' },
      h('span', { class: 'check' }, auto, h('label', { for: 'journal-auto' }, `Auto-refresh every ${REFRESH_MS / 1000} s`), page !== 1 ? h('span', { class: 'hint' }, ' (on the first page)') : null),
      checked),
    live,
    who.error ? h('p', { class: 'error', role: 'alert' }, who.error) : null,
    list.items.length || userId === null
      ? null
      : h('p', { class: 'empty', id: 'journal-empty' },
          Object.values(query).some((v) => v)
            ? 'No events match these filters.'
            : 'The journal is empty: run the IdP\'s "Test connection", or assign a user to the app in the IdP.'),
    items,
    list.total > list.pageSize || page > 1 ? pager(list, (p) => route('/journal', { ...f, page: p }), 'events') : null,
  );

  // Live tail: ask only for events newer than the newest one shown, with the same filters.
  let newest = list.items[0]?.id ?? 0;
  let busy = false;
  const poll = async () => {
    if (!auto.checked || busy || document.hidden || userId === null) return;
    busy = true;
    try {
      const fresh = await api(`/events?${qs({ ...query, afterId: newest, pageSize: 200 })}`, { signal });
      checked.textContent = `checked ${new Date().toLocaleTimeString()}`;
      if (fresh.items.length) {
        newest = fresh.items[0].id;
        items.prepend(...fresh.items.map((e) => eventItem(e, false, true)));
        while (items.children.length > 500) items.lastElementChild.remove();
        root.querySelector('#journal-empty')?.remove();
        live.textContent = `${fresh.items.length} new event${fresh.items.length === 1 ? '' : 's'} at ${new Date().toLocaleTimeString()}`;
      }
    } catch {
      // A failed poll is retried on the next tick; a 401 has already shown the sign-in form.
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(poll, REFRESH_MS);
  return () => clearInterval(timer);
}

/** One event by id (GET /admin/api/events/{id}); null when it is no longer in this account's journal. */
async function fetchEvent(id, signal) {
  try {
    return await api(`/events/${encodeURIComponent(id)}`, { signal });
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
}

export async function journalEventView(root, { match: [id], signal }) {
  const event = await fetchEvent(Number(id), signal);
  add(root,
    h('p', { class: 'crumbs' }, h('a', { href: '#/journal' }, '← Journal')),
    heading(`Journal event #${id}`),
    event ? h('ol', { class: 'events' }, eventItem(event, true)) : h('p', { class: 'empty' }, 'This event is no longer in the journal (it was reset or pruned).'),
  );
}

/** The resource id in a request path such as /scim/v2/Users/{id} (request events name no user). */
function pathId(path, kind) {
  const raw = path ? new RegExp(`/${kind}/([^/?#]+)`, 'i').exec(path)?.[1] : undefined;
  try {
    return raw && !raw.startsWith('.') ? decodeURIComponent(raw) : undefined;
  } catch {
    return raw;
  }
}
/** A user or group by name where it still exists, with its id beside it. */
const userLink = (id, name) => (id ? [h('a', { href: `#/users/${encodeURIComponent(id)}` }, name ?? id), name ? h('span', { class: 'hint' }, ` ${id}`) : null] : null);
const groupLink = (id, name) => (id ? [h('a', { href: `#/groups/${encodeURIComponent(id)}` }, name ?? id), name ? h('span', { class: 'hint' }, ` ${id}`) : null] : null);

/** Who sent it: the IdP (marked when inferred from the account), or the admin, the CLI, the sandbox. */
const sourceOf = (e) =>
  e.actor && e.actor !== 'idp' ? ACTORS[e.actor] ?? e.actor : `${IDPS[e.idp] ?? e.idp}${e.idpInferred ? ' (inferred)' : ''}`;

function summaryOf(e) {
  if (e.type === 'request') return h('code', {}, `${e.method} ${e.path}`);
  const text = e.message ?? (e.trigger ? `trigger ${e.trigger}` : '');
  // member.added/removed say the group; the user they are about is named beside it.
  if ((e.type === 'member.added' || e.type === 'member.removed') && e.userName) return `${e.userName}: ${text}`;
  return text;
}

/** The attributes a write changed, as a table: path, before, after. */
function changesTable(e) {
  const cell = (v) => (v === null || v === undefined ? h('span', { class: 'hint' }, '(none)') : h('code', {}, typeof v === 'string' ? v : JSON.stringify(v)));
  return h('table', { class: 'changes' },
    h('caption', {}, `What event ${e.id} changed`),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Attribute'), h('th', { scope: 'col' }, 'Before'), h('th', { scope: 'col' }, 'After'))),
    h('tbody', {}, e.changes.map((c) => h('tr', {}, h('th', { scope: 'row' }, h('code', {}, c.path)), h('td', {}, cell(c.from)), h('td', {}, cell(c.to))))));
}

/** An event as a disclosure: the summary line always, the bodies built when first opened. */
export function eventItem(e, open = false, fresh = false) {
  const statusKind = e.status == null ? 'neutral' : e.status >= 400 ? 'bad' : 'ok';
  const typeKind = e.level === 'error' || e.type === 'user.deprovisioned' || e.type === 'guard.refused' ? 'bad' : e.level === 'warning' || e.type === 'guard.forced' ? 'warn' : 'neutral';
  const details = h('details', { open },
    h('summary', {},
      h('span', { class: 'ev-time' }, when(e.at)),
      h('span', { class: 'ev-type' }, badge(e.type, typeKind)),
      h('span', { class: 'ev-idp' }, sourceOf(e)),
      h('span', { class: 'ev-what' }, summaryOf(e)),
      h('span', { class: 'ev-status' }, e.status == null ? '' : badge(String(e.status), statusKind)),
    ),
  );
  const fill = () => {
    if (details.dataset.filled) return;
    details.dataset.filled = '1';
    const facts = [
      ['Event', `#${e.id}`],
      ['Caused by request', e.requestEventId ? [h('a', { href: `#/journal/event/${e.requestEventId}` }, `#${e.requestEventId}`), e.type !== 'request' && e.method ? [' ', h('code', {}, `${e.method} ${e.path}`)] : null] : null],
      ['Sent by', e.actor === 'idp' ? `${IDPS[e.idp] ?? e.idp}${e.idpInferred ? ' (inferred: the request did not say; the account\'s last recognised IdP or the expectedIdp setting)' : ''}` : sourceOf(e)],
      ['User', userLink(e.userId ?? pathId(e.path, 'Users'), e.userName)],
      ['Group', groupLink(e.groupId ?? pathId(e.path, 'Groups'), e.groupName)],
      ['Trigger', e.trigger],
      ['Message', e.type === 'request' ? e.message : null],
      ['Duration', e.durationMs != null ? `${e.durationMs} ms` : null],
    ].filter(([, v]) => v != null && v !== '');
    details.append(
      h('div', { class: 'ev-body' },
        h('dl', { class: 'facts' }, facts.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])),
        e.changes?.length ? [h('h3', {}, 'What changed'), changesTable(e)] : null,
        e.caused ? [h('h3', {}, 'What this request caused'),
          e.caused.length
            ? h('ul', { class: 'caused' }, e.caused.map((c) => h('li', {}, h('a', { href: `#/journal/event/${c.id}` }, `#${c.id}`), ' ', badge(c.type, 'neutral'))))
            : h('p', { class: 'empty' }, 'Nothing: it changed no state.')] : null,
        e.headers ? [h('h3', {}, 'Headers'), h('dl', { class: 'facts' }, Object.entries(e.headers).map(([k, v]) => [h('dt', {}, k), h('dd', {}, h('code', {}, v))]))] : null,
        e.request !== undefined ? [h('h3', {}, 'Request body'), json(e.request, `Request body of event ${e.id}`)] : null,
        e.rewrites ? [h('h3', {}, 'What the IdP normaliser changed'), json(e.rewrites, `Rewrites of event ${e.id}`)] : null,
        e.response !== undefined ? [h('h3', {}, 'Response'), json(e.response, `Response of event ${e.id}`)] : null,
        e.data !== undefined ? [h('h3', {}, 'Data'), json(e.data, `Data of event ${e.id}`)] : null,
      ),
    );
  };
  if (open) fill();
  details.addEventListener('toggle', () => details.open && fill());
  return h('li', { class: fresh ? 'event fresh' : 'event', 'data-event-id': e.id }, details);
}
