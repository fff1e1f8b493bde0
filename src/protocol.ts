// Every message between the extension and the board webview, in both directions.
// Both sides import it; the webview with `import type` only, the extension also for BOARD_ACTIONS.

export interface BoardCounts {
  events: number;
  sessions: number;
  checks: number;
  pendingReviews: number;
  overrides: number;
  ships: number;
  notes: number;
}

export interface BoardEvent {
  id: string;
  kind: string;
  at: number;
  summary: string;
}

import type { FlightTrail } from './core/report/flightTrail';

/** Events of one session in equal time buckets, failures marked. */
export interface SessionActivity {
  start: number;
  end: number;
  counts: number[];
  failures: number[];
}

export interface BoardSession {
  id: string;
  agent: string;
  intent: string;
  branch: string;
  startedAt?: number;
  commands: number;
  filesChanged: number;
  failedChecks: number;
  passedChecks: number;
  rejections: number;
  /** Connected hooks stopped reporting while the transcript shows the agent still working. */
  hooksSilent: boolean;
}

export interface BoardRecord {
  dir: string;
  exists: boolean;
  schemaVersion: number;
  counts: BoardCounts;
  journalBytes: number;
  journalGeneration: number;
  eventsSinceSnapshot: number;
  lastSnapshotAt?: number;
  /** What opening the record found that the user must know: damage, files set aside. */
  notices: string[];
  recent: BoardEvent[];
  /** Newest first, as many as the board asked for. */
  sessions: BoardSession[];
  /** Older sessions exist beyond these. */
  moreSessions: boolean;
}

export interface BoardState {
  /** The board is read-only in an untrusted workspace. */
  trusted: boolean;
  phase: 'loading' | 'ready' | 'no-workspace' | 'error';
  error?: string;
  record?: BoardRecord;
}

/** Actions the board may ask for; the extension checks each against this list. */
export const BOARD_ACTIONS = ['recordNote', 'verifyRecord', 'revealRecord', 'refresh', 'connectClaude', 'importClaude'] as const;
export type BoardAction = (typeof BOARD_ACTIONS)[number];

export type WebviewToHost =
  | { type: 'ready' }
  | { type: 'action'; action: BoardAction }
  | { type: 'openSession'; id: string }
  /** Pages to older sessions: the board then shows this many. */
  | { type: 'showSessions'; limit: number }
  | { type: 'sessionMarkdown'; id: string }
  | { type: 'copySessionMarkdown'; id: string }
  | { type: 'openFile'; sessionId: string; path: string }
  | { type: 'diffFile'; sessionId: string; path: string }
  /** Sent after each render: what the board now shows, so tests and logs can see it. */
  | { type: 'rendered'; phase: BoardState['phase']; events: number; sessions: number; trusted: boolean };

export type HostToWebview =
  | { type: 'state'; state: BoardState }
  /** The reply to openSession: one session's whole flight record. */
  | { type: 'sessionDetail'; trail: FlightTrail; activity: SessionActivity };
