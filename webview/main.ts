import type { BoardAction, BoardRecord, BoardSession, BoardState, HostToWebview, SessionActivity, WebviewToHost } from '../src/protocol';
import { checksTrend } from './charts';
import { h, icon } from './dom';
import { ago, bytes, clock, count, plural } from './format';
import { renderSessionDetail } from './sessionDetail';
import { groupByDay, matches, STATUS_LABELS, type SessionFilter, type SessionStatus } from './sessionFilter';
import type { FlightTrail } from '../src/core/report/flightTrail';

/** What survives the view being hidden: the last board state, and the session open in detail. */
interface SavedState {
  board?: BoardState;
  detail?: FlightTrail;
  activity?: SessionActivity;
  filter?: SessionFilter;
}

interface VsCodeApi {
  postMessage(message: WebviewToHost): void;
  getState(): SavedState | undefined;
  setState(state: SavedState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const app = document.getElementById('app') as HTMLElement;
let saved: SavedState = vscode.getState() ?? {};

function save(next: SavedState): void {
  saved = next;
  vscode.setState(saved);
}

function showDetail(trail: FlightTrail, activity?: SessionActivity): void {
  save({ ...saved, detail: trail, activity });
  app.replaceChildren(renderSessionDetail(trail, activity, (m) => vscode.postMessage(m), () => {
    save({ ...saved, detail: undefined, activity: undefined });
    if (saved.board) render(saved.board);
  }));
  (app.querySelector('vscode-button') as HTMLElement | null)?.focus();
}

function button(label: string, action: BoardAction, codicon: string, primary = false): HTMLElement {
  const start = icon(codicon);
  start.setAttribute('slot', 'start');
  const b = h('vscode-button', { appearance: primary ? 'primary' : 'secondary', 'data-action': action }, start, label);
  b.addEventListener('click', () => vscode.postMessage({ type: 'action', action }));
  return b;
}

function tile(label: string, value: number, codicon: string, attention = false): HTMLElement {
  return h(
    'div',
    { class: attention && value > 0 ? 'tile attention' : 'tile', role: 'group', 'aria-label': `${label}: ${count(value)}` },
    h('div', { class: 'tile-value' }, count(value)),
    h('div', { class: 'tile-label' }, icon(codicon), ` ${label}`),
  );
}

function recentList(r: BoardRecord): HTMLElement {
  if (r.recent.length === 0) {
    return h('p', { class: 'muted' }, 'Nothing recorded yet.');
  }
  const list = h('ol', { class: 'events', 'aria-label': 'Recent events, newest first' });
  for (const e of r.recent) {
    list.append(
      h('li', { class: 'event' },
        h('time', { datetime: new Date(e.at).toISOString(), title: new Date(e.at).toString() }, clock(e.at)),
        h('vscode-badge', { class: 'kind' }, e.kind),
        h('span', { class: 'summary', title: e.summary }, e.summary),
      ),
    );
  }
  return list;
}

function sessionItem(s: BoardSession): HTMLElement {
  const meta = [s.agent || 'agent', s.branch, s.startedAt ? clock(s.startedAt) : '', plural(s.commands, 'command'), `${plural(s.filesChanged, 'file')} changed`]
    .filter(Boolean)
    .join(' · ');
  const flags = h('span', { class: 'flags' });
  if (s.failedChecks) flags.append(h('span', { class: 'flag fail', title: 'failed check runs' }, icon('error'), ` ${count(s.failedChecks)} failed`));
  if (s.hooksSilent) flags.append(h('span', { class: 'flag warn', title: 'Claude Code hooks stopped reporting while the session went on; the transcript is still recorded' }, icon('debug-disconnect'), ' hooks silent'));
  if (s.rejections) flags.append(h('span', { class: 'flag warn', title: 'rejected or denied actions' }, icon('circle-slash'), ` ${count(s.rejections)} refused`));
  const item = h('li', { class: 'session', tabindex: '0', role: 'button', 'aria-label': `Open the flight record of: ${s.intent || s.id}` },
    h('div', { class: 'session-title' }, s.intent || '(no stated intent)'),
    h('div', { class: 'session-meta' }, meta, flags),
  );
  const open = (): void => vscode.postMessage({ type: 'openSession', id: s.id });
  item.addEventListener('click', open);
  item.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      open();
    }
  });
  return item;
}

