// Small DOM helpers: elements from tags, attributes and children (no HTML strings, so no markup injection).
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k === 'text') el.textContent = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

/** A table: headers (a trailing '#' makes a column numeric) and rows of cells (text or nodes). */
export function table(headers, rows, props = {}) {
  const numeric = headers.map(x => x.endsWith('#'));
  return h('table', props,
    h('thead', {}, h('tr', {}, headers.map((x, i) => h('th', { class: numeric[i] ? 'num' : null }, x.replace(/#$/, ''))))),
    h('tbody', {}, rows.map(r => r instanceof Node ? r
      : h('tr', {}, r.map((c, i) => h('td', { class: numeric[i] ? 'num' : null }, c))))));
}

/** A message area: show(text, 'ok' | 'error'); clear(). */
export function message(id) {
  const el = h('div', { class: 'message', id });
  el.show = (text, kind = 'ok') => { el.className = 'message ' + kind; el.textContent = text; };
  el.clear = () => { el.className = 'message'; el.textContent = ''; };
  return el;
}

/** Asks in the page's dialog; resolves true when confirmed. */
export function confirmAction(text, ok = 'Confirm') {
  const dialog = document.getElementById('confirm');
  document.getElementById('confirm-text').textContent = text;
  const okButton = document.getElementById('confirm-ok');
  okButton.textContent = ok;
  return new Promise(resolve => {
    const done = value => {
      okButton.onclick = null;
      document.getElementById('confirm-cancel').onclick = null;
      dialog.close();
      resolve(value);
    };
    okButton.onclick = () => done(true);
    document.getElementById('confirm-cancel').onclick = () => done(false);
    dialog.oncancel = () => done(false);
    dialog.showModal();
  });
}

export function bytes(n) {
  if (n === undefined || n === null || isNaN(n)) return '';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let i = 0;
  let v = Number(n);
  while (Math.abs(v) >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  return (i === 0 ? v.toFixed(0) : v.toFixed(v < 10 ? 2 : 1)) + ' ' + units[i];
}

export function number(n, digits = 0) {
  return n === undefined || n === null ? '' : Number(n).toLocaleString('en-US', { maximumFractionDigits: digits });
}
