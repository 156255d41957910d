// The recordings view: filters, the paged list, and the detail of one
// recording (player, downloads, protection, deletion, notes, activity).

import {api, query, recordingPath, APIError} from './api.js';
import {h, replace, spinner, toast, confirmDialog, formatTime, formatDuration} from './dom.js';

const directions = {in: 'Incoming', out: 'Outgoing', internal: 'Internal'};
const directionOptions = [['', 'Any direction'], ...Object.entries(directions)];
const statuses = ['receiving', 'stored', 'converting', 'ready', 'failed'];

// who says whose recording it is: the owner's name, or "NoCDR" when no CDR
// named one.
export function who(r) {
  const owner = r.owner_display || r.owner;
  if (r.pending) return owner || 'pending';
  if (r.no_cdr) return owner ? owner + ' (NoCDR)' : 'NoCDR';
  return owner || '—';
}

export function recordingsView(me, container) {
  const admin = me.role === 'admin';
  const state = {cursors: [''], page: 0, selected: ''};

  const q = h('input', {id: 'f-q', type: 'search', name: 'q', placeholder: 'Name, number, file'});
  const from = h('input', {id: 'f-from', type: 'date', name: 'from'});
  const to = h('input', {id: 'f-to', type: 'date', name: 'to'});
  const direction = h('select', {id: 'f-direction', name: 'direction'},
    directionOptions.map(([v, t]) => h('option', {value: v}, t)));
  const owner = admin ? h('input', {id: 'f-owner', name: 'owner', placeholder: 'user name'}) : null;
  const status = admin ? h('select', {id: 'f-status', name: 'status'},
    h('option', {value: ''}, 'Any status'), statuses.map((s) => h('option', {value: s}, s))) : null;
  const filters = h('form', {class: 'filters', id: 'filters', role: 'search', 'aria-label': 'Filter recordings'},
    h('label', {class: 'wide'}, 'Search', q),
    h('label', {}, 'From', from),
    h('label', {}, 'To', to),
    h('label', {}, 'Direction', direction),
    admin && h('label', {}, 'Owner', owner),
    admin && h('label', {}, 'Status', status),
    h('button', {type: 'submit', id: 'f-apply'}, 'Apply'));

  const list = h('ul', {class: 'list', id: 'list', 'aria-label': 'Recordings'});
  const listStatus = h('div', {id: 'list-status'});
  const prev = h('button', {type: 'button', id: 'prev', class: 'quiet', disabled: true}, '‹ Newer');
  const next = h('button', {type: 'button', id: 'next', class: 'quiet', disabled: true}, 'Older ›');
  const detail = h('section', {class: 'detail', id: 'detail', 'aria-label': 'Recording', hidden: true});

  replace(container, filters, detail, listStatus, list, h('div', {class: 'pager'}, prev, next));

  function params() {
    const day = (v, plus) => {
      if (!v) return '';
      const d = new Date(v + 'T00:00:00');
      if (plus) d.setDate(d.getDate() + 1);
      return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
    };
    const p = {q: q.value.trim(), from: day(from.value), to: day(to.value, true), direction: direction.value, limit: 25};
    if (admin) {
      if (owner.value.trim()) p.owner = owner.value.trim();
      p.status = status.value;
    }
    return p;
  }

  async function load() {
    list.setAttribute('aria-busy', 'true');
    replace(listStatus, spinner());
    try {
      const res = await api('GET', '/recordings' + query({...params(), cursor: state.cursors[state.page]}));
      replace(listStatus);
      replace(list, res.recordings.map(row));
      if (res.recordings.length === 0) replace(listStatus, h('p', {class: 'empty'}, 'No recordings.'));
      if (res.next) state.cursors[state.page + 1] = res.next;
      else state.cursors.length = state.page + 1;
      next.disabled = !res.next;
      prev.disabled = state.page === 0;
    } catch (e) {
      replace(listStatus, h('p', {class: 'error-text', role: 'alert'}, e.message));
    } finally {
      list.removeAttribute('aria-busy');
    }
  }

  function row(r) {
    const badges = [];
    if (r.protected) badges.push(h('span', {class: 'badge'}, 'Protected'));
    if (!r.accessible) badges.push(h('span', {class: 'badge warn'}, 'Unlicensed'));
    if (r.partial) badges.push(h('span', {class: 'badge warn'}, 'Partial'));
    if (r.status !== 'ready') badges.push(h('span', {class: 'badge'}, r.status));
    const li = h('li', {'data-id': r.id, class: r.id === state.selected ? 'selected' : ''},
      h('button', {type: 'button', class: 'rec-open', 'aria-controls': 'detail', onclick: () => open(r.id)},
        h('span', {class: 'start'}, formatTime(r.start)),
        h('span', {class: 'who-col'},
          h('span', {class: 'owner'}, who(r)),
          ' ', h('span', {class: 'muted remote'}, [directions[r.direction] || '', r.remote].filter(Boolean).join(' · '))),
        h('span', {class: 'duration muted'}, formatDuration(r.duration_ms)),
        h('span', {class: 'badges'}, badges)));
    return li;
  }

  async function open(id) {
    state.selected = id;
    for (const li of list.children) li.classList.toggle('selected', li.dataset.id === id);
    detail.hidden = false;
    replace(detail, spinner());
    try {
      const d = await api('GET', recordingPath(id));
      showDetail(d);
    } catch (e) {
      replace(detail, h('p', {class: 'error-text', role: 'alert'}, e.message));
    }
  }

  function close() {
    state.selected = '';
    detail.hidden = true;
    replace(detail);
    for (const li of list.children) li.classList.remove('selected');
  }

  // streamLines describes the RTP streams of the pcap info, one line each.
  function streamLines(streams) {
    if (!streams || streams.length === 0) return '—';
    return streams.map((s) => h('div', {class: 'stream'},
      `${s.direction || 'other'} ${s.codec || 'not decodable'}: ${s.packets} packets, ` +
      `${s.lost} lost, jitter ${Number(s.jitter_ms).toFixed(1)} ms`));
  }

  function showDetail(d) {
    const id = d.id;
    const playable = d.accessible && d.status === 'ready';
    const audio = playable ? h('audio', {id: 'player', controls: true, preload: 'none', src: '/api/v1' + recordingPath(id, '/audio')}) : null;
    // Playing is audited (once per playback) before the audio arrives:
    // show it in the activity as soon as the player plays.
    if (audio) audio.addEventListener('playing', () => refreshLog());
    const facts = h('dl', {class: 'facts'},
      h('dt', {}, 'Owner'), h('dd', {id: 'd-owner'}, who(d)),
      h('dt', {}, 'Remote'), h('dd', {id: 'd-remote'}, d.remote || '—'),
      h('dt', {}, 'Direction'), h('dd', {}, (directions[d.direction] || '—') + (d.external ? ' (external)' : '')),
      h('dt', {}, 'Start'), h('dd', {}, formatTime(d.start)),
      h('dt', {}, 'Duration'), h('dd', {}, formatDuration(d.duration_ms)),
      h('dt', {}, 'Codecs'), h('dd', {}, (d.codecs || []).join(', ') || '—'),
      h('dt', {}, 'Streams'), h('dd', {id: 'd-streams'}, streamLines(d.streams)),
      (d.warnings || []).length > 0 && [h('dt', {}, 'Warnings'), h('dd', {id: 'd-warnings'}, d.warnings.map((w) => h('div', {}, w)))],
      h('dt', {}, 'Status'), h('dd', {id: 'd-status'}, d.status + (d.partial ? ' (partial upload)' : '') + (d.failure ? ': ' + d.failure : '')),
      h('dt', {}, 'Protected'), h('dd', {id: 'd-protected'}, d.protected ? 'yes' : 'no'));
    // A download is audited when the browser fetches it, which the page
    // cannot observe: look again shortly after the click.
    const dl = (format, label) => h('a', {class: 'button quiet', id: 'dl-' + format, download: '',
      href: '/api/v1' + recordingPath(id, '/download') + query({format}),
      onclick: () => setTimeout(refreshLog, 1000)}, label);
    const protectBtn = h('button', {type: 'button', id: d.protected ? 'unprotect' : 'protect', class: 'quiet',
      onclick: () => act(d.protected ? 'unprotect' : 'protect')}, d.protected ? 'Unprotect' : 'Protect');
    const deleteBtn = h('button', {type: 'button', id: 'delete', class: 'danger', onclick: del}, 'Delete');
    const actions = h('div', {class: 'actions'},
      playable && dl('wav', 'Download WAV'), playable && dl('zip', 'Download ZIP'),
      admin && d.accessible && dl('pcap', 'Download PCAP'), protectBtn, deleteBtn,
      h('button', {type: 'button', class: 'quiet', id: 'close', onclick: close}, 'Close'));
    const notes = h('ul', {class: 'notes', id: 'notes'}, noteItems(d.notes));
    const text = h('textarea', {id: 'note-text', name: 'text', rows: 2, maxlength: 10000, 'aria-label': 'New note'});
    const noteForm = h('form', {class: 'note', id: 'note-form'}, text, h('button', {type: 'submit'}, 'Add note'));
    noteForm.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      if (!text.value.trim()) return;
      try {
        const res = await api('POST', recordingPath(id, '/notes'), {text: text.value});
        text.value = '';
        replace(notes, noteItems(res.notes));
        refreshLog();
      } catch (e) { toast(e.message, true); }
    });
    const log = h('ul', {class: 'log', id: 'rec-log'});
    replace(detail,
      h('h2', {id: 'd-title'}, d.file_name),
      !d.accessible && h('p', {class: 'badge warn'}, 'Unlicensed: its owner holds no licence, so it cannot be played.'),
      audio, facts, actions,
      h('h3', {}, 'Notes'), notes, noteForm,
      h('h3', {}, 'Activity'), log);
    const refreshLog = () => loadLog(id, log);
    refreshLog();

    async function act(what) {
      protectBtn.disabled = true;
      try {
        await api('POST', recordingPath(id, '/' + what));
        toast(what === 'protect' ? 'Protected.' : 'Protection removed.');
        await Promise.all([open(id), load()]);
      } catch (e) {
        toast(e.message, true);
        protectBtn.disabled = false;
      }
    }

    async function del() {
      if (!await confirmDialog('Delete this recording for good? This cannot be undone.')) return;
      deleteBtn.disabled = true;
      try {
        await api('DELETE', recordingPath(id));
        toast('Deleted.');
        close();
        await load();
      } catch (e) {
        toast(e instanceof APIError && e.code === 'protected' ? 'Refused: the recording is protected.' : e.message, true);
        deleteBtn.disabled = false;
      }
    }
  }

  filters.addEventListener('submit', (ev) => {
    ev.preventDefault();
    state.cursors = [''];
    state.page = 0;
    load();
  });
  next.addEventListener('click', () => { state.page++; load(); });
  prev.addEventListener('click', () => { if (state.page > 0) { state.page--; load(); } });
  load();
  return {reload: load};
}

