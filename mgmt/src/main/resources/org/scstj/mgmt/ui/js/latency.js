// Latency: per device, per stage of a command, the count and the 50th/99th percentile and maximum
// in microseconds, from GET /api/v1/latency, refreshed every 2 s. The shape expected (see
// docs/dashboard.md):
//   { "devices": { "<device>": { "<stage>": { "count": 1234, "p50_us": 41, "p99_us": 180, "max_us": 2100 }, ... } } }
// (the same object without the "devices" wrapper is read too). Stages are shown in the order sent.
// A daemon without the route (404) shows "not available on this daemon".
import { h, number, table } from './dom.js';
import { polledPage } from './polled.js';

/**
 * The devices' map of a latency answer: device → row label → { count, p50_us, p99_us, max_us }.
 * The daemon's shape (docs/latency.md) is { "devices": [ { "device", "enabled", "stages": [ { "stage",
 * "op", "size", "count", "p50", "p99", "max", ... } ] } ] }: one row per stage, operation and size
 * class, labelled "stage op size". A map of device → stage → summary is read as it is.
 */
export function devicesOf(data) {
  if (data && Array.isArray(data.devices)) {
    const out = {};
    for (const d of data.devices) {
      const rows = {};
      for (const e of d.stages || []) {
        rows[`${e.stage} ${e.op} ${e.size}`] = { stage: e.stage, count: e.count, p50_us: e.p50, p99_us: e.p99, max_us: e.max };
      }
      out[d.device] = rows;
    }
    return out;
  }
  return data && typeof data.devices === 'object' && data.devices !== null ? data.devices : (data || {});
}

/** The worst p99 over devices: of the stage "total" where a device has it, else of its slowest stage. */
export function worstP99(data) {
  let worst = 0;
  for (const stages of Object.values(devicesOf(data))) {
    if (!stages || typeof stages !== 'object') continue;
    const all = Object.values(stages);
    const totals = stages.total ? [stages.total] : all.filter(s => s && s.stage === 'total');
    const values = totals.length > 0 ? totals : all;
    for (const s of values) worst = Math.max(worst, Number(s && s.p99_us) || 0);
  }
  return worst;
}

/** The tables of an answer: one a device, one row a stage. */
export function view(data) {
  const devices = Object.entries(devicesOf(data));
  return devices.length === 0 ? [h('p', { class: 'muted' }, 'No device has latency data yet.')]
    : devices.map(([device, stages]) => h('section', { 'data-device': device },
      h('h2', {}, device),
      table(['stage', 'count#', 'p50 (µs)#', 'p99 (µs)#', 'max (µs)#'],
        Object.entries(stages || {}).map(([stage, s]) =>
          [stage, number(s.count), number(s.p50_us), number(s.p99_us), number(s.max_us)]))));
}

export function render(root) {
  return polledPage(root, {
    name: 'latency', title: 'Latency', bodyId: 'latency-tables', route: '/api/v1/latency', view,
    unavailable: 'Latency tables are not available on this daemon (it has no GET /api/v1/latency).',
  });
}
