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

function banner(settings) {
  const el = document.getElementById('banner');
  const missing = !settings.pbx_name;
  el.hidden = !missing;
  el.textContent = missing ? 'PBX name missing: set it in Settings, or CDRs of any PBX are used.' : '';
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
  if (admin) {
    api('GET', '/settings').then(banner, () => {});
  }
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
    else if (id === 'settings') settingsView(view, banner);
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
