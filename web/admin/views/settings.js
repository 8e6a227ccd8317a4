// Settings (PRODUCT.md §3), each with what it does; the lockout guard's answer; SCIM token rotation.
import { ApiError, api } from '../lib/api.js';
import { add, h, heading } from '../lib/dom.js';

const SWITCHES = [
  ['ssoConfigured', 'SAML SSO configured',
    'SAML SSO is set up for the account. While off, no SCIM token can be generated and every SCIM call gets 403 with a SCIM error naming the cause.'],
  ['autoProvisioning', 'Auto Provisioning User Management',
    'ZoomInfo\'s switch for SCIM provisioning. While off, every SCIM call gets 403.'],
  ['requireSso', 'Require SSO',
    'Password sign-in is refused for everyone. Turning it on is refused while an active Admin could then sign in by no method (no SSO link and no password); you can force it, which is journaled as a warning.'],
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
];

const get = (settings, key) => key.split('.').reduce((o, k) => o?.[k], settings);
const idOf = (key) => `setting-${key.replace('.', '-')}`;

/** The changed fields only, as PATCH /admin/api/settings takes them. */
function changes(form, settings) {
  const patch = {};
  for (const [key] of SWITCHES) {
    const value = form.elements[key].checked;
    if (value !== settings[key]) patch[key] = value;
  }
  for (const [key] of CHOICES) {
    const value = form.elements[key].value;
    if (value === get(settings, key)) continue;
    const [outer, inner] = key.split('.');
    if (inner) (patch[outer] ??= {})[inner] = value;
    else patch[outer] = value;
  }
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
            Object.entries(options).map(([value, text]) => h('option', { value, selected: value === get(settings, key) }, text))),
          h('p', { class: 'hint', id: `${idOf(key)}-help` }, help)))),
    h('div', { class: 'form-actions settings-actions' }, h('button', { type: 'submit' }, 'Save settings'), status),
  );

  const save = async (patch) => {
    refusal.replaceChildren();
    status.textContent = 'Saving…';
    try {
      settings = await api('/settings', { method: 'PATCH', body: patch });
      status.textContent = patch.force ? 'Saved with force: the override is in the journal as a warning.' : 'Settings saved.';
      readiness = await api('/readiness', { signal });
      showPreview();
    } catch (error) {
      status.textContent = '';
      if (error instanceof ApiError && error.status === 409 && error.body.error === 'lockout') return showRefusal(error.body, patch);
      refusal.append(h('p', { class: 'error', role: 'alert' }, `Not saved: ${error.message}`));
    }
  };

  const showRefusal = (body, patch) => {
    const forceButton = h('button', { type: 'button', class: 'danger', id: 'force-button', onclick: () => save({ ...patch, force: true }) }, 'Force: save anyway and lock them out');
    refusal.append(
      h('section', { class: 'panel panel-bad', role: 'alert', 'aria-labelledby': 'guard-title' },
        h('h2', { id: 'guard-title' }, 'Refused: this would lock admins out'),
        h('p', {}, `Not saved. ${body.lockedOut.length} active Admin${body.lockedOut.length === 1 ? '' : 's'} could then sign in by no method:`),
        h('ul', { class: 'locked-out' }, body.lockedOut.map((l) => h('li', {}, h('strong', {}, l.userName), ': ', l.reason))),
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
    const patch = changes(form, settings);
    if (Object.keys(patch).length === 0) {
      status.textContent = 'Nothing changed.';
      return;
    }
    save(patch);
  });

  add(root, heading('Settings'), h('p', { class: 'lead' }, 'How this sandbox emulates the ZoomInfo account. Saved changes apply at once.'), form, tokenSection());
}

function tokenSection() {
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
    h('p', {}, 'The bearer token the IdP sends to /scim/v2. Rotating issues a new one and revokes the old one.'),
    ask, out);
}
