import { AGENT_LABELS, BOARD_ACTIONS, BOARD_SECTIONS, type BoardSection, type BoardSections, QUERY_LIMITS, REVIEW_ACTIONS, SESSION_STATUSES, type BoardAction, type ReviewAction, type BoardState, type SessionQuery, type SessionStatus, type WebviewToHost } from './protocol';

// The webview is the least trusted party: what it sends is checked against the protocol before anything acts on it.

/** A session query from the webview, bounded: short strings, a known status, a page of at most 10,000. */
export function parseQuery(q: unknown): SessionQuery | undefined {
  if (typeof q !== 'object' || q === null) return undefined;
  const { text, status, file, limit, agent = '' } = q as Record<string, unknown>;
  if (agent !== '' && !(typeof agent === 'string' && Object.hasOwn(AGENT_LABELS, agent))) return undefined;
  if (typeof text !== 'string' || typeof file !== 'string' || text.length > QUERY_LIMITS.text || file.length > QUERY_LIMITS.file) return undefined;
  if (!SESSION_STATUSES.includes(status as SessionStatus) || !Number.isInteger(limit) || (limit as number) < 1) return undefined;
  return { text, status: status as SessionStatus, file, agent: agent as string, limit: Math.min(limit as number, QUERY_LIMITS.sessions) };
}

/** Which sections are open or folded: known sections, true or false, nothing else. */
export function parseSections(v: unknown): BoardSections | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
  const out: BoardSections = {};
  for (const [k, open] of Object.entries(v)) {
    if (!BOARD_SECTIONS.includes(k as BoardSection) || typeof open !== 'boolean') return undefined;
    out[k as BoardSection] = open;
  }
  return out;
}

/** Checks a message from the webview: only the typed messages are accepted. */
export function parseWebviewMessage(m: unknown): WebviewToHost | undefined {
  if (typeof m !== 'object' || m === null) return undefined;
  const msg = m as Record<string, unknown>;
  if (msg.type === 'ready') return { type: 'ready', query: parseQuery(msg.query) };
  if (msg.type === 'action' && BOARD_ACTIONS.includes(msg.action as BoardAction)) {
    return { type: 'action', action: msg.action as BoardAction };
  }
  if (msg.type === 'querySessions') {
    const query = parseQuery(msg.query);
    return query && { type: 'querySessions', query };
  }
  const id = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length < 300;
  if ((msg.type === 'openSession' || msg.type === 'sessionMarkdown' || msg.type === 'copySessionMarkdown') && id(msg.id)) {
    return { type: msg.type, id: msg.id };
  }
  if ((msg.type === 'openFile' || msg.type === 'diffFile') && id(msg.sessionId) && typeof msg.path === 'string' && msg.path.length < 4096) {
    return { type: msg.type, sessionId: msg.sessionId, path: msg.path };
  }
  if (msg.type === 'reviewAction' && REVIEW_ACTIONS.includes(msg.action as ReviewAction) && id(msg.reviewId)) {
    return { type: 'reviewAction', action: msg.action as ReviewAction, reviewId: msg.reviewId };
  }
  if ((msg.type === 'copyRollback' || msg.type === 'rollbackShip') && id(msg.shipId)) {
    return { type: msg.type, shipId: msg.shipId };
  }
  if (msg.type === 'openConcern' && typeof msg.path === 'string' && msg.path.length > 0 && msg.path.length < 4096) {
    const line = Number.isInteger(msg.line) && (msg.line as number) >= 1 ? (msg.line as number) : undefined;
    return { type: 'openConcern', path: msg.path, line };
  }
  if (msg.type === 'sections') {
    const sections = parseSections(msg.sections);
    return sections && { type: 'sections', sections };
  }
  if (msg.type === 'fileHistory' && typeof msg.file === 'string' && msg.file.length <= QUERY_LIMITS.file && Number.isInteger(msg.limit) && (msg.limit as number) >= 1) {
    return { type: 'fileHistory', file: msg.file, limit: Math.min(msg.limit as number, QUERY_LIMITS.history) };
  }
  if (msg.type === 'insights' && typeof msg.open === 'boolean') return { type: 'insights', open: msg.open };
  if (msg.type === 'rendered' && typeof msg.events === 'number' && typeof msg.sessions === 'number' && typeof msg.phase === 'string' && typeof msg.trusted === 'boolean') {
    return { type: 'rendered', phase: msg.phase as BoardState['phase'], events: msg.events, sessions: msg.sessions, trusted: msg.trusted };
  }
  return undefined;
}
