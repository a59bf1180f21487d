// Sessions: every session with its counters (refreshed every 2 s); a click shows its details
// (negotiated parameters, connections, commands in flight); close it at once, or ask the
// initiator to log out.
import { api, attr, describe, enc, get } from './api.js';
import { bytes, confirmAction, h, message, number, table } from './dom.js';

export function render(root) {
  const msg = message('sessions-message');
  const list = h('div', { id: 'sessions-list' });
  const details = h('div', { id: 'session-details' });
  let selected = null;
  root.append(h('h1', {}, 'Sessions'), msg, list, details);

  const close = async s => {
    if (await confirmAction(`Close session ${s.name} of ${attr(s, 'initiator-name')} at once? Its commands in flight are aborted.`, 'Close')) {
      try {
        await api('DELETE', `/api/v1/sessions/${enc(s.name)}`);
        msg.show(`session ${s.name} closed`, 'ok');
        if (selected === s.name) selected = null;
      } catch (e) {
        msg.show(describe(e), 'error');
      }
      refresh();
    }
  };

  const logout = async s => {
    try {
      await api('POST', `/api/v1/sessions/${enc(s.name)}/logout`, {});
      msg.show(`session ${s.name} asked to log out`, 'ok');
    } catch (e) {
      msg.show(describe(e), 'error');
    }
  };

  const show = s => {
    if (!s) {
      details.replaceChildren();
      return;
    }
    const keys = Object.entries(attr(s, 'parameters') || {});
    const inFlight = Object.entries(attr(s, 'tasks-in-flight') || {});
    details.replaceChildren(
      h('h2', {}, `Session ${s.name}`),
      h('div', { class: 'toolbar' },
        h('button', { type: 'button', class: 'danger', id: 'session-close', onclick: () => close(s) }, 'Close session'),
        h('button', { type: 'button', id: 'session-logout', onclick: () => logout(s) }, 'Ask to log out')),
      h('div', { class: 'columns' },
        h('div', {},
          table(['', ''], [
            ['initiator', attr(s, 'initiator-name')], ['initiator port', attr(s, 'initiator-port')],
            ['target', attr(s, 'target')], ['ISID', attr(s, 'isid')], ['TSIH', String(attr(s, 'tsih'))],
            ['portal group', String(attr(s, 'portal-group-tag'))], ['state', attr(s, 'state')],
            ['logged in at', attr(s, 'logged-in-at')], ['commands', number(attr(s, 'commands'))],
            ['read', bytes(attr(s, 'bytes-read'))], ['written', bytes(attr(s, 'bytes-written'))],
            ['in flight', inFlight.length ? inFlight.map(([l, n]) => `LUN ${l}: ${n}`).join(', ') : 'none']]),
          h('h2', {}, 'Connections'),
          table(['CID#', 'local', 'peer', 'state'], (s.children || []).map(c =>
            [String(attr(c, 'cid')), attr(c, 'local-address'), attr(c, 'peer-address'), attr(c, 'state')]))),
        h('div', {}, table(['parameter', 'value'], keys))));
  };

  async function refresh() {
    let sessions;
    try {
      sessions = await get('/api/v1/sessions');
    } catch (e) {
      msg.show(describe(e), 'error');
      return;
    }
    list.replaceChildren(sessions.length === 0 ? h('p', { class: 'muted', id: 'no-sessions' }, 'No session is open.')
      : table(['session', 'initiator', 'target', 'state', 'age (s)#', 'commands#', 'read#', 'written#', ''], sessions.map(s =>
        h('tr', { class: 'clickable' + (s.name === selected ? ' selected' : ''), 'data-session': s.name,
                  onclick: () => { selected = s.name; refresh(); } },
          h('td', { class: 'nowrap' }, s.name), h('td', {}, attr(s, 'initiator-name')), h('td', {}, attr(s, 'target')),
          h('td', {}, attr(s, 'state')), h('td', { class: 'num' }, number(attr(s, 'age'))),
          h('td', { class: 'num' }, number(attr(s, 'commands'))), h('td', { class: 'num' }, bytes(attr(s, 'bytes-read'))),
          h('td', { class: 'num' }, bytes(attr(s, 'bytes-written'))),
          h('td', {}, h('button', { type: 'button', class: 'danger', 'data-action': 'close', 'data-session': s.name,
                                    onclick: e => { e.stopPropagation(); close(s); } }, 'Close')))),
      { id: 'sessions-table' }));
    show(sessions.find(s => s.name === selected));
  }

  refresh();
  const timer = setInterval(refresh, 2000);
  return () => clearInterval(timer);
}
