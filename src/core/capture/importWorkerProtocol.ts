import type { RecordEvent } from '../record/events';
import type { CheckRule } from './classify';
import type { TranscriptStats } from './transcript';

// Messages between importTranscripts and the import worker (dist/import-worker.js).

export interface ImportJob {
  /** Whose files (a format id of agents.ts); Claude Code's when absent. */
  agent?: string;
  files: { path: string; offset: number }[];
  roots: string[];
  rules: CheckRule[];
  /** Untaken events from which the worker encodes (IMPORT_ENCODE_FROM unless a test says otherwise). */
  encodeFrom: number;
}

export type FromImportWorker =
  /**
   * One chunk of one file: its events, complete, then the cursor that follows them. While the recording
   * thread is behind, the worker also encodes them: their journal lines in bytes (`encoded.journal`) and
   * where each one's data JSON lies in them (start, end pairs).
   */
  | { type: 'batch'; events: RecordEvent[]; encoded?: { journal: Uint8Array; spans: number[] }; source: string; offset: number }
  | { type: 'file'; path: string; read: number; stats: TranscriptStats; sessions: string[] }
  | { type: 'done' };

/** Sent for each batch once it is taken: the worker stops reading while too many events are unrecorded. */
export type ToImportWorker = { type: 'ack'; events: number };

/**
 * Untaken events from which the recording thread counts as behind, so the worker encodes for it; below
 * that the recording thread has time to spare and encodes itself (measured: 4-10% faster than either alone).
 */
export const IMPORT_ENCODE_FROM = 5_000;

/**
 * Events the worker may have sent that this thread has not taken yet. Several of this thread's appends
 * (5,000 events each) fit in it, so the worker keeps parsing while an append runs; it also bounds memory.
 */
export const IMPORT_EVENTS_IN_FLIGHT = 20_000;
