// Settings (PRODUCT.md §3 and the faults of §7), each with what it does; the lockout guard's answer;
// SCIM token rotation. All for the account the page is on.
import { ApiError, api } from '../lib/api.js';
import { add, h, heading } from '../lib/dom.js';
import { DEFAULT_ACCOUNT, accountLabel, currentAccountInfo } from '../lib/account.js';

const SWITCHES = [
  ['ssoConfigured', 'SAML SSO configured',
    'SAML SSO is set up for the account. While off, no SCIM token can be generated and every SCIM call gets 403 with a SCIM error naming the cause.'],
  ['autoProvisioning', 'Auto Provisioning User Management',
    'ZoomInfo\'s switch for SCIM provisioning. While off, every SCIM call gets 403.'],
  ['requireSso', 'Require SSO',
    'Password sign-in is refused for everyone. Turning it on is refused while it would leave no active Admin able to sign in (the owner is a local user: provision an Admin through the IdP, or let the IdP claim the owner under SCIM visibility "all"); you can force it, which is journaled as a warning.'],
];

const CHOICES = [
  ['scimVisibility', 'SCIM visibility', {
    'scim-only': 'scim-only — only users SCIM created',
    all: 'all — local users too',
  }, 'With scim-only, a POST whose userName matches a hidden local user gets 409 uniqueness, as the real service does. With all, a SCIM update can claim a local user, which then becomes SSO-linked.'],
  ['deprovision.onDelete', 'On DELETE /Users/{id}', {
    deactivate: 'deactivate — keep as deprovisioned',
    remove: 'remove — erase the user',
  }, 'With deactivate the user leaves SCIM (404) and stays here as deprovisioned; the same userName can then be provisioned again, as a new user.'],
  ['deprovision.onGroupRemoval', 'On removal from a group', {
    none: 'none — nothing changes',
    'when-no-groups': 'when-no-groups — deprovision',
  }, 'With when-no-groups, a user removed from their last group is deprovisioned. Readiness warns when removals left active users in no group while this is none.'],
  ['deprovision.onGroupDelete', 'On deleting a group', {
    none: 'none — nothing changes',
    'when-no-groups': 'when-no-groups — deprovision',
  }, 'With when-no-groups, members of a deleted group who are left in no group are deprovisioned.'],
  ['expectedIdp', 'IdP of requests that say nothing of themselves', {
    '': 'none — the IdP last recognised on the account',
    okta: 'Okta',
    entra: 'Microsoft Entra ID',
    onelogin: 'OneLogin',
  }, 'Entra sends no User-Agent on POST, GET and DELETE. Such requests are journaled with this IdP, or else the one last recognised on the account, marked as inferred.'],
  ['guard.scim', 'SCIM traffic that locks the last Admin out', {
    warn: 'warn — let it through, as ZoomInfo would',
    refuse: 'refuse — answer 409, change nothing',
  }, 'A deactivation, delete, demotion or group rule that leaves no active Admin able to sign in. With warn it goes through and the journal records guard.breached (an error); with refuse the IdP gets 409.'],
  ['unknownAttributes', 'Attributes no schema knows', {
    ignore: 'ignore — drop them and journal each',
    reject: 'reject — 400 invalidValue naming them',
  }, 'With ignore, what the IdP sent that has nowhere to go is dropped and listed under the request\'s rewrites in the journal (rule unknown-attribute-dropped), so the mappings that go nowhere show without failing a provisioning run.'],
  ['groupPatchResponse', 'What a group PATCH answers', {
    resource: 'resource — 200 with the whole group',
    'no-content': 'no-content — 204 with an ETag',
  }, 'RFC 7644 allows both. With no-content, a member added to or removed from a big group is not answered with all its members; a PATCH that asks for attributes or excludedAttributes still gets 200 with them.'],
];

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
/** What a new rate limit starts from when none is set. */
const RATE_LIMIT_START = { requests: 10, windowSeconds: 60 };

const get = (settings, key) => key.split('.').reduce((o, k) => o?.[k], settings);
const idOf = (key) => `setting-${key.replace('.', '-')}`;

