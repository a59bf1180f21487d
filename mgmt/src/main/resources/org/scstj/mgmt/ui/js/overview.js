// Overview: what the daemon serves (targets and their LUNs, sessions, devices) and, live over
// Server-Sent Events (GET /api/v1/events/stats, one event a second), IOPS and MB/s; the latency
// chart polls GET /api/v1/latency when the daemon has it.
import { attr, describe, events, get, getOptional, nodes } from './api.js';
import { bytes, h, message, number, table } from './dom.js';
import { LineChart, chartBox } from './chart.js';
import { worstP99 } from './latency.js';

export function render(root) {
  const stop = new AbortController();
  const value = id => h('div', { class: 'value', id }, '–');
  const card = (label, id) => h('div', { class: 'card' }, h('div', { class: 'label' }, label), value(id));
  const iops = chartBox(h, 'IOPS', ['commands/s'], 'chart-iops');
  const mbps = chartBox(h, 'MB/s', ['read', 'write'], 'chart-mbps');
  const lat = chartBox(h, 'Latency, worst p99 (µs)', ['p99'], 'chart-latency');
  const latNote = h('div', { class: 'muted', id: 'latency-note' });
  lat.box.append(latNote);
  const msg = message('overview-message');
  const targets = h('div', { id: 'overview-targets' });
  const sessions = h('div', { id: 'overview-sessions' });
  const devices = h('div', { id: 'overview-devices' });
  root.append(
    h('h1', {}, 'Overview'), msg,
    h('div', { class: 'cards' },
      card('Targets', 'count-targets'), card('Devices', 'count-devices'), card('Sessions', 'count-sessions'),
      card('IOPS', 'iops'), card('MB/s read', 'mbps-read'), card('MB/s write', 'mbps-write')),
    h('div', { class: 'charts' }, iops.box, mbps.box, lat.box),
    h('h2', {}, 'Targets'), targets,
    h('div', { class: 'columns' },
      h('div', {}, h('h2', {}, 'Sessions'), sessions),
      h('div', {}, h('h2', {}, 'Devices'), devices)));
  const iopsChart = new LineChart(iops.canvas, ['iops']);
  const mbpsChart = new LineChart(mbps.canvas, ['read', 'write']);
  const latChart = new LineChart(lat.canvas, ['p99']);
  const set = (id, text) => { document.getElementById(id).textContent = text; };

  events('/api/v1/events/stats', e => {
    const read = e['read-bytes-per-second'] / 1e6;
    const write = e['write-bytes-per-second'] / 1e6;
    set('iops', number(e.iops));
    set('mbps-read', number(read, 1));
    set('mbps-write', number(write, 1));
    set('count-sessions', number(e.sessions));
    iopsChart.push(e.iops);
    mbpsChart.push(read, write);
  }, stop.signal, err => msg.show('live statistics: ' + describe(err), 'error'));

  const refresh = async () => {
    try {
      const tree = await get('/api/v1/tree');
      const ts = nodes(tree, 'target');
      set('count-targets', number(ts.length));
      set('count-devices', number(nodes(tree, 'device').length));
      targets.replaceChildren(table(['target', 'enabled', 'sessions#', 'LUNs'], ts.map(t => {
        const luns = (t.children || []).find(c => c.name === 'luns');
        const list = nodes(luns, 'lun').map(l => `${l.name} → ${attr(l, 'device')}`).join(', ');
        return [t.name, attr(t, 'enabled') ? 'yes' : 'no', number(attr(t, 'sessions')), list || '(none)'];
      }), { id: 'targets-table' }));
      const ss = nodes(tree, 'session');
      sessions.replaceChildren(ss.length === 0 ? h('p', { class: 'muted' }, 'No session is open.')
        : table(['initiator', 'state', 'commands#'], ss.map(x =>
          [attr(x, 'initiator-name'), attr(x, 'state'), number(attr(x, 'commands'))])));
      devices.replaceChildren(table(['device', 'handler', 'capacity#'], nodes(tree, 'device').map(d =>
        [d.name, attr(d, 'handler'), bytes(attr(d, 'capacity'))])));
    } catch (e) {
      msg.show(describe(e), 'error');
    }
  };
  let latencyAvailable = true;
  const pollLatency = async () => {
    if (!latencyAvailable) return;
    try {
      const data = await getOptional('/api/v1/latency');
      if (data === null) {
        latencyAvailable = false;
        latNote.textContent = 'Latency is not available on this daemon (it has no GET /api/v1/latency).';
        lat.canvas.hidden = true;
        lat.box.querySelector('.legend').hidden = true;
        return;
      }
      latChart.push(worstP99(data));
    } catch (e) {
      latNote.textContent = describe(e);
    }
  };
  refresh();
  pollLatency();
  const timers = [setInterval(refresh, 5000), setInterval(pollLatency, 2000)];
  iopsChart.draw();
  mbpsChart.draw();
  latChart.draw();
  return () => {
    stop.abort();
    timers.forEach(clearInterval);
  };
}
