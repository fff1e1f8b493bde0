// When a review opens by itself: the user's choice of engines for automatic reviews, and the record's signals.
import type { Database } from 'sql.js';

/** `flightdeck.review.automatic`: an automatic Anthropic call is opt-in (it costs money and sends the diff out). */
export const AUTOMATIC_REVIEW = ['off', 'rules', 'rules+anthropic'] as const;
export type AutomaticReview = (typeof AUTOMATIC_REVIEW)[number];

export function parseAutomatic(value: unknown): AutomaticReview {
  return AUTOMATIC_REVIEW.includes(value as AutomaticReview) ? (value as AutomaticReview) : 'rules';
}

/** Which engines an automatic review runs: none when off; Anthropic only when opted in and a key is at hand. */
export function automaticEngines(setting: AutomaticReview, hasKey: boolean): 'rules' | 'rules+anthropic' | undefined {
  if (setting === 'off') return undefined;
  return setting === 'rules+anthropic' && hasKey ? 'rules+anthropic' : 'rules';
}

/** The record's newest event sequence number: where to start looking for new signals. */
export function lastSeq(db: Database): number {
  return Number(db.exec('SELECT coalesce(max(seq), 0) FROM events')[0]?.values[0]?.[0] ?? 0);
}

/** Whether an agent's turn ended (a Claude Code or Codex Stop hook landed in the record) after `seq`; only the new rows are read. */
export function agentStoppedSince(db: Database, seq: number): boolean {
  const found = db.exec(
    `SELECT 1 FROM events WHERE seq > ? AND source IN ('claude-hook', 'codex-hook') AND kind = 'hook.received' AND json_extract(data, '$.hook') = 'Stop' AND author IS NULL LIMIT 1`,
    [seq],
  );
  return found.length > 0;
}
