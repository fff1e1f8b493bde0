import { AGENT_LABELS, QUERY_LIMITS, type BoardAction, type BoardFileHistory, type BoardInsights, type BoardRecord, type BoardSection, type BoardSession, type BoardState, type ImportStatus, type SessionQuery } from '../src/protocol';
import { fileHistoryBlock } from './fileHistory';
import type { Fold } from './fold';
import { sectionCount, sectionExpanded, type SectionFacts } from './sectionState';
import { checksTrend } from './charts';
import { h, icon } from './dom';
import { ago, bytes, clock, count, plural } from './format';
import { span } from '../src/core/report/insightPanels';
import { insightsSection } from './insights';
import { reviewsSection } from './reviews';
import { shipsSection } from './ships';
import { groupByDay, importText, isFiltered, pageInfo, STATUS_LABELS } from './sessionFilter';

// Builds the board as a fresh tree; main.ts morphs the live DOM into it. Clickable elements carry a
// `data-cmd` (and its arguments as data attributes) for the one delegated click handler: no closures
// that a morph would leave pointing at old data.

function button(label: string, action: BoardAction, codicon: string, primary = false): HTMLElement {
  const start = icon(codicon);
  start.setAttribute('slot', 'start');
  return h('vscode-button', { appearance: primary ? 'primary' : 'secondary', 'data-cmd': 'action', 'data-action': action }, start, label);
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
  if (r.recent.length === 0) return h('p', { class: 'muted' }, 'Nothing recorded yet.');
  const list = h('ol', { class: 'events', 'aria-label': 'Recent events, newest first' });
  for (const e of r.recent) {
    list.append(
      h('li', { class: 'event', 'data-key': e.id },
        h('time', { datetime: new Date(e.at).toISOString(), title: new Date(e.at).toString() }, clock(e.at)),
        h('vscode-badge', { class: 'kind' }, e.kind),
        h('span', { class: 'summary', title: e.summary }, e.summary),
      ),
    );
  }
  return list;
}

function sessionItem(s: BoardSession): HTMLElement {
  const when = s.startedAt ? `${clock(s.startedAt)}${s.durationMs ? ` for ${span(s.durationMs)}` : ''}` : '';
  const meta = [AGENT_LABELS[s.agent] ?? (s.agent || 'agent'), s.author ? `by ${s.author}` : '', s.branch, when, plural(s.commands, 'command'), `${plural(s.filesChanged, 'file')} changed`]
    .filter(Boolean)
    .join(' · ');
  const flags = h('span', { class: 'flags' });
  if (s.failedChecks) flags.append(h('span', { class: 'flag fail', title: 'failed check runs' }, icon('error'), ` ${count(s.failedChecks)} failed`));
  if (s.hooksSilent) flags.append(h('span', { class: 'flag warn', title: 'Claude Code hooks stopped reporting while the session went on; the transcript is still recorded' }, icon('debug-disconnect'), ' hooks silent'));
  if (s.rejections) flags.append(h('span', { class: 'flag warn', title: 'rejected or denied actions' }, icon('circle-slash'), ` ${count(s.rejections)} refused`));
  if (s.skippedChecks) flags.append(h('span', { class: 'flag warn', title: 'required checks not run after the last change' }, icon('debug-step-over'), ` ${count(s.skippedChecks)} skipped`));
  if (s.boundaryViolations) flags.append(h('span', { class: 'flag fail', title: 'files changed outside the task\'s boundary' }, icon('shield'), ` ${count(s.boundaryViolations)} out of bounds`));
  if (s.pendingReviews) flags.append(h('span', { class: 'flag warn', title: 'open reviews: pending, with concerns, or failed' }, icon('eye'), ` ${count(s.pendingReviews)} to review`));
  return h('li', {
    class: 'session', tabindex: '0', role: 'button', 'data-key': `session:${s.id}`, 'data-cmd': 'open-session', 'data-session': s.id,
    'aria-label': `Open the flight record of: ${s.intent || s.id}`,
  },
  h('div', { class: 'session-title' }, s.intent || '(no stated intent)'),
  h('div', { class: 'session-meta' }, meta, flags),
  );
}

