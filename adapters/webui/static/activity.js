// The activity log view: a user sees what happened to their own
// recordings, an admin everything, newest first.

import {api, query} from './api.js';
import {h, replace, spinner} from './dom.js';
import {logItem} from './recordings.js';

export function activityView(container) {
  const ul = h('ul', {class: 'log', id: 'log', 'aria-label': 'Activity log'});
  const status = h('div', {});
  const more = h('button', {type: 'button', class: 'quiet', id: 'log-more', hidden: true}, 'More');
  replace(container, status, ul, h('div', {class: 'pager'}, more));
  let cursor = '';
  async function load() {
    replace(status, spinner());
    more.disabled = true;
    try {
      const res = await api('GET', '/logs' + query({limit: 50, cursor}));
      replace(status);
      ul.append(...res.entries.map(logItem));
      if (!ul.children.length) replace(status, h('p', {class: 'empty'}, 'No activity yet.'));
      cursor = res.next;
      more.hidden = !cursor;
    } catch (e) {
      replace(status, h('p', {class: 'error-text', role: 'alert'}, e.message));
    } finally {
      more.disabled = false;
    }
  }
  more.addEventListener('click', load);
  load();
}