function sessionList(r: BoardRecord, trusted: boolean): HTMLElement {
  const section = h('section', { 'aria-labelledby': 'sessions-h' }, h('h2', { id: 'sessions-h' }, 'Sessions'));
  if (r.sessions.length === 0) {
    section.append(h('p', { class: 'muted' }, 'No agent sessions yet. Flightdeck imports Claude Code sessions of this folder and follows them live.'));
    if (trusted) section.append(h('div', { class: 'actions' }, button('Connect Claude Code', 'connectClaude', 'plug', true), button('Import now', 'importClaude', 'cloud-download')));
    return section;
  }
  const groups = h('div', { class: 'session-groups' });
  const fill = (): void => {
    groups.replaceChildren();
    const shown = r.sessions.filter((s) => matches(s, filter));
    if (shown.length === 0) groups.append(h('p', { class: 'muted' }, 'No session matches.'));
    for (const group of groupByDay(shown)) {
      const list = h('ol', { class: 'sessions', 'aria-label': `Sessions of ${group.day}, newest first` });
      for (const s of group.sessions) list.append(sessionItem(s));
      groups.append(h('h3', { class: 'day' }, group.day), list);
    }
  };
  fill();
  const trend = checksTrend(r.sessions);
  if (trend) section.append(h('div', { class: 'trend-row' }, trend, h('span', { class: 'muted' }, 'checks per session, oldest left')));
  section.append(sessionToolbar(fill), groups);
  if (r.moreSessions) {
    const more = h('vscode-button', { appearance: 'secondary', id: 'older-sessions' }, 'Show older sessions');
    more.addEventListener('click', () => vscode.postMessage({ type: 'showSessions', limit: r.sessions.length + 50 }));
    section.append(more);
  }
  return section;
}

let filter: SessionFilter = { text: '', status: 'all' };

/** Search and status filter; they refill only the list, so the field keeps its focus and caret while typing. */
function sessionToolbar(refill: () => void): HTMLElement {
  const search = h('vscode-text-field', { id: 'session-search', placeholder: 'Search sessions', 'aria-label': 'Search sessions' });
  (search as HTMLInputElement).value = filter.text;
  search.addEventListener('input', () => {
    filter = { ...filter, text: (search as HTMLInputElement).value };
    save({ ...saved, filter });
    refill();
  });
  const status = h('vscode-dropdown', { id: 'session-status', 'aria-label': 'Show' });
  for (const [value, label] of Object.entries(STATUS_LABELS)) {
    const option = h('vscode-option', { value }, label);
    if (value === filter.status) option.setAttribute('selected', '');
    status.append(option);
  }
  status.addEventListener('change', () => {
    filter = { ...filter, status: (status as HTMLSelectElement).value as SessionStatus };
    save({ ...saved, filter });
    refill();
  });
  return h('div', { class: 'toolbar' }, search, status);
}

function gettingStarted(trusted: boolean): HTMLElement {
  return h('section', { class: 'start', 'aria-labelledby': 'start-h' },
    h('h2', { id: 'start-h' }, 'Start recording'),
    h('p', {}, 'Everything Flightdeck records lands here: notes now; agent sessions, checks, reviews and ships as they are captured.'),
    trusted ? button('Record a note', 'recordNote', 'note', true) : h('p', { class: 'muted' }, 'Trust this workspace to record.'),
    h('p', { class: 'muted' }, 'From a terminal, a git hook or CI: ', h('code', {}, 'flightdeck note "what happened"')),
  );
}