/** Search, file and status filter. Built once and kept (`data-keep`): typing is never interrupted by an update. */
export function sessionToolbar(q: SessionQuery): HTMLElement {
  const search = h('vscode-text-field', { id: 'session-search', placeholder: 'Search sessions', maxlength: String(QUERY_LIMITS.text), 'aria-label': 'Search sessions by intent, branch, agent, author or id' });
  (search as HTMLInputElement).value = q.text;
  const file = h('vscode-text-field', { id: 'session-file', placeholder: 'Filter by file', maxlength: String(QUERY_LIMITS.file), 'aria-label': 'Show sessions that read or changed a file whose path contains' });
  (file as HTMLInputElement).value = q.file;
  const status = h('vscode-dropdown', { id: 'session-status', 'aria-label': 'Show' });
  for (const [value, label] of Object.entries(STATUS_LABELS)) {
    const option = h('vscode-option', { value }, label);
    if (value === q.status) option.setAttribute('selected', '');
    status.append(option);
  }
  const agent = h('vscode-dropdown', { id: 'session-agent', 'aria-label': 'Agent' });
  for (const [value, label] of [['', 'All agents'] as const, ...Object.entries(AGENT_LABELS)]) {
    const option = h('vscode-option', { value }, label);
    if (value === q.agent) option.setAttribute('selected', '');
    agent.append(option);
  }
  return h('div', { class: 'toolbar', 'data-keep': '', 'data-key': 'toolbar' }, search, file, status, agent);
}

/** An import coming or under way: what it has got through, as words and as a bar. */
function importProgress(i: ImportStatus): HTMLElement {
  // Without a value (nothing listed yet) a progress bar shows that something is going on, not how much.
  const known = i.phase === 'running' && i.totalBytes > 0;
  const bar = h('progress', known ? { max: '1000', value: String(Math.round((Math.min(i.doneBytes, i.totalBytes) / i.totalBytes) * 1000)), 'aria-label': 'Import progress' } : { 'aria-label': 'Import progress' });
  return h('section', { class: 'import', role: 'status', 'data-key': 'import' }, h('p', {}, icon('cloud-download'), ` ${importText(i)}`), bar);
}

/** What the board shows besides the state: the insights (sent apart), the sections the user opened or folded, the file filter's history. */
export interface BoardView {
  insights?: BoardInsights;
  /** Sections the user opened (true) or folded (false) in this workspace; the rest as sectionExpanded says. */
  sections?: Partial<Record<BoardSection, boolean>>;
  history?: BoardFileHistory;
  /** Reviews were open by default earlier in this view (sectionState.ts). */
  reviewsWereOpen?: boolean;
}

function sessionList(r: BoardRecord, trusted: boolean, query: SessionQuery, importing: ImportStatus | undefined, history: BoardFileHistory | undefined): HTMLElement {
  const section = h('section', { 'aria-labelledby': 'sessions-h', 'data-key': 'sessions' }, h('h2', { id: 'sessions-h' }, 'Sessions'));
  const filtered = isFiltered(r.query) || isFiltered(query);
  if (r.sessions.length === 0 && !filtered && importing) {
    // Never "no sessions" while an import may still bring some.
    section.append(h('p', { class: 'muted' }, 'This folder\'s Claude Code sessions appear here as they are imported.'));
    return section;
  }
  if (r.sessions.length === 0 && !filtered) {
    section.append(h('p', { class: 'muted' }, 'No agent sessions yet. Flightdeck imports Claude Code sessions of this folder and follows them live.'));
    if (trusted) section.append(h('div', { class: 'actions' }, button('Connect Claude Code', 'connectClaude', 'plug', true), button('Import now', 'importClaude', 'cloud-download')));
    return section;
  }
  const trend = checksTrend(r.sessions);
  if (trend) section.append(h('div', { class: 'trend-row', 'data-key': 'trend' }, trend, h('span', { class: 'muted' }, 'checks per session, oldest left')));
  // From the webview's own query: it may be newer than the one these results answer.
  section.append(sessionToolbar(query));
  // The history of the file the filter names; the last one, dimmed, until the answer to a newer filter arrives.
  if (history && query.file.trim()) {
    section.append(fileHistoryBlock(history, history.filter !== query.file, new Set((r.reviews ?? []).map((x) => x.id))));
  }
  const info = pageInfo(r, query);
  // Until the new query's answer arrives, the list (the last query's) is dimmed and marked busy.
  const groups = h('div', { class: info.pending ? 'session-groups stale' : 'session-groups', 'data-key': 'groups', 'aria-busy': info.pending ? 'true' : 'false' });
  if (r.sessions.length === 0) groups.append(h('p', { class: 'muted' }, 'No session matches.'));
  for (const group of groupByDay(r.sessions)) {
    const list = h('ol', { class: 'sessions', 'aria-label': `Sessions of ${group.day}, newest first`, 'data-key': `list:${group.day}` });
    for (const s of group.sessions) list.append(sessionItem(s));
    groups.append(h('h3', { class: 'day', 'data-key': `day:${group.day}` }, group.day), list);
  }
  section.append(groups);
  section.append(h('p', { class: 'muted page-info', 'aria-live': 'polite', 'data-key': 'page-info' }, info.text));
  // The extension sends at most 10,000; past that, search narrows the list.
  if (!info.pending && r.matchingSessions > r.sessions.length && r.sessions.length < QUERY_LIMITS.sessions) {
    section.append(h('vscode-button', { appearance: 'secondary', id: 'older-sessions', 'data-cmd': 'older', 'data-key': 'older' }, 'Show older sessions'));
  }
  return section;
}

