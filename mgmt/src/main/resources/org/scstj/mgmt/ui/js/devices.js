// Devices: every device with its handler, capacity and LUNs; add one (handler and attributes),
// resize, load or eject a disc (devices with a removable medium: vcdrom, vtape), remove (confirmed;
// a mapped device is unmapped first). LUNs: map a device as a LUN of a target, unmap one.
import { api, attr, describe, enc, get, nodes } from './api.js';
import { bytes, confirmAction, h, message, table } from './dom.js';

/** "key=value" lines as an attributes object: true/false and integers typed, the rest strings. */
export function parseAttributes(text) {
  const out = {};
  for (const line of text.split(/\n|,/).map(l => l.trim()).filter(Boolean)) {
    const eq = line.indexOf('=');
    if (eq <= 0) throw new Error(`not key=value: ${line}`);
    const key = line.slice(0, eq).trim();
    const raw = line.slice(eq + 1).trim();
    out[key] = raw === 'true' ? true : raw === 'false' ? false : /^-?\d+$/.test(raw) ? Number(raw) : raw;
  }
  return out;
}

/** Every mapping of the tree: {target, group, lun, device, path}. */
function mappings(tree) {
  const out = [];
  for (const t of nodes(tree, 'target')) {
    for (const c of t.children || []) {
      if (c.name === 'luns') {
        for (const l of nodes(c, 'lun')) out.push({ target: t.name, group: null, lun: l.name, device: attr(l, 'device'), path: l.path });
      } else if (c.name === 'groups') {
        for (const g of c.children || []) {
          const luns = (g.children || []).find(x => x.name === 'luns');
          for (const l of nodes(luns, 'lun')) out.push({ target: t.name, group: g.name, lun: l.name, device: attr(l, 'device'), path: l.path });
        }
      }
    }
  }
  return out;
}