function recordDetails(r: BoardRecord, trusted: boolean): HTMLElement {
  const rows: [string, string][] = [
    ['Location', r.dir + (r.exists ? '' : ' (created on the first event)')],
    ['Schema', `version ${r.schemaVersion}`],
    [
      'Journal',
      r.journalGeneration === 0
        ? 'empty: started by the first event'
        : `generation ${r.journalGeneration} · ${bytes(r.journalBytes)} · ${count(r.eventsSinceSnapshot)} events since the last snapshot`,
    ],
    ['Snapshot', r.lastSnapshotAt ? `${ago(r.lastSnapshotAt)} (${new Date(r.lastSnapshotAt).toLocaleString()})` : 'none yet'],
  ];
  const dl = h('dl', { class: 'details' });
  for (const [k, v] of rows) dl.append(h('dt', {}, k), h('dd', {}, v));
  return h('section', { 'aria-labelledby': 'rec-h' },
    h('h2', { id: 'rec-h' }, 'The record'),
    dl,
    h('div', { class: 'actions' },
      trusted ? button('Record a note', 'recordNote', 'note') : undefined,
      button('Verify', 'verifyRecord', 'verified'),
      button('Reveal folder', 'revealRecord', 'folder-opened'),
    ),
  );
}

function render(state: BoardState): void {
  const focused = (document.activeElement as HTMLElement | null)?.id;
  app.replaceChildren();
  app.setAttribute('aria-busy', state.phase === 'loading' ? 'true' : 'false');
  if (!state.trusted) {
    app.append(h('p', { class: 'notice' }, icon('shield'), ' Restricted mode: the board is read-only and nothing is recorded.'));
  }
  if (state.phase === 'loading') app.append(h('p', { class: 'muted' }, 'Opening the flight record…'));
  if (state.phase === 'no-workspace') {
    app.append(h('p', {}, 'Open a folder to keep a flight record of the work done in it.'));
  }
  if (state.phase === 'error') {
    app.append(h('p', { class: 'error', role: 'alert' }, icon('error'), ` The flight record could not be opened: ${state.error ?? 'unknown error'}`));
  }
  const r = state.record;
  if (r) {
    for (const n of r.notices) app.append(h('p', { class: 'notice', role: 'alert' }, icon('warning'), ` ${n}`));
    const c = r.counts;
    app.append(
      h('section', { class: 'tiles', 'aria-label': 'What the record holds' },
        tile('Events', c.events, 'pulse'),
        tile('Sessions', c.sessions, 'history'),
        tile('Checks', c.checks, 'beaker'),
        tile('To review', c.pendingReviews, 'eye', true),
        tile('Overrides', c.overrides, 'unlock', true),
        tile('Ships', c.ships, 'rocket'),
      ),
      sessionList(r, state.trusted),
      h('section', { 'aria-labelledby': 'recent-h' }, h('h2', { id: 'recent-h' }, 'Recent activity'), recentList(r)),
    );
    if (c.events === 0) app.append(gettingStarted(state.trusted));
    app.append(recordDetails(r, state.trusted));
  }
  // A live update must not pull the caret out of the search field.
  if (focused) {
    const el = document.getElementById(focused) as HTMLElement | null;
    el?.focus();
    const input = el?.shadowRoot?.querySelector('input');
    input?.setSelectionRange(input.value.length, input.value.length);
  }
  vscode.postMessage({ type: 'rendered', phase: state.phase, events: r?.counts.events ?? 0, sessions: r?.sessions.length ?? 0, trusted: state.trusted });
}

window.addEventListener('message', (e: MessageEvent<HostToWebview>) => {
  const m = e.data;
  if (m?.type === 'sessionDetail') return showDetail(m.trail, m.activity);
  if (m?.type !== 'state') return;
  save({ ...saved, board: m.state });
  // An open session stays open; it is asked for again so it shows the new events too.
  if (saved.detail) vscode.postMessage({ type: 'openSession', id: saved.detail.id });
  else render(m.state);
});

filter = saved.filter ?? filter;
if (saved.detail) showDetail(saved.detail, saved.activity);
else if (saved.board) render(saved.board);
vscode.postMessage({ type: 'ready' });