function gettingStarted(trusted: boolean): HTMLElement {
  return h('section', { class: 'start', 'aria-labelledby': 'start-h', 'data-key': 'start' },
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
  return h('section', { 'aria-labelledby': 'rec-h', 'data-key': 'record' },
    h('h2', { id: 'rec-h' }, 'The record'),
    dl,
    h('div', { class: 'actions' },
      trusted ? button('Record a note', 'recordNote', 'note') : undefined,
      button('Verify', 'verifyRecord', 'verified'),
      button('Reveal folder', 'revealRecord', 'folder-opened'),
    ),
  );
}

/** What the folded headers and the defaults are read from. */
export function sectionFacts(state: BoardState, insights?: BoardInsights, reviewsWereOpen = false): SectionFacts {
  const r = state.record;
  const lock = state.deploy?.lock;
  return {
    openReviews: (r?.reviews ?? []).filter((x) => x.open).length,
    ships: r?.counts.ships ?? 0,
    lockHeldBy: lock ? (lock.mine ? 'you' : lock.who) : undefined,
    sessions: insights?.sessions ?? r?.counts.sessions ?? 0,
    reviewsWereOpen,
  };
}

/** The whole board for a state, as a new tree, with what the view adds (insights, folded sections, file history). */
export function renderBoard(state: BoardState, query: SessionQuery, view: BoardView = {}): HTMLElement {
  const root = h('div', { class: 'board', 'data-key': 'board', 'aria-busy': state.phase === 'loading' ? 'true' : 'false' });
  if (!state.trusted) {
    root.append(h('p', { class: 'notice', 'data-key': 'restricted' }, icon('shield'), ' Restricted mode: the board is read-only and nothing is recorded.'));
  }
  if (state.phase === 'loading') root.append(h('p', { class: 'muted', 'data-key': 'loading' }, 'Opening the flight record…'));
  if (state.importing) root.append(importProgress(state.importing));
  if (state.phase === 'no-workspace') {
    root.append(h('p', { 'data-key': 'no-workspace' }, 'Open a folder to keep a flight record of the work done in it.'));
  }
  if (state.phase === 'error') {
    root.append(h('p', { class: 'error', role: 'alert', 'data-key': 'error' }, icon('error'), ` The flight record could not be opened: ${state.error ?? 'unknown error'}`));
  }
  const r = state.record;
  if (!r) return root;
  r.notices.forEach((n, i) => root.append(h('p', { class: 'notice', role: 'alert', 'data-key': `notice:${i}` }, icon('warning'), ` ${n}`)));
  const c = r.counts;
  const facts = sectionFacts(state, view.insights, view.reviewsWereOpen);
  const fold = (id: BoardSection): Fold => ({ expanded: sectionExpanded(id, view.sections, facts), count: sectionCount(id, facts), attention: id === 'reviews' && facts.openReviews > 0 });
  root.append(
    h('section', { class: 'tiles', 'aria-label': 'What the record holds', 'data-key': 'tiles' },
      tile('Events', c.events, 'pulse'),
      tile('Sessions', c.sessions, 'history'),
      tile('Checks', c.checks, 'beaker'),
      tile('To review', c.pendingReviews, 'eye', true),
      tile('Overrides', c.overrides, 'unlock', true),
      tile('Ships', c.ships, 'rocket'),
    ),
    ...[reviewsSection(r.reviews ?? [], state.trusted, fold('reviews')), shipsSection(r.ships ?? [], state.deploy, state.trusted, fold('ships'))].filter((x): x is HTMLElement => x !== undefined),
    sessionList(r, state.trusted, query, state.importing, view.history),
    ...(c.sessions > 0 ? [insightsSection(view.insights, fold('insights'))] : []),
    h('section', { 'aria-labelledby': 'recent-h', 'data-key': 'recent' }, h('h2', { id: 'recent-h' }, 'Recent activity'), recentList(r)),
  );
  if (c.events === 0 && !state.importing) root.append(gettingStarted(state.trusted));
  root.append(recordDetails(r, state.trusted));
  return root;
}
