import { BOARD_SECTIONS, DEFAULT_QUERY, HISTORY_PAGE, HISTORY_PAGE_MORE, QUERY_LIMITS, SESSION_PAGE, SESSION_PAGE_MORE } from '../src/protocol';
import type { BoardAction, BoardFileHistory, BoardInsights, BoardSection, BoardSections, BoardState, ReviewAction, HostToWebview, SessionActivity, SessionQuery, SessionStatus, WebviewToHost } from '../src/protocol';
import type { FlightTrail } from '../src/core/report/flightTrail';
import { renderBoard, sectionFacts } from './board';
import { sectionExpanded } from './sectionState';
import { morph } from './morph';
import { renderSessionDetail } from './sessionDetail';

/** What survives the view being hidden: the last board state, the open session, the query, where the list was scrolled. */
interface SavedState {
  board?: BoardState;
  detail?: FlightTrail;
  activity?: SessionActivity;
  query?: SessionQuery;
  boardScroll?: number;
  /** Sections the user opened (true) or folded (false); the extension keeps them for the workspace and sends them on ready. */
  sections?: BoardSections;
  /** Before sections: the Insights section was open. */
  insightsOpen?: boolean;
  /** The last insights the extension sent. */
  insights?: BoardInsights;
  /** The last history the file filter got, and how many of its entries were asked for. */
  history?: BoardFileHistory;
  historyLimit?: number;
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
if (saved.insightsOpen !== undefined && saved.sections?.insights === undefined) saved = { ...saved, sections: { ...saved.sections, insights: saved.insightsOpen } };
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

/** Reviews were open by default in this view once: they do not fold by themselves when the last one closes. */
let reviewsWereOpen = false;

/** Whether a section shows, as the user left it or by its default for this state. */
function expanded(id: BoardSection, state: BoardState | undefined = saved.board): boolean {
  return state ? sectionExpanded(id, saved.sections, sectionFacts(state, saved.insights, reviewsWereOpen)) : saved.sections?.[id] === true;
}

/** The extension builds the insights only while their section shows: it is told each time that changes. */
let insightsAsked = false;
function followInsights(): void {
  const open = expanded('insights');
  if (open === insightsAsked) return;
  insightsAsked = open;
  vscode.postMessage({ type: 'insights', open });
}

function render(state: BoardState): void {
  reviewsWereOpen ||= expanded('reviews', state);
  const swapped = show(renderBoard(state, query, { insights: saved.insights, sections: saved.sections, history: saved.history, reviewsWereOpen }));
  followInsights();
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

/** Asks for the history of the file the filter names (an empty filter stops it), the first page of it. */
function askHistory(limit = HISTORY_PAGE): void {
  const file = query.file;
  save({ ...saved, historyLimit: limit, ...(file.trim() ? {} : { history: undefined }) });
  vscode.postMessage({ type: 'fileHistory', file: file.trim() ? file : '', limit });
}

function ask(next: SessionQuery): void {
  const fileChanged = next.file !== query.file;
  query = next;
  save({ ...saved, query });
  vscode.postMessage({ type: 'querySessions', query });
  if (fileChanged) askHistory();
}

/** Sets the file filter from outside the toolbar (a picked file, Show on board): the kept toolbar is built anew to show it. */
function filterByFile(path: string): void {
  wantedDetail = undefined;
  save({ ...saved, detail: undefined, activity: undefined, boardScroll: 0 });
  ask({ ...query, file: path.slice(0, QUERY_LIMITS.file), limit: SESSION_PAGE });
  app.replaceChildren();
  if (saved.board) render(saved.board);
}

/** Sections opened or folded in this webview: what the extension sends at ready (sent late after a reload) keeps them. */
const toggled: BoardSections = {};

/** Opens or folds a section; remembered for this workspace. */
function toggleSection(id: BoardSection): void {
  toggled[id] = !expanded(id);
  save({ ...saved, sections: { ...saved.sections, [id]: toggled[id] } });
  vscode.postMessage({ type: 'sections', sections: saved.sections ?? {} });
  if (saved.board && !wantedDetail) render(saved.board);
  (document.getElementById(`${id}-fold`) as HTMLElement | null)?.focus();
}

/** Show in Reviews: the section opened, the review scrolled to and focused. */
function showReview(id: string): void {
  if (!expanded('reviews')) toggleSection('reviews');
  const item = app.querySelector<HTMLElement>(`[data-key="review:${CSS.escape(id)}"]`);
  if (!item) return;
  item.setAttribute('tabindex', '-1');
  item.scrollIntoView({ block: 'start' });
  item.focus();
}

let typing: ReturnType<typeof setTimeout> | undefined;
/** Typing asks once the keys pause; a new search starts again at the newest sessions. */
function askSoon(next: Omit<SessionQuery, 'limit'>): void {
  // The query changes now, so a second field edited before the post still builds on this one.
  query = { ...next, limit: SESSION_PAGE };
  save({ ...saved, query });
  clearTimeout(typing);
  typing = setTimeout(() => {
    vscode.postMessage({ type: 'querySessions', query });
    if (query.file !== (saved.history?.filter ?? '')) askHistory();
  }, 150);
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
      return d.path ? filterByFile(d.path) : undefined;
    case 'older-history':
      return askHistory((saved.history?.entries.length ?? saved.historyLimit ?? HISTORY_PAGE) + HISTORY_PAGE_MORE);
    case 'toggle-section':
      if (BOARD_SECTIONS.includes(d.section as BoardSection)) toggleSection(d.section as BoardSection);
      return;
    case 'show-review':
      return d.review ? showReview(d.review) : undefined;
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


window.addEventListener('message', (e: MessageEvent<HostToWebview>) => {
  const m = e.data;
  if (m?.type === 'insights') {
    save({ ...saved, insights: m.insights });
    if (saved.board && !wantedDetail) render(saved.board);
    return;
  }
  if (m?.type === 'fileHistory') {
    // Only the answer to the filter as it stands now: a late one for an earlier filter is dropped.
    if (m.history.filter !== query.file) return;
    save({ ...saved, history: m.history });
    if (saved.board && !wantedDetail) render(saved.board);
    return;
  }
  if (m?.type === 'setFileFilter') return filterByFile(m.file);
  if (m?.type === 'sections') {
    save({ ...saved, sections: { ...m.sections, ...toggled } });
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
followInsights();
if (query.file.trim()) askHistory(saved.historyLimit ?? HISTORY_PAGE);
