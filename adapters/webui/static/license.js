// The admin's view of the licence status: mode, licences allocated and
// claimed, holders, waiting users, unlicensed recordings, next deletions.

import {api} from './api.js';
import {h, replace, spinner, formatTime} from './dom.js';

function table(id, caption, headers, rows) {
  if (!rows || rows.length === 0) return h('p', {class: 'muted', id}, caption + ': none.');
  return h('table', {class: 'grid', id},
    h('caption', {}, caption),
    h('thead', {}, h('tr', {}, headers.map((x) => h('th', {scope: 'col'}, x)))),
    h('tbody', {}, rows.map((r) => h('tr', {}, r.map((c) => h('td', {}, c))))));
}

export async function licenseView(container) {
  replace(container, spinner());
  let s;
  try {
    s = await api('GET', '/license');
  } catch (e) {
    replace(container, h('p', {class: 'error-text', role: 'alert'}, e.message));
    return;
  }
  replace(container,
    h('dl', {class: 'facts', id: 'license-facts'},
      h('dt', {}, 'Mode'), h('dd', {id: 'lic-mode'}, s.mode === 'group' ? 'Group mode (' + s.group + ')' : 'Open mode'),
      s.group_since ? [h('dt', {}, 'Group mode since'), h('dd', {}, formatTime(s.group_since))] : null,
      h('dt', {}, 'Licences'), h('dd', {id: 'lic-count'}, s.claimed + ' of ' + s.allocated + ' claimed'),
      h('dt', {}, 'Recordings'), h('dd', {}, s.recordings + ' (' + s.unlicensed_count + ' unlicensed, ' + s.ownerless + ' without owner)')),
    table('lic-holders', 'Holders', ['User', 'Since', 'Recordings'],
      (s.holders || []).map((x) => [x.user, formatTime(x.claimed_at), String(x.recordings)])),
    table('lic-waiting', 'Waiting for a licence', ['User', 'Earliest recording', 'Recordings'],
      (s.waiting || []).map((x) => [x.user, formatTime(x.earliest), String(x.recordings)])),
    table('lic-unlicensed', 'Unlicensed recordings', ['Recording', 'Owner', 'Created', 'Deleted at', 'Why'],
      (s.unlicensed || []).map((x) => [x.id, x.owner, formatTime(x.created), x.protected ? 'protected: kept' : formatTime(x.delete_at) || 'kept', x.reason])),
    table('lic-deletions', 'Next deletions', ['Recording', 'Owner', 'At'],
      (s.next_deletions || []).map((x) => [x.id, x.owner, formatTime(x.at)])));
}
