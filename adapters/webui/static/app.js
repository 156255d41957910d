// The Recordings App: the user app (innovaphone-recordings) and the admin
// app (innovaphone-recordingsadmin) share this code; the page's
// data-app attribute says which one runs.

import {api} from './api.js';
import {h, replace} from './dom.js';
import {login, logout} from './login.js';
import {recordingsView} from './recordings.js';
import {activityView} from './activity.js';
import {settingsView} from './settings.js';
import {licenseView} from './license.js';

const appName = document.body.dataset.app;
const main = document.getElementById('main');

// banner shows "PBX name missing" until an admin sets it (CDRs of any PBX
// are used meanwhile).
function banner(missing, admin) {
  const el = document.getElementById('banner');
  el.hidden = !missing;
  el.textContent = !missing ? '' : admin ?
    'PBX name missing: set it in Settings, or CDRs of any PBX are used.' :
    'PBX name missing: an administrator has to set it; until then recordings may show the wrong owner.';
}

async function start() {
  let me;
  try {
    me = await login(appName, main);
  } catch (e) {
    replace(main, h('p', {class: 'error-text', role: 'alert'}, e.message));
    return;
  }
  const admin = appName === 'innovaphone-recordingsadmin';
  if (admin && me.role !== 'admin') {
    replace(main, h('p', {class: 'error-text', role: 'alert'}, 'This app is for administrators. ' + me.name + ' is not one.'));
    showUser(me);
    return;
  }
  showUser(me);
  api('GET', '/status').then((s) => banner(s.pbx_name_missing, admin), () => {});
  const tabs = [['recordings', 'Recordings'], ['activity', 'Activity']];
  if (admin) tabs.push(['settings', 'Settings'], ['license', 'Licence']);
  const view = h('div', {id: 'view', role: 'tabpanel'});
  const buttons = tabs.map(([id, label]) => h('button', {type: 'button', role: 'tab', id: 'tab-' + id,
    'aria-controls': 'view', 'aria-selected': 'false', onclick: () => show(id)}, label));
  replace(main, h('nav', {class: 'tabs', role: 'tablist', 'aria-label': 'Views'}, buttons), view);

  function show(id) {
    for (const b of buttons) b.setAttribute('aria-selected', String(b.id === 'tab-' + id));
    view.setAttribute('aria-labelledby', 'tab-' + id);
    if (id === 'recordings') recordingsView(me, view);
    else if (id === 'activity') activityView(view);
    else if (id === 'settings') settingsView(view, (s) => banner(!s.pbx_name, true));
    else if (id === 'license') licenseView(view);
  }
  show('recordings');
}

function showUser(me) {
  document.getElementById('who').textContent = me.display_name || me.name;
  const out = document.getElementById('logout');
  out.hidden = false;
  out.addEventListener('click', logout);
}

start();
