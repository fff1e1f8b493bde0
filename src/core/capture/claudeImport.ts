import { closeSync, fstatSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { completeEvent, type NewEvent, type RecordEvent } from '../record/events';
import { dataViews, encodeJournalLines, type EncodedLines } from '../record/journal';
import type { RecordStore } from '../record/store';
import type { CheckRule } from './classify';
import { importInWorker } from './importWorkerClient';
import { parseTranscriptLine, TranscriptContext, type CheckClassifier, type TranscriptStats } from './transcript';
import type { FormatContext, TranscriptFormat } from './transcriptFormat';

/** Claude Code's transcripts: the format the importer reads unless told another (see agents.ts). */
export const claudeFormat: TranscriptFormat = {
  id: 'claude',
  context: (rootOf, classify) => new TranscriptContext(rootOf, classify),
  parseLine: (line, ctx) => (ctx instanceof TranscriptContext ? parseTranscriptLine(line, ctx) : []),
};

export interface ImportSummary extends TranscriptStats {
  files: number;
  filesRead: number;
  bytes: number;
  added: number;
  sessions: number;
  /** Whether a worker thread did the parsing (a large import), for diagnostics. */
  parsedInWorker: boolean;
}

export interface ImportOptions {
  projectsDir: string;
  /** Which project folders (by name) are worth opening; all when absent. See projectFolderFilter. */
  folders?: (name: string) => boolean;
  /** The workspace root an entry's cwd belongs to (its folder, subfolders, worktrees), if any. */
  accept: (cwd: string) => string | undefined;
  /** Size and modification time of each file when last read, so unchanged files are skipped (kept by the caller). */
  seen?: Map<string, string>;
  classify?: CheckClassifier;
  /** The workspace's folders, for formats that place sessions otherwise than by folder (older Codex rollouts). */
  roots?: readonly string[];
  /** Whose files these are (Claude Code's unless said). */
  format?: TranscriptFormat;
  /** Called after each chunk, for a progress bar: bytes done of all listed, and what was found so far. */
  onProgress?: (doneBytes: number, totalBytes: number, found: ImportFound) => void;
  /**
   * Parses in a worker thread (dist/import-worker.js) while this thread records, when there is enough to
   * read to pay for starting one. The worker gets the workspace roots and check rules as data.
   */
  worker?: ImportWorkerOptions;
  /** Called after each batch is recorded (between appends): a bulk import archives as it goes (ArchiveAsItGoes). */
  checkpoint?: () => void;
}

/** What an import has got through so far: transcript files finished (of those listed), sessions seen in them. */
export interface ImportFound {
  files: number;
  filesDone: number;
  sessions: number;
}

export interface ImportWorkerOptions {
  script: string;
  roots: string[];
  rules?: CheckRule[];
  /** Unread bytes from which the worker is used (default WORKER_MIN_BYTES). */
  minBytes?: number;
  /** Untaken events from which the worker encodes journal lines too (default IMPORT_ENCODE_FROM). */
  encodeFrom?: number;
}

/** Below this much unread transcript, a worker costs more to start than it saves. */
export const WORKER_MIN_BYTES = 8 << 20;

const CHUNK = 4 << 20;

/**
 * Every transcript under the projects folder (in the project folders `folders` accepts): sessions, and
 * subagents' files beside or below them.
 */
export function listTranscripts(projectsDir: string, folders?: (name: string) => boolean): string[] {
  return listBelow(projectsDir, 4, folders);
}

function listBelow(projectsDir: string, depth: number, folders?: (name: string) => boolean): string[] {
  const out: string[] = [];
  let entries;
  try {
    entries = readdirSync(projectsDir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const entry of entries) {
    const path = join(projectsDir, entry.name);
    if (entry.isDirectory() && depth > 1) {
      if (!folders || folders(entry.name)) out.push(...listBelow(path, depth - 1));
    }
    else if (entry.isFile() && entry.name.endsWith('.jsonl')) out.push(path);
  }
  return out.sort();
}

export function cursorOf(store: RecordStore, source: string): number {
  const row = store.db.exec('SELECT offset FROM capture_cursors WHERE source = ?', [source])[0]?.values[0];
  return row ? Number(row[0]) : 0;
}

/**
 * Imports (and later, re-imports) Claude Code transcripts into the record. Idempotent: events carry
 * ids made from Claude Code's own ids, and a cursor per file (its byte offset) is recorded after each
 * batch, so an import cut off by a crash resumes where it stopped without duplicates.
 */
export async function importTranscripts(store: RecordStore, options: ImportOptions): Promise<ImportSummary> {
  const format = options.format ?? claudeFormat;
  const files = listTranscripts(options.projectsDir, options.folders);
  const summary: ImportSummary = {
    files: files.length, filesRead: 0, bytes: 0, added: 0, sessions: 0, parsedInWorker: false,
    lines: 0, entries: 0, events: 0, malformed: 0, skippedTypes: {}, otherWorkspace: 0,
  };
  const listed = files.map((path) => {
    try {
      const st = statSync(path);
      return { path, size: st.size, signature: `${st.size}:${st.mtimeMs}` };
    } catch {
      return { path, size: 0, signature: '' };
    }
  });
  const total = listed.reduce((n, f) => n + f.size, 0);
  const unread = listed.filter((f) => options.seen?.get(f.path) !== f.signature);
  const sessions = new Set<string>();
  const batch = new ImportBatch(store, summary, undefined, options.checkpoint);
  let done = total - unread.reduce((n, f) => n + f.size, 0); // unchanged files count as done
  let filesDone = files.length - unread.length;
  const found = (): ImportFound => ({ files: files.length, filesDone, sessions: sessions.size });
  options.onProgress?.(done, total, found());
  /** A file read to its end (here or in the worker): its counts, and its signature so a later run skips it. */
  const finished = (f: { path: string; size: number; signature: string }, read: number, stats: TranscriptStats, started: Iterable<string>): void => {
    done += f.size;
    filesDone++;
    if (read > 0) summary.filesRead++;
    summary.bytes += read;
    for (const s of started) sessions.add(s);
    mergeStats(summary, stats);
    options.seen?.set(f.path, f.signature);
  };
  if (options.worker && unread.length && unread.reduce((n, f) => n + f.size, 0) >= (options.worker.minBytes ?? WORKER_MIN_BYTES)) {
    const byPath = new Map(unread.map((f) => [f.path, f]));
    const cursors = cursorsOf(store, format.id);
    try {
      await importInWorker({ ...options.worker, agent: format.id }, unread.map((f) => ({ path: f.path, offset: cursors.get(f.path) ?? 0 })), batch, (r) => {
        const f = byPath.get(r.path);
        if (f) finished(f, r.read, r.stats, r.sessions);
        options.onProgress?.(done, total, found());
      });
      batch.flush();
      summary.sessions = sessions.size;
      summary.parsedInWorker = true;
      return summary;
    } catch {
      // The worker failed (missing script, crash): what it sent is recorded with its cursors; go on here.
      batch.flush();
    }
  }
  for (const f of unread) {
    if (options.seen?.get(f.path) === f.signature) continue; // finished by the worker before it failed
    const ctx = format.context(options.accept, options.classify, f.path, options.roots);
    const read = await readTranscript(f.path, cursorOf(store, `${format.id}:${f.path}`), ctx, (bytes) => options.onProgress?.(done + bytes, total, found()), batch, format);
    finished(f, read, ctx.stats, ctx.startedSessions);
    options.onProgress?.(done, total, found());
  }
  batch.flush();
  summary.sessions = sessions.size;
  return summary;
}

/** Every transcript's cursor of one agent, in one query rather than one per file. */
function cursorsOf(store: RecordStore, agent: string): Map<string, number> {
  const rows = store.db.exec(`SELECT source, offset FROM capture_cursors WHERE source LIKE ?`, [`${agent}:%`])[0]?.values ?? [];
  return new Map(rows.map(([source, offset]) => [String(source).slice(agent.length + 1), Number(offset)]));
}

/**
 * Collects events across files and appends them in large batches (one lock, one fsync each). Each
 * file's cursor rides in the same batch as the events before it, so it is never ahead of them.
 */
export class ImportBatch {
  private events: NewEvent[] = [];
  /** Journal lines and data views of events that came encoded (from the import worker). */
  private journal: Buffer[] = [];
  private data: Uint8Array[] = [];
  /** Some events came as plain objects: the store encodes the whole batch. */
  private plain = false;
  private cursors = 0;

  constructor(
    private readonly store: RecordStore,
    private readonly summary: { added: number },
    private readonly size = 5000,
    private readonly checkpoint?: () => void,
  ) {}

  add(events: NewEvent[]): void {
    for (const e of events) this.events.push(e);
    if (events.length) this.plain = true;
  }

  /** Events completed and encoded already, as encodeJournalLines encodes them. */
  addPrepared(events: readonly RecordEvent[], lines: EncodedLines): void {
    for (const e of events) this.events.push(e);
    for (const view of dataViews(lines)) this.data.push(view);
    this.journal.push(lines.journal);
  }

  cursor(source: string, offset: number): void {
    const e = completeEvent({ id: `cursor:${source}:${offset}`, kind: 'capture.cursor', source: 'capture', data: { source, offset } });
    if (this.plain) this.events.push(e);
    else {
      this.addPrepared([e], encodeJournalLines([e]));
    }
    this.cursors++;
    if (this.events.length >= this.size) this.flush();
  }

  flush(): void {
    if (this.events.length === 0) return;
    if (this.plain) this.store.append(this.events);
    else this.store.append(this.events, { journal: Buffer.concat(this.journal), data: this.data });
    this.summary.added += Math.max(0, this.store.lastAppendAdded - this.cursors); // not counting cursors
    this.events = [];
    this.journal = [];
    this.data = [];
    this.plain = false;
    this.cursors = 0;
    this.checkpoint?.();
  }
}

function mergeStats(into: TranscriptStats, from: TranscriptStats): void {
  into.lines += from.lines;
  into.entries += from.entries;
  into.events += from.events;
  into.malformed += from.malformed;
  into.otherWorkspace += from.otherWorkspace;
  for (const [k, v] of Object.entries(from.skippedTypes)) into.skippedTypes[k] = (into.skippedTypes[k] ?? 0) + v;
}

/** Whether the file's first entry with a cwd is in this workspace (true when none says). */
function belongsHere(fd: number, ctx: FormatContext): boolean {
  const head = Buffer.alloc(65_536);
  const n = readSync(fd, head, 0, head.length, 0);
  const match = /"cwd":("(?:[^"\\]|\\.)*")/.exec(head.toString('utf8', 0, n));
  if (!match?.[1]) return true;
  try {
    return ctx.rootOf(JSON.parse(match[1]) as string) !== undefined;
  } catch {
    return true;
  }
}

/** The file's first line (up to 1 MB: a session's first line carries its instructions). */
function firstLine(fd: number): string {
  const head = Buffer.alloc(1 << 20);
  const n = readSync(fd, head, 0, head.length, 0);
  const nl = head.subarray(0, n).indexOf(10);
  return head.toString('utf8', 0, nl === -1 ? n : nl);
}

/** Where parsed events go: the batch here, or the worker's messages to this thread. */
export interface TranscriptSink {
  add(events: NewEvent[]): void;
  cursor(source: string, offset: number): void | Promise<void>;
}

/** Reads one file from `startOffset` into a sink, a cursor after each chunk; returns the bytes consumed. */
export async function readTranscript(
  file: string,
  startOffset: number,
  ctx: FormatContext,
  progress: (bytes: number) => void,
  sink: TranscriptSink,
  format: TranscriptFormat = claudeFormat,
): Promise<number> {
  const source = `${format.id}:${file}`;
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return 0; // Deleted between listing and reading (Claude Code cleans up old sessions).
  }
  try {
    const size = fstatSync(fd).size;
    let offset = startOffset;
    if (offset > size) offset = 0; // Rewritten shorter: read it again; event ids keep this harmless.
    // Another project's session: its first cwd says so without parsing the whole file.
    if (offset === 0 && !belongsHere(fd, ctx)) {
      ctx.stats.otherWorkspace++;
      return 0;
    }
    if (offset > 0 && format.resume) format.resume(firstLine(fd), ctx);
    const start = offset;
    let carry: Buffer | undefined;
    while (offset + (carry?.length ?? 0) < size) {
      const want = Math.min(CHUNK, size - offset - (carry?.length ?? 0));
      const buf = Buffer.allocUnsafe(want);
      const n = readSync(fd, buf, 0, want, offset + (carry?.length ?? 0));
      if (n === 0) break;
      const data = carry ? Buffer.concat([carry, buf.subarray(0, n)]) : buf.subarray(0, n);
      let lineStart = 0;
      for (let nl = data.indexOf(10); nl !== -1; nl = data.indexOf(10, lineStart)) {
        if (nl > lineStart) sink.add(format.parseLine(data.toString('utf8', lineStart, nl), ctx, offset + lineStart)); // data starts at `offset`
        lineStart = nl + 1;
      }
      offset += lineStart;
      carry = lineStart < data.length ? Buffer.from(data.subarray(lineStart)) : undefined;
      if (offset > start) await sink.cursor(source, offset);
      progress(offset - start);
      // Let the host breathe between chunks: an editor stays responsive during a large first import.
      await new Promise((resolve) => setImmediate(resolve));
    }
    // An unterminated last line (Claude Code still writing it, or a crash) waits for the next import.
    return offset - start;
  } finally {
    closeSync(fd);
  }
}
