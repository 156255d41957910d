// The admin's settings: retention, PBX name, recordings group, licences,
// WebDAV credentials for the phones' Record-to URL, trace levels.

import {api} from './api.js';
import {h, replace, spinner, toast} from './dom.js';

const levels = ['debug', 'info', 'warn', 'error', 'off'];

export async function settingsView(container, onSaved) {
  replace(container, spinner());
  let s;
  try {
    s = await api('GET', '/settings');
  } catch (e) {
    replace(container, h('p', {class: 'error-text', role: 'alert'}, e.message));
    return;
  }
  const field = (id, label, attrs, help) => {
    const input = h('input', {id, name: id, ...attrs});
    return [input, h('label', {}, label, input, help ? h('span', {class: 'muted'}, help) : null)];
  };
  const [retention, retentionL] = field('s-retention', 'Retention (days)', {type: 'number', min: 0, max: 11000, value: s.retention_days}, '0 keeps recordings for ever');
  const [pbx, pbxL] = field('s-pbx', 'PBX name', {value: s.pbx_name}, 'CDRs of other PBXs are not used');
  const [group, groupL] = field('s-group', 'Recordings group name', {value: s.group_name}, 'empty: every user may hold a licence');
  const [licenses, licensesL] = field('s-licenses', 'Licences', {type: 'number', min: 0, value: s.licenses});
  const [wdUser, wdUserL] = field('s-webdav-user', 'WebDAV user', {value: s.webdav_user, autocomplete: 'off'}, 'a new user needs the password too');
  const [wdPass, wdPassL] = field('s-webdav-password', 'WebDAV password', {type: 'password', autocomplete: 'new-password',
    placeholder: s.webdav_password_set ? 'unchanged' : 'not set'});
  const traces = Object.keys(s.trace_levels || {}).map((cat) => {
    const sel = h('select', {id: 's-trace-' + cat, 'data-category': cat},
      levels.map((l) => h('option', {value: l, selected: l === s.trace_levels[cat]}, l)));
    return [sel, h('label', {}, cat, sel)];
  });
  const save = h('button', {type: 'submit', id: 's-save'}, 'Save');
  const form = h('form', {class: 'settings', id: 'settings-form', 'aria-label': 'Settings'},
    retentionL, pbxL, groupL, licensesL, wdUserL, wdPassL,
    h('fieldset', {}, h('legend', {}, 'Trace levels'), traces.map((t) => t[1])),
    h('div', {class: 'actions'}, save));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const body = {
      retention_days: Number(retention.value), pbx_name: pbx.value.trim(), group_name: group.value.trim(),
      licenses: Number(licenses.value), webdav_user: wdUser.value.trim(),
      trace_levels: Object.fromEntries(traces.map(([sel]) => [sel.dataset.category, sel.value])),
    };
    if (wdPass.value) body.webdav_password = wdPass.value;
    save.disabled = true;
    form.setAttribute('aria-busy', 'true');
    try {
      const now = await api('PUT', '/settings', body);
      wdPass.value = '';
      wdPass.placeholder = now.webdav_password_set ? 'unchanged' : 'not set';
      toast('Settings saved.');
      onSaved(now);
    } catch (e) {
      toast(e.message, true);
    } finally {
      save.disabled = false;
      form.removeAttribute('aria-busy');
    }
  });
  replace(container, form);
}
