// The go-live checklist: every item pass, warn or fail, each with why.
import { api } from '../lib/api.js';
import { add, h, heading } from '../lib/dom.js';

const LOOK = {
  pass: { icon: '✓', text: 'Pass' },
  warn: { icon: '!', text: 'Warning' },
  fail: { icon: '✗', text: 'Fail' },
};

export async function readinessView(root, { signal, rerender }) {
  const { ready, items } = await api('/readiness', { signal });
  const failing = items.filter((i) => i.status === 'fail').length;
  add(root,
    heading('Go-live readiness'),
    h('p', { class: `panel ${ready ? 'panel-ok' : 'panel-bad'}`, id: 'readiness-verdict' },
      h('strong', {}, ready ? 'Ready to go live.' : `Not ready: ${failing} item${failing === 1 ? '' : 's'} failing.`),
      ' Each item comes from what the IdP actually did against this sandbox.'),
    h('ul', { class: 'checklist' },
      items.map((item) =>
        h('li', { class: `check-item status-${item.status}`, 'data-id': item.id },
          h('span', { class: 'check-icon', 'aria-hidden': 'true' }, LOOK[item.status].icon),
          h('div', {},
            h('h2', {}, item.title, ' ', h('span', { class: `badge badge-${item.status === 'pass' ? 'ok' : item.status === 'warn' ? 'warn' : 'bad'}` }, LOOK[item.status].text)),
            h('p', {}, item.reason))))),
    h('button', { type: 'button', class: 'secondary', onclick: rerender }, 'Check again'),
  );
}
