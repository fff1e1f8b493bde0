import type { RecordEvent } from '../record/events';
import type { CheckRule } from './classify';
import type { TranscriptStats } from './transcript';

// Messages between importTranscripts and the import worker (dist/import-worker.js).

export interface ImportJob {
  files: { path: string; offset: number }[];
  roots: string[];
  rules: CheckRule[];
}

export type FromImportWorker =
  /**
   * One chunk of one file: its events, complete, with their journal lines in bytes and where each one's
   * data JSON lies in them (start, end pairs); then the cursor that follows them.
   */
  | { type: 'batch'; events: RecordEvent[]; journal: Uint8Array; spans: number[]; source: string; offset: number }
  | { type: 'file'; path: string; read: number; stats: TranscriptStats; sessions: string[] }
  | { type: 'done' };

/** Sent for each batch once it is taken: the worker stops reading while too many events are unrecorded. */
export type ToImportWorker = { type: 'ack'; events: number };

/**
 * Events the worker may have sent that this thread has not taken yet. Several of this thread's appends
 * (5,000 events each) fit in it, so the worker keeps parsing while an append runs; it also bounds memory.
 */
export const IMPORT_EVENTS_IN_FLIGHT = 20_000;
