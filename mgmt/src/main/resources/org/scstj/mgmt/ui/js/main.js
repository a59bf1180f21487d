// The dashboard's shell: sign-in, navigation between pages (#/name), and the page's life cycle
// (each page's render returns a function that stops its timers and streams when it is left).
import { ApiError, describe, get, setToken, token } from './api.js';
import { h, message } from './dom.js';
import * as overview from './overview.js';
import * as devices from './devices.js';
import * as sessions from './sessions.js';
import * as actors from './actors.js';
import * as latency from './latency.js';
import * as config from './config.js';

const PAGES = { overview, devices, sessions, actors, latency, config };
const main = document.getElementById('main');
let leave = null;

function login() {
  const input = h('input', { type: 'password', id: 'token', autocomplete: 'off', placeholder: 'token' });
  const msg = message('login-message');
  const submit = async e => {
    e.preventDefault();
    setToken(input.value.trim());
    try {
      await get('/api/v1');
      const wanted = location.hash.replace(/^#\/?/, '');
      if (!wanted || wanted === 'login') location.hash = '#/overview'; else route();
    } catch (err) {
      setToken(null);
      msg.show(err instanceof ApiError && err.status === 401 ? 'That token is not accepted.' : describe(err), 'error');
    }
  };
  main.replaceChildren(h('div', { class: 'login' },
    h('h1', {}, 'Sign in'),
    h('p', {}, 'Paste a token of this daemon: ', h('code', {}, '<state-dir>/admin/admin.token'),
      ' may change everything, ', h('code', {}, 'readonly.token'), ' only look.'),
    h('p', { class: 'muted' }, 'The token stays in this tab only (sessionStorage).'),
    h('form', { onsubmit: submit }, input, h('p', {}, h('button', { type: 'submit', class: 'primary', id: 'signin' }, 'Sign in'))),
    msg));
  input.focus();
}

function route() {
  if (leave) {
    leave();
    leave = null;
  }
  const name = (location.hash.replace(/^#\/?/, '') || 'overview').split('/')[0];
  for (const a of document.querySelectorAll('#nav a')) a.classList.toggle('active', a.dataset.page === name);
  document.getElementById('nav').hidden = !token();
  document.getElementById('signout').hidden = !token();
  if (!token() || name === 'login') {
    login();
    return;
  }
  const page = PAGES[name] || overview;
  main.replaceChildren();
  try {
    leave = page.render(main) || null;
  } catch (e) {
    main.replaceChildren(h('div', { class: 'message error' }, describe(e)));
  }
}

document.getElementById('signout').addEventListener('click', () => {
  setToken(null);
  location.hash = '#/login';
});
window.addEventListener('hashchange', route);
route();