/** Faults compared by value: methods in a fixed order, nothing else that could differ. */
const sameFaults = (a, b) => {
  const key = (f) => JSON.stringify([f.rateLimit ? [f.rateLimit.requests, f.rateLimit.windowSeconds] : null, f.latencyMs, f.errorRate, METHODS.filter((m) => f.methods.includes(m)), f.paths]);
  return key(a) === key(b);
};

/** "off", or what is on: shown under the faults and after each save. */
function faultsSummary(f) {
  const on = [
    f.rateLimit ? `rate limit ${f.rateLimit.requests.toLocaleString()} requests per ${f.rateLimit.windowSeconds.toLocaleString()} s` : null,
    f.latencyMs ? `${f.latencyMs.toLocaleString()} ms latency` : null,
    f.errorRate ? `${percentOf(f.errorRate)} % injected 503s` : null,
  ].filter(Boolean);
  if (!on.length) return 'Faults are off: every SCIM request is answered normally.';
  const scope = [f.methods.length ? f.methods.join(', ') : null, f.paths.length ? `paths ${f.paths.join(', ')}` : null].filter(Boolean);
  return `On: ${on.join('; ')}${scope.length ? `, for ${scope.join(' on ')} only` : ''}.`;
}

const percentOf = (rate) => Math.round(rate * 100_000) / 1000;

/** The input behind a field the server named in a 400 ("faults.rateLimit.requests"). */
function faultInputOf(field) {
  const inputs = [
    ['faults.rateLimit.requests', 'fault-rate-requests'], ['faults.rateLimit.windowSeconds', 'fault-rate-window'], ['faults.rateLimit', 'fault-rate-limit'],
    ['faults.latencyMs', 'fault-latency'], ['faults.errorRate', 'fault-error-rate'], ['faults.methods', 'fault-method-GET'], ['faults.paths', 'fault-paths'],
  ];
  return inputs.find(([prefix]) => field.startsWith(prefix))?.[1] ?? null;
}

class FieldError extends Error {
  constructor(id, message) {
    super(message);
    this.id = id;
  }
}

/** The faults the form describes, or a FieldError naming the input to fix. */
function readFaults(form) {
  const int = (id, label, min, max) => {
    const text = form.querySelector(`#${id}`).value.trim();
    const n = Number(text);
    if (text === '' || !Number.isInteger(n) || n < min || n > max) throw new FieldError(id, `${label}: a whole number from ${min.toLocaleString()} to ${max.toLocaleString()}.`);
    return n;
  };
  const rateLimit = form.querySelector('#fault-rate-limit').checked
    ? { requests: int('fault-rate-requests', 'Requests per window', 1, 1_000_000), windowSeconds: int('fault-rate-window', 'Window', 1, 86_400) }
    : null;
  const latencyMs = int('fault-latency', 'Added latency', 0, 60_000);
  const pctText = form.querySelector('#fault-error-rate').value.trim();
  const pct = Number(pctText);
  if (pctText === '' || !Number.isFinite(pct) || pct < 0 || pct > 100) throw new FieldError('fault-error-rate', 'Injected 503s: a percentage from 0 to 100.');
  const methods = METHODS.filter((m) => form.querySelector(`#fault-method-${m}`).checked);
  const paths = form.querySelector('#fault-paths').value.split(/[\s,]+/).filter(Boolean);
  const badPath = paths.find((p) => !p.startsWith('/'));
  if (badPath) throw new FieldError('fault-paths', `Only these SCIM paths: "${badPath}" must start with "/", like /Users.`);
  return { rateLimit, latencyMs, errorRate: Math.round(pct * 1000) / 100_000, methods, paths };
}

