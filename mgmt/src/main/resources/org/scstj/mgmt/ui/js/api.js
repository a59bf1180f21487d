// The admin API as the pages call it: every request carries the bearer token the user gave at
// sign-in (kept in sessionStorage: gone when the tab closes, never in a URL).
const KEY = 'scstj.token';

export function token() {
  return sessionStorage.getItem(KEY);
}

export function setToken(value) {
  if (value) sessionStorage.setItem(KEY, value); else sessionStorage.removeItem(KEY);
}

/** A refusal of the API: its status and its JSON body {status, error, problems}. */
export class ApiError extends Error {
  constructor(status, body) {
    super(typeof body === 'object' && body && body.error ? body.error : `HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

/** An error as one readable text: the API's message and each problem with its field. */
export function describe(err) {
  if (!(err instanceof ApiError)) return String(err && err.message ? err.message : err);
  const problems = (err.body && err.body.problems) || [];
  return [err.message, ...problems.map(p => `  ${p.field ? p.field + ': ' : ''}${p.problem}`)].join('\n');
}

/**
 * One call: body an object (sent as JSON) or a string (sent as text). Answers the parsed JSON, or
 * the text for a text answer. 401 signs out.
 */
export async function api(method, path, body) {
  const headers = { Authorization: 'Bearer ' + token() };
  let payload;
  if (typeof body === 'string') {
    headers['Content-Type'] = 'text/plain; charset=utf-8';
    payload = body;
  } else if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  const r = await fetch(path, { method, headers, body: payload, cache: 'no-store' });
  const type = r.headers.get('Content-Type') || '';
  const data = type.includes('json') ? await r.json() : await r.text();
  if (r.status === 401) {
    setToken(null);
    location.hash = '#/login';
  }
  if (!r.ok) throw new ApiError(r.status, data);
  return data;
}

export const get = path => api('GET', path);

/** GET, or null when the daemon has no such route (404): a page for a newer daemon's data. */
export async function getOptional(path) {
  try {
    return await get(path);
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return null;
    throw e;
  }
}

/**
 * Server-Sent Events read with fetch() so that the token goes in the Authorization header
 * (EventSource cannot send one, and a token in the URL would reach logs and history). Calls
 * onEvent with each event's parsed data until signal aborts; reconnects after 2 s if the stream ends.
 */
export async function events(path, onEvent, signal, onError) {
  while (!signal.aborted) {
    try {
      const r = await fetch(path, { headers: { Authorization: 'Bearer ' + token(), Accept: 'text/event-stream' },
                                    signal, cache: 'no-store' });
      if (!r.ok) throw new ApiError(r.status, await r.text());
      const reader = r.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = block.split('\n').filter(l => l.startsWith('data:')).map(l => l.slice(5).trim()).join('\n');
          if (data) onEvent(JSON.parse(data));
        }
      }
    } catch (e) {
      if (signal.aborted) return;
      if (onError) onError(e);
    }
    await new Promise(resolve => setTimeout(resolve, 2000));
  }
}

/** Every node of a tree (GET /api/v1/tree) of one kind, depth first. */
export function nodes(tree, kind, out = []) {
  if (!tree) return out;
  if (tree.kind === kind) out.push(tree);
  for (const c of tree.children || []) nodes(c, kind, out);
  return out;
}

/** An attribute's value of a tree node. */
export function attr(node, name) {
  const a = node && node.attributes && node.attributes[name];
  return a === undefined || a === null ? undefined : a.value;
}

export const enc = encodeURIComponent;
