import { DEFAULT_QUERY, QUERY_LIMITS, SESSION_PAGE, SESSION_PAGE_MORE } from '../src/protocol';
import type { BoardAction, BoardInsights, BoardState, ReviewAction, HostToWebview, SessionActivity, SessionQuery, SessionStatus, WebviewToHost } from '../src/protocol';
import type { FlightTrail } from '../src/core/report/flightTrail';
import { renderBoard } from './board';
import { morph } from './morph';
import { renderSessionDetail } from './sessionDetail';

/** What survives the view being hidden: the last board state, the open session, the query, where the list was scrolled. */
interface SavedState {
  board?: BoardState;
  detail?: FlightTrail;
  activity?: SessionActivity;
  query?: SessionQuery;
  boardScroll?: number;
  /** The Insights section is open, and the last insights the extension sent. */
  insightsOpen?: boolean;
  insights?: BoardInsights;
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
let query: SessionQuery = { ...DEFAULT_QUERY, ...saved.query };
/** The session the user has open: a reply for any other (late, after Back) is dropped. */
let wantedDetail: string | undefined = saved.detail?.id;

function save(next: SavedState): void {
  saved = next;
  vscode.setState(saved);
}

/** Shows a tree: patched into what is there when it is the same view, else swapped in. */
function show(tree: HTMLElement): boolean {
  const current = app.firstElementChild;
  const same = app.childElementCount === 1 && current?.getAttribute('data-key') === tree.getAttribute('data-key');
  if (same && current) morph(current, tree);
  else app.replaceChildren(tree);
  return !same;
}

function showDetail(trail: FlightTrail, activity?: SessionActivity): void {
  const opened = saved.detail?.id !== trail.id || app.firstElementChild?.getAttribute('data-key') !== `detail:${trail.id}`;
  if (opened && !saved.detail) save({ ...saved, boardScroll: window.scrollY });
  save({ ...saved, detail: trail, activity });
  show(renderSessionDetail(trail, activity));
  if (opened) {
    window.scrollTo(0, 0);
    (document.getElementById('detail-back') as HTMLElement | null)?.focus();
  }
  app.setAttribute('aria-busy', 'false');
}

function render(state: BoardState): void {
  const swapped = show(renderBoard(state, query, { data: saved.insights, open: saved.insightsOpen === true }));
  app.setAttribute('aria-busy', state.phase === 'loading' ? 'true' : 'false');
  if (swapped && saved.boardScroll !== undefined) window.scrollTo(0, saved.boardScroll);
  const r = state.record;
  vscode.postMessage({ type: 'rendered', phase: state.phase, events: r?.counts.events ?? 0, sessions: r?.sessions.length ?? 0, trusted: state.trusted });
}

function closeDetail(): void {
  wantedDetail = undefined;
  save({ ...saved, detail: undefined, activity: undefined });
  if (saved.board) render(saved.board);
  save({ ...saved, boardScroll: undefined });
}

function ask(next: SessionQuery): void {
  query = next;
  save({ ...saved, query });
  vscode.postMessage({ type: 'querySessions', query });
}

let typing: ReturnType<typeof setTimeout> | undefined;
/** Typing asks once the keys pause; a new search starts again at the newest sessions. */
function askSoon(next: Omit<SessionQuery, 'limit'>): void {
  // The query changes now, so a second field edited before the post still builds on this one.
  query = { ...next, limit: SESSION_PAGE };
  save({ ...saved, query });
  clearTimeout(typing);
  typing = setTimeout(() => ask(query), 150);
}

/** The one click handler: what to do is read from the clicked element's data attributes at click time. */
function run(el: HTMLElement): void {
  const d = el.dataset;
  switch (d.cmd) {
    case 'action':
      return vscode.postMessage({ type: 'action', action: d.action as BoardAction });
    case 'open-session':
      if (!d.session) return;
      wantedDetail = d.session;
      return vscode.postMessage({ type: 'openSession', id: d.session });
    case 'older':
      return ask({ ...query, limit: (saved.board?.record?.sessions.length ?? query.limit) + SESSION_PAGE_MORE });
    case 'back':
      return closeDetail();
    case 'markdown':
      return d.session ? vscode.postMessage({ type: 'sessionMarkdown', id: d.session }) : undefined;
    case 'copy':
      return d.session ? vscode.postMessage({ type: 'copySessionMarkdown', id: d.session }) : undefined;
    case 'open-file':
    case 'diff-file':
      if (d.session && d.path) vscode.postMessage({ type: d.cmd === 'open-file' ? 'openFile' : 'diffFile', sessionId: d.session, path: d.path });
      return;
    case 'review-action':
      if (d.review && d.action) vscode.postMessage({ type: 'reviewAction', action: d.action as ReviewAction, reviewId: d.review });
      return;
    case 'copy-rollback':
    case 'rollback-ship':
      if (d.ship) vscode.postMessage({ type: d.cmd === 'copy-rollback' ? 'copyRollback' : 'rollbackShip', shipId: d.ship });
      return;
    case 'open-concern':
      if (d.path) vscode.postMessage({ type: 'openConcern', path: d.path, line: d.line ? Number(d.line) : undefined });
      return;
    case 'filter-file':
      if (!d.path) return;
      wantedDetail = undefined;
      save({ ...saved, detail: undefined, activity: undefined, boardScroll: 0 });
      ask({ ...query, file: d.path.slice(0, QUERY_LIMITS.file), limit: SESSION_PAGE });
      return app.replaceChildren();
  }
}

app.addEventListener('click', (e) => {
  const el = (e.target as Element | null)?.closest<HTMLElement>('[data-cmd]');
  if (el && app.contains(el)) run(el);
});
app.addEventListener('keydown', (e) => {
  if (e.key !== 'Enter' && e.key !== ' ') return;
  const el = e.target as HTMLElement;
  // Buttons do this themselves; list items acting as buttons need it.
  if (el.getAttribute('role') === 'button' && el.dataset.cmd) {
    e.preventDefault();
    run(el);
  }
});
app.addEventListener('input', (e) => {
  const el = e.target as HTMLInputElement;
  if (el.id === 'session-search') askSoon({ ...query, text: el.value });
  if (el.id === 'session-file') askSoon({ ...query, file: el.value });
});
app.addEventListener('change', (e) => {
  const el = e.target as HTMLSelectElement;
  if (el.id === 'session-status') ask({ ...query, status: el.value as SessionStatus, limit: SESSION_PAGE });
  if (el.id === 'session-agent') ask({ ...query, agent: el.value, limit: SESSION_PAGE });
});

// A <details> opens and closes itself; the extension is told, so it builds the insights only while they are shown.
app.addEventListener('toggle', (e) => {
  const el = e.target as HTMLDetailsElement;
  if (el.id !== 'insights-details' || el.open === (saved.insightsOpen === true)) return;
  save({ ...saved, insightsOpen: el.open });
  vscode.postMessage({ type: 'insights', open: el.open });
  // Closed, its panels leave the DOM; opened, the last insights show until fresh ones arrive.
  if (saved.board && !wantedDetail) render(saved.board);
}, true);

window.addEventListener('message', (e: MessageEvent<HostToWebview>) => {
  const m = e.data;
  if (m?.type === 'insights') {
    save({ ...saved, insights: m.insights });
    if (saved.board && !wantedDetail) render(saved.board);
    return;
  }
  if (m?.type === 'sessionDetail') {
    if (m.trail.id === wantedDetail) showDetail(m.trail, m.activity);
    return;
  }
  if (m?.type !== 'state') return;
  // While the record reopens, the last one stays on screen (busy) rather than the board emptying mid-typing.
  const state = m.state.phase === 'loading' && !m.state.record && saved.board?.record ? { ...m.state, record: saved.board.record } : m.state;
  save({ ...saved, board: state });
  // An open session stays open; it is asked for again so it shows the new events too.
  if (wantedDetail) vscode.postMessage({ type: 'openSession', id: wantedDetail });
  else render(state);
});

if (saved.detail) showDetail(saved.detail, saved.activity);
else if (saved.board) render(saved.board);
vscode.postMessage({ type: 'ready', query });
if (saved.insightsOpen) vscode.postMessage({ type: 'insights', open: true });