/** The fault-injection settings (PRODUCT.md §7), each with what it does to the IdP's requests. */
function faultsFieldset(faults) {
  const rate = faults.rateLimit ?? RATE_LIMIT_START;
  const rateOn = h('input', { type: 'checkbox', id: 'fault-rate-limit', name: 'faults.rateLimit', checked: faults.rateLimit !== null, 'aria-describedby': 'fault-rate-limit-help' });
  const number = (id, label, value, attrs, help) =>
    h('div', { class: 'field field-narrow' },
      h('label', { for: id }, label),
      h('input', { type: 'number', id, name: `faults.${id}`, value, inputmode: 'decimal', ...attrs, 'aria-describedby': help ? `${id}-help` : null }),
      help ? h('span', { class: 'hint', id: `${id}-help` }, help) : null);
  const requests = number('fault-rate-requests', 'Requests per window', rate.requests, { min: 1, max: 1_000_000, step: 1 });
  const windowSeconds = number('fault-rate-window', 'Window (seconds)', rate.windowSeconds, { min: 1, max: 86_400, step: 1 });
  const syncRate = () => {
    for (const input of [requests, windowSeconds].map((f) => f.querySelector('input'))) input.disabled = !rateOn.checked;
  };
  rateOn.addEventListener('change', syncRate);
  const fieldset = h('fieldset', { class: 'faults', id: 'faults' }, h('legend', {}, 'Fault injection'),
    h('p', { class: 'hint' }, 'To rehearse how the IdP retries. All off by default; they apply to this account\'s SCIM API only, never to the admin API.'),
    h('div', { class: 'setting' },
      h('span', { class: 'check' }, rateOn, h('label', { for: 'fault-rate-limit' }, 'Rate limit')),
      h('p', { class: 'hint', id: 'fault-rate-limit-help' },
        'Past this many SCIM requests in a window, the answer is 429 as a SCIM error with ', h('strong', {}, 'no Retry-After header'),
        ', as ZoomInfo\'s API answers: the IdP has to choose its own back-off. Changing the limit starts a fresh window.'),
      h('div', { class: 'toolbar' }, requests, windowSeconds)),
    h('div', { class: 'setting' },
      h('div', { class: 'toolbar' },
        number('fault-latency', 'Added latency (ms)', faults.latencyMs, { min: 0, max: 60_000, step: 1 }, 'Waited before each request is handled: the IdP\'s timeouts.'),
        number('fault-error-rate', 'Injected 503s (% of requests)', percentOf(faults.errorRate), { min: 0, max: 100, step: 'any' },
          'This share is answered 503, a SCIM error whose detail says the sandbox injected it, so it is never taken for a real outage.'))),
    h('fieldset', { class: 'inline-fieldset', 'aria-describedby': 'fault-methods-help' },
      h('legend', {}, 'Only these methods'),
      h('div', { class: 'checks' }, METHODS.map((m) =>
        h('span', { class: 'check' },
          h('input', { type: 'checkbox', id: `fault-method-${m}`, name: `faults.methods.${m}`, checked: faults.methods.includes(m) }),
          h('label', { for: `fault-method-${m}` }, m)))),
      h('p', { class: 'hint', id: 'fault-methods-help' }, 'The faults apply only to requests with these HTTP methods; none ticked: every method.')),
    h('div', { class: 'setting' },
      h('label', { for: 'fault-paths' }, 'Only these SCIM paths'),
      h('input', { type: 'text', id: 'fault-paths', name: 'faults.paths', value: faults.paths.join(', '), autocomplete: 'off', spellcheck: 'false', 'aria-describedby': 'fault-paths-help' }),
      h('p', { class: 'hint', id: 'fault-paths-help' }, 'Paths starting with these, separated by commas, e.g. /Users, /Groups; empty: every path.')),
    h('p', { class: 'faults-summary', id: 'faults-summary' }, faultsSummary(faults)),
    h('p', { class: 'error', role: 'alert', id: 'faults-error' }),
    h('p', { class: 'hint' },
      'Every injected fault is journaled as ', h('code', {}, 'fault.injected'), ' (a warning), linked to the request the IdP sent, whose status is the 429 or 503 it received. ',
      h('a', { href: '#/journal?type=fault.injected' }, 'Injected faults in the journal')),
  );
  syncRate();
  return fieldset;
}

/** The changed fields only, as PATCH /admin/api/settings takes them. */
function changes(form, settings) {
  const patch = {};
  for (const [key] of SWITCHES) {
    const value = form.elements[key].checked;
    if (value !== settings[key]) patch[key] = value;
  }
  for (const [key] of CHOICES) {
    // An empty option stands for null (expectedIdp: none set).
    const value = form.elements[key].value === '' ? null : form.elements[key].value;
    if (value === get(settings, key)) continue;
    const [outer, inner] = key.split('.');
    if (inner) (patch[outer] ??= {})[inner] = value;
    else patch[outer] = value;
  }
  const faults = readFaults(form);
  if (!sameFaults(faults, settings.faults)) patch.faults = faults;
  return patch;
}

