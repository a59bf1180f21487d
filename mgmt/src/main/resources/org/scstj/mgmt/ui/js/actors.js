// Actors: the daemon's actor tree with each actor's mailbox depth, from GET /api/v1/actors,
// refreshed every 2 s. The daemon's shape (docs/admin.md):
//   { "actors": [ { "id": "target-iqn…:t/session-1", "parent": "target-iqn…:t", "kind": "session",
//                   "mailbox-depth": 0, "processed": 1234, ... }, ... ], ... }
// The shorter { "path", "kind", "mailbox", "processed" } objects, or a bare array, are read too.
// The tree is drawn from the ids; a daemon without the route (404) shows "not available on this daemon".
import { h, number, table } from './dom.js';
import { polledPage } from './polled.js';

/** The actors' list of an answer, sorted by path so that children follow their parent. */
export function actorsOf(data) {
  const list = Array.isArray(data) ? data : (data && Array.isArray(data.actors) ? data.actors : []);
  return list.map(a => ({
    path: a.path !== undefined ? a.path : a.id,
    kind: a.kind,
    mailbox: a.mailbox !== undefined ? a.mailbox : a['mailbox-depth'],
    processed: a.processed,
  })).sort((a, b) => String(a.path).localeCompare(String(b.path)));
}

/** The tree of an answer: a summary line and the table, each actor indented under its parent. */
export function view(data) {
  const actors = actorsOf(data);
  const total = actors.reduce((sum, a) => sum + (Number(a.mailbox) || 0), 0);
  return [
    h('p', { class: 'muted' }, `${actors.length} actors, ${number(total)} messages waiting in mailboxes`),
    table(['actor', 'kind', 'mailbox#', 'processed#'], actors.map(a => {
      const parts = String(a.path).split('/').filter(Boolean);
      const name = h('td', { class: 'name' }, h('span', { class: 'indent', text: '\u00a0\u00a0'.repeat(Math.max(0, parts.length - 1)) }),
        parts[parts.length - 1] || String(a.path));
      name.title = a.path;
      const mailbox = h('td', { class: 'num' + (a.mailbox > 0 ? ' busy' : '') }, number(a.mailbox));
      return h('tr', { 'data-path': a.path }, name, h('td', {}, a.kind || ''), mailbox, h('td', { class: 'num' }, number(a.processed)));
    }), { class: 'tree' })];
}

export function render(root) {
  return polledPage(root, {
    name: 'actors', title: 'Actors', bodyId: 'actors-tree', route: '/api/v1/actors', view,
    unavailable: 'The actor tree is not available on this daemon (it has no GET /api/v1/actors).',
  });
}