function noteItems(notes) {
  if (!notes || notes.length === 0) return h('li', {class: 'muted'}, 'No notes.');
  return notes.map((n) => h('li', {},
    h('span', {class: 'muted'}, formatTime(n.time) + ' · ' + n.author + ': '), n.text));
}

// loadLog fills ul with the activity of recording id. Called again (after
// an action), it keeps the entries shown until the new ones arrive, and
// only the latest call's answer is shown.
async function loadLog(id, ul) {
  const seq = (Number(ul.dataset.seq) || 0) + 1;
  ul.dataset.seq = String(seq);
  if (!ul.children.length) replace(ul, h('li', {}, spinner()));
  ul.setAttribute('aria-busy', 'true');
  let items;
  try {
    const res = await api('GET', '/logs' + query({recording: id, limit: 50}));
    items = res.entries.length ? res.entries.map(logItem) : h('li', {class: 'muted'}, 'No activity.');
  } catch (e) {
    items = h('li', {class: 'error-text'}, e.message);
  }
  if (ul.dataset.seq !== String(seq)) return; // a later call answers
  ul.removeAttribute('aria-busy');
  replace(ul, items);
}

export function logItem(e) {
  return h('li', {},
    h('span', {class: 'muted'}, formatTime(e.time) + ' · '),
    h('strong', {}, e.actor), ' ', e.action,
    e.recording ? h('span', {class: 'muted'}, ' · ' + e.recording) : null,
    e.detail ? ' · ' + e.detail : null);
}
