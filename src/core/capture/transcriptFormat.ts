import type { NewEvent } from '../record/events';
import type { CheckClassifier, TranscriptStats } from './transcript';

/** What every agent's line parser keeps while reading one file: counts, and the sessions it started. */
export interface FormatContext {
  readonly stats: TranscriptStats;
  readonly startedSessions: Set<string>;
  /** The workspace root a working directory belongs to, if any. */
  readonly rootOf: (cwd: string) => string | undefined;
}

/**
 * One agent's session files, as the shared importer reads them: line by line from a byte offset, each line
 * turned into record events with ids made from the agent's own ids (so a re-read adds nothing).
 */
export interface TranscriptFormat {
  /** Names the agent in cursors (`<id>:<file>`), in the worker's job and in the agents list. */
  readonly id: string;
  /** `roots` are the workspace's folders (repository and worktrees), for formats that place a session otherwise than by its folder. */
  context(rootOf: (cwd: string) => string | undefined, classify: CheckClassifier | undefined, file: string, roots?: readonly string[]): FormatContext;
  /** One complete line at byte `offset` of its file; malformed lines are counted in ctx.stats, never thrown. */
  parseLine(line: string, ctx: FormatContext, offset: number): NewEvent[];
  /** Reading resumes mid-file: the file's first line, for formats that say who the session is only there. */
  resume?(firstLine: string, ctx: FormatContext): void;
}
