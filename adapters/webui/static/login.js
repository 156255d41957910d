// Logging in: an existing session; inside myApps, innovaphone's AppLogin
// over the AppWebsocket at the app's base URL (the PBX signs the login with
// the App-object password); otherwise the login form for local users.

import {api, APIError} from './api.js';
import {h, replace} from './dom.js';

export async function login(appName, main) {
  try {
    return await api('GET', '/me');
  } catch (e) {
    if (!(e instanceof APIError) || e.status !== 401) throw e;
  }
  if (window.parent !== window) {
    try {
      return await appLogin(appName);
    } catch (e) {
      console.info('AppLogin not available:', e.message);
    }
  }
  return loginForm(main);
}

function socketURL() {
  const u = new URL('./', location.href);
  u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
  u.search = '';
  u.hash = '';
  return u.href;
}

// appLogin asks the myApps client (our parent frame) to have the PBX sign a
// login for the server's challenge, sends it as AppLogin, and trades the
// ticket of a successful login for a session.
function appLogin(appName) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(socketURL());
    let done = false;
    const finish = (err, value) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      window.removeEventListener('message', onParent);
      ws.close();
      if (err) reject(err); else resolve(value);
    };
    const timer = setTimeout(() => finish(new Error('no login from myApps')), 8000);
    const onParent = (ev) => {
      if (ev.source !== window.parent) return;
      let m = ev.data;
      if (typeof m === 'string') {
        try { m = JSON.parse(m); } catch (e) { return; }
      }
      if (!m || typeof m !== 'object' || !m.digest) return;
      ws.send(JSON.stringify({
        mt: 'AppLogin', app: m.app || appName, domain: m.domain || '', sip: m.sip || '',
        guid: m.guid || '', dn: m.dn || '', digest: m.digest, pbxObj: m.pbxObj || '',
        info: m.info,
      }));
    };
    ws.onerror = () => finish(new Error('AppWebsocket failed'));
    ws.onopen = () => ws.send(JSON.stringify({mt: 'AppChallenge'}));
    ws.onmessage = async (ev) => {
      let m;
      try { m = JSON.parse(ev.data); } catch (e) { return; }
      if (m.mt === 'AppChallengeResult') {
        window.addEventListener('message', onParent);
        window.parent.postMessage(JSON.stringify({mt: 'getLogin', app: appName, challenge: m.challenge}), '*');
      } else if (m.mt === 'AppLoginResult') {
        if (!m.ok || !m.ticket) { finish(new Error(m.error || 'login refused')); return; }
        try { finish(null, await api('POST', '/session', {ticket: m.ticket})); } catch (e) { finish(e); }
      }
    };
  });
}

function loginForm(main) {
  return new Promise((resolve) => {
    const name = h('input', {id: 'login-name', name: 'username', autocomplete: 'username', required: true});
    const password = h('input', {id: 'login-password', name: 'password', type: 'password', autocomplete: 'current-password', required: true});
    const error = h('p', {id: 'login-error', class: 'error-text', role: 'alert'});
    const submit = h('button', {type: 'submit', id: 'login-submit'}, 'Log in');
    const form = h('form', {class: 'login', id: 'login-form', 'aria-labelledby': 'login-title'},
      h('h2', {id: 'login-title'}, 'Log in'),
      h('label', {}, 'User name', name),
      h('label', {}, 'Password', password),
      error, submit);
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      submit.disabled = true;
      error.textContent = '';
      try {
        resolve(await api('POST', '/login', {name: name.value, password: password.value}));
      } catch (e) {
        error.textContent = e.message;
        password.value = '';
        password.focus();
      } finally {
        submit.disabled = false;
      }
    });
    replace(main, form);
    name.focus();
  });
}

export async function logout() {
  try { await api('POST', '/logout'); } catch (e) { /* gone anyway */ }
  location.reload();
}