export function render(root) {
  const msg = message('devices-message');
  const list = h('div', { id: 'devices-list' });
  const panel = h('div', { id: 'device-panel' });
  const luns = h('div', { id: 'luns-list' });
  const handler = h('select', { id: 'dev-handler' });
  const name = h('input', { id: 'dev-name', placeholder: 'disk02', required: true });
  const attrs = h('textarea', { id: 'dev-attrs', rows: 3, placeholder: 'size=2G\nfilename=/srv/disk02.img' });
  const target = h('select', { id: 'lun-target' });
  const lun = h('input', { id: 'lun-number', type: 'number', min: 0, max: 16383, value: 0 });
  const lunDevice = h('select', { id: 'lun-device' });
  let tree = null;

  const run = async (what, call) => {
    msg.clear();
    try {
      const r = await call();
      const steps = r && r.steps ? r.steps.map(s => `  ${s.action} ${s.object}${s.detail ? ': ' + s.detail : ''}`) : [];
      msg.show([what + ': done', ...steps].join('\n'), 'ok');
      panel.replaceChildren();
      await refresh();
      return true;
    } catch (e) {
      msg.show(what + ': ' + describe(e), 'error');
      return false;
    }
  };

  const add = e => {
    e.preventDefault();
    let attributes;
    try {
      attributes = parseAttributes(attrs.value);
    } catch (err) {
      msg.show(err.message, 'error');
      return;
    }
    const n = name.value.trim();
    run(`adding ${n}`, () => api('PUT', `/api/v1/devices/${enc(n)}`, { handler: handler.value, attributes }))
      .then(ok => { if (ok) { name.value = ''; attrs.value = ''; } });
  };

  const map = e => {
    e.preventDefault();
    run(`mapping ${lunDevice.value} as LUN ${lun.value} of ${target.value}`, () =>
      api('PUT', `/api/v1/targets/${enc(target.value)}/luns/${enc(lun.value)}`, { device: lunDevice.value }));
  };

  const resize = d => {
    const size = h('input', { id: 'resize-size', placeholder: '4G', value: attr(d, 'size') ?? '' });
    panel.replaceChildren(h('form', { class: 'inline', onsubmit: e => {
      e.preventDefault();
      run(`resizing ${d.name}`, () => api('POST', `/api/v1/devices/${enc(d.name)}/resize`, { size: size.value.trim() }));
    } }, h('label', {}, `New size of ${d.name} (bytes, or 512M, 20G…)`, size),
    h('button', { type: 'submit', class: 'primary', id: 'resize-submit' }, 'Resize'),
    h('button', { type: 'button', onclick: () => panel.replaceChildren() }, 'Cancel')));
    size.focus();
  };

  const load = d => {
    const medium = h('input', { id: 'load-medium', size: 50, placeholder: '/srv/images/disc.iso' });
    panel.replaceChildren(h('form', { class: 'inline', onsubmit: e => {
      e.preventDefault();
      run(`loading ${medium.value} into ${d.name}`, () =>
        api('POST', `/api/v1/devices/${enc(d.name)}/load`, { medium: medium.value.trim() }));
    } }, h('label', {}, `Medium for ${d.name} (a vcdrom's image path, a vtape's cartridge)`, medium),
    h('button', { type: 'submit', class: 'primary', id: 'load-submit' }, 'Load'),
    h('button', { type: 'button', onclick: () => panel.replaceChildren() }, 'Cancel')));
    medium.focus();
  };

  const eject = async d => {
    if (await confirmAction(`Eject the medium of ${d.name}? Every initiator sees an empty drive.`, 'Eject')) {
      run(`ejecting ${d.name}`, () => api('POST', `/api/v1/devices/${enc(d.name)}/eject`, {}));
    }
  };

  const remove = async d => {
    const used = mappings(tree).filter(m => m.device === d.name);
    const where = used.map(m => `${m.target}${m.group ? ' (group ' + m.group + ')' : ''} LUN ${m.lun}`).join(', ');
    const text = used.length
      ? `Remove device ${d.name}? It is mapped as ${where}: those LUNs are unmapped first and their initiators lose them.`
      : `Remove device ${d.name}?`;
    if (await confirmAction(text, 'Remove')) {
      run(`removing ${d.name}`, () => api('DELETE', `/api/v1/devices/${enc(d.name)}${used.length ? '?force=true' : ''}`));
    }
  };

  const unmap = async m => {
    if (await confirmAction(`Unmap LUN ${m.lun} of ${m.target}${m.group ? ' (group ' + m.group + ')' : ''}?`, 'Unmap')) {
      run(`unmapping LUN ${m.lun}`, () => api('DELETE', m.path));
    }
  };

  const button = (label, action, device, onclick, cls) =>
    h('button', { type: 'button', class: cls, 'data-action': action, 'data-device': device, onclick }, label);

  async function refresh() {
    try {
      tree = await get('/api/v1/tree');
    } catch (e) {
      msg.show(describe(e), 'error');
      return;
    }
    const devices = nodes(tree, 'device');
    const all = mappings(tree);
    list.replaceChildren(table(['device', 'handler', 'capacity#', 'medium', 'LUNs', ''], devices.map(d => {
      const actions = d.actions || [];
      const removable = actions.includes('POST load');
      const medium = removable ? (attr(d, 'medium-present') === false ? '(empty)' : String(attr(d, 'image') ?? attr(d, 'cartridge') ?? '')) : '';
      return h('tr', { 'data-device': d.name },
        h('td', {}, d.name), h('td', {}, attr(d, 'handler') || ''),
        h('td', { class: 'num' }, bytes(attr(d, 'capacity'))), h('td', {}, medium),
        h('td', {}, all.filter(m => m.device === d.name).map(m => `${m.target}/${m.lun}`).join(', ')),
        h('td', {},
          button('Resize', 'resize', d.name, () => resize(d)), ' ',
          removable ? [button('Load', 'load', d.name, () => load(d)), ' ',
            button('Eject', 'eject', d.name, () => eject(d)), ' '] : null,
          button('Remove', 'remove', d.name, () => remove(d), 'danger')));
    }), { id: 'devices-table' }));
    luns.replaceChildren(table(['target', 'group', 'LUN#', 'device', ''], all.map(m => [
      m.target, m.group || '', m.lun, m.device,
      h('button', { type: 'button', 'data-action': 'unmap', 'data-lun': `${m.target}/${m.lun}`, onclick: () => unmap(m) }, 'Unmap')]),
    { id: 'luns-table' }));
    const handlers = ((tree.children || []).find(c => c.name === 'handlers') || {}).children || [];
    fill(handler, handlers.map(x => x.name));
    fill(target, nodes(tree, 'target').map(t => t.name));
    fill(lunDevice, devices.map(d => d.name));
  }

  root.append(h('h1', {}, 'Devices'), msg, panel, list,
    h('h2', {}, 'Add a device'),
    h('form', { class: 'inline', id: 'add-device', onsubmit: add },
      h('label', {}, 'Name', name), h('label', {}, 'Handler', handler),
      h('label', { class: 'grow' }, 'Attributes (key=value, one a line)', attrs),
      h('button', { type: 'submit', class: 'primary', id: 'dev-add' }, 'Add')),
    h('h2', {}, 'LUNs'), luns,
    h('form', { class: 'inline', id: 'map-lun', onsubmit: map },
      h('label', {}, 'Target', target), h('label', {}, 'LUN', lun), h('label', {}, 'Device', lunDevice),
      h('button', { type: 'submit', class: 'primary', id: 'lun-map' }, 'Map')));
  refresh();
}

/** Replaces a select's options, keeping the selection when it is still there. */
function fill(select, values) {
  const current = select.value;
  select.replaceChildren(...values.map(v => h('option', { value: v }, v)));
  if (values.includes(current)) select.value = current;
}