export async function settingsView(root, { signal, rerender }) {
  let [settings, readiness] = await Promise.all([api('/settings', { signal }), api('/readiness', { signal })]);
  const preview = h('span', { class: 'guard-preview', id: 'guard-preview' });
  const showPreview = () => {
    const guard = readiness.items.find((i) => i.id === 'require-sso-safe');
    preview.className = `guard-preview guard-${guard?.status}`;
    preview.textContent = guard && !settings.requireSso ? ` Guard now: ${guard.reason}.` : '';
  };
  showPreview();
  const status = h('p', { role: 'status', class: 'live', id: 'settings-status' });
  const refusal = h('div', { id: 'guard-answer', class: 'guard-answer' });

  const form = h('form', { id: 'settings-form', class: 'settings-grid', novalidate: true },
    h('fieldset', {}, h('legend', {}, 'Sign-in and provisioning'),
      SWITCHES.map(([key, label, help]) =>
        h('div', { class: 'setting' },
          h('span', { class: 'check' },
            h('input', { type: 'checkbox', id: idOf(key), name: key, checked: settings[key], 'aria-describedby': `${idOf(key)}-help` }),
            h('label', { for: idOf(key) }, label)),
          h('p', { class: 'hint', id: `${idOf(key)}-help` }, help,
            key === 'requireSso' ? preview : null))),
      // The guard's answer shows right under the switches it guards.
      refusal),
    h('fieldset', {}, h('legend', {}, 'Visibility and deprovisioning'),
      CHOICES.map(([key, label, options, help]) =>
        h('div', { class: 'setting' },
          h('label', { for: idOf(key) }, label),
          h('select', { id: idOf(key), name: key, 'aria-describedby': `${idOf(key)}-help` },
            Object.entries(options).map(([value, text]) => h('option', { value, selected: value === (get(settings, key) ?? '') }, text))),
          h('p', { class: 'hint', id: `${idOf(key)}-help` }, help)))),
    faultsFieldset(settings.faults),
    h('div', { class: 'form-actions settings-actions' }, h('button', { type: 'submit' }, 'Save settings'), status),
  );

  const faultsError = form.querySelector('#faults-error');
  const clearFieldError = () => {
    faultsError.textContent = '';
    for (const input of form.querySelectorAll('[aria-invalid]')) input.removeAttribute('aria-invalid');
  };
  const showFieldError = (id, message) => {
    const input = id ? form.querySelector(`#${id}`) : null;
    faultsError.textContent = `Not saved: ${message}`;
    input?.setAttribute('aria-invalid', 'true');
    input?.focus();
  };

  const save = async (patch) => {
    refusal.replaceChildren();
    clearFieldError();
    status.textContent = 'Saving…';
    try {
      settings = await api('/settings', { method: 'PATCH', body: patch });
      form.querySelector('#faults-summary').textContent = faultsSummary(settings.faults);
      status.textContent = patch.force ? 'Saved with force: the override is in the journal as a warning.' : 'Settings saved.';
      readiness = await api('/readiness', { signal });
      showPreview();
      window.dispatchEvent(new Event('admin-access-changed')); // the lockout banner reads it again
    } catch (error) {
      status.textContent = '';
      if (error instanceof ApiError && error.status === 409 && error.body.error === 'lockout') return showRefusal(error.body, patch);
      if (error instanceof ApiError && String(error.body.field ?? '').startsWith('faults')) return showFieldError(faultInputOf(error.body.field), error.message);
      refusal.append(h('p', { class: 'error', role: 'alert' }, `Not saved: ${error.message}`));
    }
  };

  /** The form back to the settings as saved: a refused change must not look as if it were on. */
  const showSaved = () => {
    for (const [key] of SWITCHES) form.elements[key].checked = settings[key];
    for (const [key] of CHOICES) form.elements[key].value = get(settings, key) ?? '';
  };

  const showRefusal = (body, patch) => {
    showSaved();
    const forceButton = h('button', { type: 'button', class: 'danger', id: 'force-button', onclick: () => save({ ...patch, force: true }) }, 'Force: save anyway and lock them out');
    refusal.append(
      h('section', { class: 'panel panel-bad', role: 'alert', 'aria-labelledby': 'guard-title' },
        h('h2', { id: 'guard-title' }, 'Refused: this would lock admins out'),
        h('p', {}, body.lockedOut.length
          ? `Not saved: no active Admin could then sign in. ${body.lockedOut.length} active Admin${body.lockedOut.length === 1 ? '' : 's'} could sign in by no method:`
          : 'Not saved: the account has no active Admin who could then sign in.'),
        body.lockedOut.length ? h('ul', { class: 'locked-out' }, body.lockedOut.map((l) => h('li', {}, h('strong', {}, l.userName), ': ', l.reason))) : null,
        h('p', { id: 'guard-remedy' }, body.message),
        h('p', { class: 'hint' }, 'The form shows the settings as saved.'),
        h('p', { class: 'warning' },
          h('strong', {}, 'Warning: '),
          `forcing it leaves ${body.lockedOut.length === 1 ? 'this admin' : 'these admins'} with no way to sign in to ZoomInfo until they are provisioned through the IdP. The override is journaled as guard.forced.`),
        h('div', { class: 'form-actions' }, forceButton, h('button', { type: 'button', class: 'secondary', onclick: rerender }, 'Cancel')),
      ),
    );
    forceButton.focus();
  };

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    clearFieldError();
    let patch;
    try {
      patch = changes(form, settings);
    } catch (error) {
      if (error instanceof FieldError) return showFieldError(error.id, error.message);
      throw error;
    }
    if (Object.keys(patch).length === 0) {
      status.textContent = 'Nothing changed.';
      return;
    }
    save(patch);
  });

  const account = currentAccountInfo();
  const which = account && account.id !== DEFAULT_ACCOUNT ? [' ', h('strong', {}, accountLabel(account))] : '';
  add(root, heading('Settings'), h('p', { class: 'lead' }, 'How this sandbox emulates the ZoomInfo account', which, '. Saved changes apply at once.'), form, tokenSection(account?.scimBaseUrl));
}

