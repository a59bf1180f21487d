// Configuration: the running configuration (GET /api/v1/config); paste or upload a new one, plan it
// (POST /api/v1/config/plan: the steps, which would disrupt a session, which need a restart) and
// see the line diff against the running file; apply (POST /api/v1/config/apply) only the text
// planned, after a confirmation.
import { api, describe } from './api.js';
import { confirmAction, h, message, table } from './dom.js';

/** A line diff (longest common subsequence): [{op: ' ' | '+' | '-', line}]. */
export function diffLines(a, b) {
  const x = a.split('\n');
  const y = b.split('\n');
  const n = x.length;
  const m = y.length;
  if (n * m > 4_000_000) return [...x.map(line => ({ op: '-', line })), ...y.map(line => ({ op: '+', line }))];
  const lcs = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i][j] = x[i] === y[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  const out = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (x[i] === y[j]) { out.push({ op: ' ', line: x[i] }); i++; j++; }
    else if (lcs[i + 1][j] >= lcs[i][j + 1]) out.push({ op: '-', line: x[i++] });
    else out.push({ op: '+', line: y[j++] });
  }
  while (i < n) out.push({ op: '-', line: x[i++] });
  while (j < m) out.push({ op: '+', line: y[j++] });
  return out;
}

/** The changed lines of a diff with `context` unchanged lines around each, gaps as {op: '…'}. */
export function hunks(diff, context = 3) {
  const keep = diff.map(() => false);
  diff.forEach((d, i) => {
    if (d.op !== ' ') for (let k = Math.max(0, i - context); k <= Math.min(diff.length - 1, i + context); k++) keep[k] = true;
  });
  const out = [];
  diff.forEach((d, i) => {
    if (keep[i]) out.push(d);
    else if (i === 0 || keep[i - 1]) out.push({ op: '…', line: '' });
  });
  return out;
}

export function render(root) {
  const msg = message('config-message');
  const text = h('textarea', { id: 'config-text', class: 'config', spellcheck: 'false' });
  const file = h('input', { type: 'file', id: 'config-file', accept: '.conf,.hocon,.txt' });
  const disruptive = h('input', { type: 'checkbox', id: 'config-allow-disruptive' });
  const planButton = h('button', { type: 'button', class: 'primary', id: 'config-plan' }, 'Plan');
  const applyButton = h('button', { type: 'button', class: 'danger', id: 'config-apply', disabled: true }, 'Apply');
  const result = h('div', { id: 'config-plan-result' });
  let running = '';
  let planned = null;

  const invalidate = () => {
    planned = null;
    applyButton.disabled = true;
  };
  text.addEventListener('input', invalidate);
  file.addEventListener('change', async () => {
    if (file.files.length) {
      text.value = await file.files[0].text();
      invalidate();
      result.replaceChildren();
    }
  });

  const steps = r => r.steps.length === 0 ? h('p', { class: 'muted', id: 'plan-nothing' }, 'Nothing would change.')
    : table(['action', 'object', 'detail', 'disrupts a session', 'needs a restart'], r.steps.map(s =>
      [s.action, s.object, s.detail || '', s.disruptive ? 'yes' : '', s.restart ? 'yes' : '']), { id: 'plan-steps' });

  const plan = async () => {
    msg.clear();
    invalidate();
    const proposed = text.value;
    try {
      const r = await api('POST', '/api/v1/config/plan', proposed);
      const diff = diffLines(running, proposed);
      result.replaceChildren(...[
        h('h2', {}, 'Plan'), steps(r),
        r.warnings && r.warnings.length ? h('div', { class: 'message error' }, r.warnings.join('\n')) : null,
        h('h2', {}, 'Changes to the file'),
        h('pre', { class: 'diff', id: 'config-diff' }, diff.filter(d => d.op !== ' ').length === 0 ? 'identical'
          : hunks(diff).map(d => h('span', { class: d.op === '+' ? 'add' : d.op === '-' ? 'del' : null }, d.op + ' ' + d.line + '\n')))
      ].filter(Boolean));
      planned = proposed;
      applyButton.disabled = r.steps.length === 0;
    } catch (e) {
      result.replaceChildren();
      msg.show('plan: ' + describe(e), 'error');
    }
  };

  const apply = async () => {
    if (planned === null || planned !== text.value) return;
    if (!await confirmAction('Apply this configuration to the running daemon? The plan shown is carried out as one transaction.', 'Apply')) return;
    try {
      const r = await api('POST', `/api/v1/config/apply${disruptive.checked ? '?allow-disruptive=true' : ''}`, planned);
      msg.show(`applied: revision ${r.revision}, ${r.steps.length} step(s)`, 'ok');
      result.replaceChildren(h('h2', {}, 'Applied'), steps(r));
      invalidate();
      await load();
    } catch (e) {
      msg.show('apply: ' + describe(e), 'error');
    }
  };
  planButton.addEventListener('click', plan);
  applyButton.addEventListener('click', apply);

  async function load() {
    try {
      running = await api('GET', '/api/v1/config');
      text.value = running;
    } catch (e) {
      msg.show(describe(e), 'error');
    }
  }

  root.append(h('h1', {}, 'Configuration'),
    h('p', { class: 'muted' }, 'Edit the running configuration, or upload a file; Plan shows what would change'
      + ' and the lines changed, Apply does it.'),
    h('div', { class: 'columns tight' },
      h('div', {},
        h('div', { class: 'toolbar' }, h('label', {}, 'Upload a file', file)),
        text,
        h('div', { class: 'toolbar' }, planButton,
          h('label', { class: 'check' }, disruptive, 'allow disruptive changes'), applyButton),
        msg),
      result));
  load();
}
