// The journal after a position (generation, byte offset), for readers that keep a small state file beside the
// record (gates.json, sessions.json) and apply what the journal holds after it: no database, no sql.js.
// Kept free of heavy imports: the Claude Code hook reads a tail on every tool call.
import { closeSync, existsSync, fstatSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { JOURNAL_FILE, PREVIOUS_JOURNAL_FILE } from './journal';

/** Longer tails than this are not read: the caller's state is unknown until a store rewrites its file. */
export const MAX_TAIL_BYTES = 64 << 20;

export interface JournalTailRead<T> {
  /** What `pick` took from the tail's whole lines, in journal order. */
  items: T[];
  gen: number;
  /** Just after the last whole line read. */
  offset: number;
  bytes: number;
}

interface JournalHead {
  gen: number;
  fromOffset?: number;
  /** Bytes of the header line, with its newline. */
  length: number;
}

/** A journal file's bytes from `start` to `end` (or its end), and its header: generation and where it was cut from. */
function readJournalFile(path: string, start: number | ((header: JournalHead) => number | string), end?: number, maxBytes = MAX_TAIL_BYTES): { header: JournalHead; body: Buffer; start: number } | string {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'ENOENT' : `cannot read the journal: ${(e as Error).message}`;
  }
  try {
    const size = fstatSync(fd).size;
    const head = Buffer.alloc(Math.min(size, 512));
    readSync(fd, head, 0, head.length, 0);
    const header = parseHead(head);
    const from = typeof start === 'number' ? start : start(header);
    if (typeof from === 'string') return from;
    const to = Math.min(end ?? size, size);
    if (from > to) return 'the state file is ahead of the journal';
    if (to - from > maxBytes) return `${Math.round((to - from) / (1 << 20))} MB of journal follow the state file`;
    const body = Buffer.alloc(to - from);
    let got = 0;
    while (got < body.length) {
      const n = readSync(fd, body, got, body.length - got, from + got);
      if (n === 0) break;
      got += n;
    }
    return { header, body: body.subarray(0, got), start: from };
  } finally {
    closeSync(fd);
  }
}

function parseHead(head: Buffer): JournalHead {
  const nl = head.indexOf(10);
  if (nl <= 0 || !head.subarray(0, 24).toString('utf8').startsWith('{"flightdeck":"journal"')) return { gen: 0, length: 0 };
  try {
    const h = JSON.parse(head.subarray(0, nl).toString('utf8')) as { gen?: unknown; fromOffset?: unknown };
    return { gen: typeof h.gen === 'number' ? h.gen : 0, fromOffset: typeof h.fromOffset === 'number' ? h.fromOffset : undefined, length: nl + 1 };
  } catch {
    return { gen: 0, length: 0 };
  }
}

/**
 * What `pick` takes from the journal after (gen, offset), or why it cannot be read. After one rotation the current
 * journal holds the old generation's bytes from its cut on (after its header line), and journal.prev.jsonl the old
 * generation whole: what lies between our position and the cut is read there. Rotated further is not followable.
 * `pick` gets whole lines only: an unterminated last line is another writer's, still being written.
 */
export function readJournalTail<T>(dir: string, gen: number, offset: number, pick: (body: Buffer) => T[], maxBytes = MAX_TAIL_BYTES): JournalTailRead<T> | string {
  const items: T[] = [];
  let bytes = 0;
  const current = readJournalFile(join(dir, JOURNAL_FILE), (h) => {
    if (h.gen === gen) return offset;
    if (h.gen === gen + 1 && h.fromOffset === undefined && gen === 0 && offset === 0) return 0; // a record's first journal
    if (h.gen === gen + 1 && h.fromOffset !== undefined) {
      if (h.fromOffset <= offset) return h.length + (offset - h.fromOffset);
      const prev = readJournalFile(join(dir, PREVIOUS_JOURNAL_FILE), offset, h.fromOffset, maxBytes);
      if (typeof prev === 'string' || prev.header.gen !== gen) return `the journal moved on (generation ${h.gen}) and the previous one is gone`;
      items.push(...pick(prev.body));
      bytes += prev.body.length;
      return h.length;
    }
    return `the journal moved on (generation ${h.gen}) past the state file (generation ${gen})`;
  }, undefined, maxBytes);
  if (current === 'ENOENT') return gen === 0 && offset === 0 ? { items: [], gen, offset, bytes: 0 } : 'the journal is missing';
  if (typeof current === 'string') return current;
  const end = current.body.lastIndexOf(10) + 1;
  items.push(...pick(current.body.subarray(0, end)));
  return { items, gen: current.header.gen, offset: current.start + end, bytes: bytes + end };
}

/** Whether the record has history outside its journal (a snapshot: snapshot.ts's file names, not imported: it loads zlib). */
export function hasSnapshot(dir: string): boolean {
  return ['record.sqlite', 'record.prev.sqlite', 'record.sqlite.swap'].some((f) => existsSync(join(dir, f)));
}