function tokenSection(scimBaseUrl) {
  const out = h('div', { id: 'token-result' });
  const ask = h('button', { type: 'button', id: 'rotate-token' }, 'Generate a new SCIM token');
  const confirm = () => {
    const yes = h('button', { type: 'button', class: 'danger', id: 'rotate-confirm', onclick: rotate }, 'Rotate now');
    out.replaceChildren(
      h('div', { class: 'panel panel-warn', role: 'alert' },
        h('p', {}, h('strong', {}, 'The current SCIM token stops working at once. '), 'Every IdP using it gets 401 until you paste the new one into its provisioning settings.'),
        h('div', { class: 'form-actions' }, yes, h('button', { type: 'button', class: 'secondary', onclick: () => out.replaceChildren() }, 'Cancel'))),
    );
    yes.focus();
  };
  const rotate = async () => {
    try {
      const { token } = await api('/scim-token', { method: 'POST' });
      const field = h('input', { id: 'new-token', type: 'text', readonly: true, value: token, spellcheck: 'false', 'aria-describedby': 'new-token-help' });
      const copy = h('button', { type: 'button', class: 'secondary', onclick: async () => {
        field.select();
        try {
          await navigator.clipboard.writeText(token);
          copied.textContent = 'Copied.';
        } catch {
          copied.textContent = 'Select the text and copy it yourself.';
        }
      } }, 'Copy');
      const copied = h('span', { role: 'status', class: 'hint' });
      out.replaceChildren(h('div', { class: 'panel panel-ok' },
        h('label', { for: 'new-token' }, 'New SCIM token'),
        h('div', { class: 'token-row' }, field, copy, copied),
        h('p', { class: 'hint', id: 'new-token-help' }, 'Shown once: it is stored only as a digest and cannot be displayed again. Leaving this page forgets it.')));
      field.focus();
      field.select();
    } catch (error) {
      out.replaceChildren(h('p', { class: 'error', role: 'alert' }, `No token issued: ${error.message}`));
    }
  };
  ask.addEventListener('click', confirm);
  return h('section', { 'aria-labelledby': 'token-title', class: 'token' },
    h('h2', { id: 'token-title' }, 'SCIM token'),
    h('p', {}, 'The bearer token the IdP sends to ', h('code', {}, scimBaseUrl ?? '/scim/v2'), '. Rotating issues a new one and revokes the old one.'),
    ask, out);
}
