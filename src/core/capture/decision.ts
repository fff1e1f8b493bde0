// A decision as a record event: why the code is shaped the way it is, the files it is about, the session it was made in.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { NewEvent } from '../record/events';
import { JOURNAL_FILE } from '../record/journal';
import { redactText } from './redact';

export class DecisionError extends Error {}

/** How long after its last event a session still counts as the current one. */
export const ACTIVE_SESSION_MS = 30 * 60_000;
/** The decision text is a sentence or a paragraph, not a document. */
export const MAX_DECISION_CHARS = 2_000;

/**
 * A path as the record keeps a decision's files: relative to the repository, `/`-separated. A path outside the
 * repository is refused: its history could never be found from this repository's files.
 */
export function repoRelative(repoRoot: string, path: string, cwd = repoRoot): string {
  const abs = isAbsolute(path) ? path : resolve(cwd, path);
  const rel = relative(repoRoot, abs);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) throw new DecisionError(`${path} is not a file inside ${repoRoot}`);
  return rel.split(sep).join('/');
}

export interface DecisionInput {
  text: string;
  /** Repository-relative (see repoRelative). */
  files: readonly string[];
  session?: string;
  by?: string;
  source: string;
}

/** The `decision.recorded` event, its text redacted before it is stored. */
export function decisionEvent(input: DecisionInput): NewEvent {
  const text = input.text.trim().replace(/\s+\n/g, '\n');
  if (!text) throw new DecisionError('a decision needs its text: what was decided, and why');
  if (text.length > MAX_DECISION_CHARS) throw new DecisionError(`a decision is at most ${MAX_DECISION_CHARS} characters (this one has ${text.length}); record the gist and link the files`);
  const files = [...new Set(input.files)].sort();
  const e: NewEvent = { kind: 'decision.recorded', source: input.source, data: { text: redactText(text), files } };
  if (input.by) e.data.by = input.by;
  if (input.session) e.session = input.session;
  return e;
}

/**
 * The session an agent is working in, read from the journal's tail without the database: the newest event of an
 * agent's session within `windowMs`. `flightdeck decide`, run by the agent itself, belongs to its session.
 */
export function activeSessionFromJournal(dir: string, now = Date.now(), windowMs = ACTIVE_SESSION_MS, tailBytes = 256 << 10): string | undefined {
  let fd: number;
  try {
    fd = openSync(join(dir, JOURNAL_FILE), 'r');
  } catch {
    return undefined;
  }
  try {
    const size = fstatSync(fd).size;
    const start = Math.max(0, size - tailBytes);
    const buf = Buffer.alloc(size - start);
    const n = readSync(fd, buf, 0, buf.length, start);
    const lines = buf.toString('utf8', 0, n).split('\n');
    // The first line may be cut in half by the tail's start: it is skipped when it does not parse.
    for (let i = lines.length - 1; i >= 0; i--) {
      const line = lines[i] as string;
      if (!line.includes('"session"')) continue;
      let e: { at?: unknown; session?: unknown; author?: unknown };
      try {
        e = JSON.parse(line) as typeof e;
      } catch {
        continue;
      }
      if (e.author !== undefined) continue; // a teammate's session, imported by team sync: never where our decisions go
      if (typeof e.at !== 'number' || now - e.at > windowMs) return undefined;
      if (typeof e.session === 'string' && e.session !== 'unknown') return e.session;
    }
    return undefined;
  } finally {
    closeSync(fd);
  }
}
