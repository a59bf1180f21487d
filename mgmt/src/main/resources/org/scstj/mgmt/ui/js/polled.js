// A page that shows one route's answer, drawn by `view` and asked again every 2 s: a heading, a
// message area (id NAME-message) and a body (id `bodyId`). A daemon without the route (404) gets
// `unavailable` (id NAME-unavailable) once and is not asked again. Returns the page's stop function.
import { describe, getOptional } from './api.js';
import { h, message } from './dom.js';

export function polledPage(root, { name, title, bodyId, route, unavailable, view }) {
  const msg = message(name + '-message');
  const body = h('div', { id: bodyId }, h('p', { class: 'muted' }, 'Loading…'));
  root.append(h('h1', {}, title), msg, body);
  let stopped = false;
  const refresh = async () => {
    try {
      const data = await getOptional(route);
      if (stopped) return;
      if (data === null) {
        body.replaceChildren(h('p', { class: 'muted', id: name + '-unavailable' }, unavailable));
        clearInterval(timer);
        return;
      }
      body.replaceChildren(...view(data));
      msg.clear();
    } catch (e) {
      msg.show(describe(e), 'error');
    }
  };
  const timer = setInterval(refresh, 2000);
  refresh();
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}
