import { closeSync, copyFileSync, existsSync, fstatSync, mkdirSync, openSync, readdirSync, readSync } from 'node:fs';
import { join } from 'node:path';
import type { Database } from 'sql.js';
import { isRecordEvent, type RecordEvent } from './events';

/**
 * Where event payloads live once the database keeps only what it queries: every journal generation is kept
 * as a segment (`journal-<gen>.jsonl`, a hard link made at rotation, so nothing is written twice), and
 * payloads moved out of an older database sit in `moved-<k>.jsonl`. Segments are immutable once named.
 */
export const SEGMENTS_DIR = 'segments';

/** An event's full journal line: which segment (a journal generation, or -k for moved-k), where, how long. */
export interface PayloadLocation {
  seg: number;
  off: number;
  len: number;
}

export const journalSegmentName = (gen: number): string => `journal-${gen}.jsonl`;
export const movedSegmentName = (k: number): string => `moved-${k}.jsonl`;

/** The highest journal generation kept as a segment (0 when none): a new journal must start above it. */
export function highestSegmentGen(dir: string): number {
  let max = 0;
  try {
    for (const f of readdirSync(join(dir, SEGMENTS_DIR))) {
      const m = /^journal-(\d+)\.jsonl$/.exec(f);
      if (m) max = Math.max(max, Number(m[1]));
    }
  } catch {
    /* no segments yet */
  }
  return max;
}

/** The next free number for a moved-payload segment. */
export function nextMovedSegment(dir: string): number {
  let max = 0;
  try {
    for (const f of readdirSync(join(dir, SEGMENTS_DIR))) {
      const m = /^moved-(\d+)\.jsonl$/.exec(f);
      if (m) max = Math.max(max, Number(m[1]));
    }
  } catch {
    /* none yet */
  }
  return max + 1;
}

/**
 * Kinds written in bulk by capture (every tool call, result, usage line, hook): the database keeps only the fields
 * its queries read (SLIM_FIELDS) and where the full line is. Every other kind is rare and keeps its data whole.
 */
const SLIM_FIELDS: Record<string, readonly string[]> = {
  'usage.recorded': [],
  'tool.called': [],
  'tool.result': ['outcome'],
  'command.ran': ['outcome'],
  'hook.received': ['hook'],
  'prompt.submitted': [],
  'file.changed': [],
  // Names every event it archived: the ids stay in the segment, read by the deriver as it applies.
  'archive.recorded': ['file', 'events'],
};

/** Whether events of this kind keep only a summary in the database, their payload in a segment. */
export const isSlimKind = (kind: string): boolean => SLIM_FIELDS[kind] !== undefined;

/** The summary the database keeps of a slim kind's data: the fields its queries read, short ones only. */
export function slimData(kind: string, data: Record<string, unknown>): string {
  const fields = SLIM_FIELDS[kind] ?? [];
  let out = '';
  for (const f of fields) {
    const v = data[f];
    if (v === undefined || (typeof v === 'string' && v.length > 64) || (typeof v === 'object' && v !== null)) continue;
    out += `${out ? ',' : ''}${JSON.stringify(f)}:${JSON.stringify(v)}`;
  }
  return `{${out}}`;
}

/** A segment that could not give back a payload: set aside (a copy in damaged/) and reported; its other lines still serve. */
export interface SegmentDamage {
  file: string;
  reason: string;
  /** Where the copy was set aside, when it could be. */
  keptAt?: string;
}

/** Set on a payload that could not be read back: what the database held is shown instead. */
export const UNREADABLE_PAYLOAD = 'payloadUnreadable';

/**
 * Reads full payloads back by offset. Each read checks that the line is the event asked for (its id), so a
 * damaged or replaced file never passes off another event's data.
 */
export class PayloadReader {
  readonly damaged: SegmentDamage[] = [];
  private readonly reported = new Set<string>();

  constructor(
    readonly dir: string,
    private readonly readOnly = false,
  ) {}

  /** Each wanted event's full data, or undefined where its segment could not give it back. */
  readMany(wanted: readonly { id: string; loc: PayloadLocation }[]): (Record<string, unknown> | undefined)[] {
    const out: (Record<string, unknown> | undefined)[] = new Array(wanted.length).fill(undefined);
    const bySeg = new Map<number, number[]>();
    wanted.forEach((w, i) => {
      let list = bySeg.get(w.loc.seg);
      if (!list) bySeg.set(w.loc.seg, (list = []));
      list.push(i);
    });
    for (const [seg, indexes] of bySeg) {
      const opened = this.open(seg);
      if (!opened) {
        this.damage(join(this.dir, SEGMENTS_DIR, seg > 0 ? journalSegmentName(seg) : movedSegmentName(-seg)), 'missing');
        continue;
      }
      try {
        const size = fstatSync(opened.fd).size;
        for (const i of indexes) {
          const w = wanted[i] as { id: string; loc: PayloadLocation };
          const e = w.loc.off + w.loc.len <= size ? readLine(opened.fd, w.loc) : undefined;
          if (e && e.id === w.id) out[i] = e.data;
          else this.damage(opened.path, e ? `offset ${w.loc.off} holds another event` : `offset ${w.loc.off} is not the event's line`);
        }
      } finally {
        closeSync(opened.fd);
      }
    }
    return out;
  }

  /** The file holding a segment: its own name, or the journal (current or previous) while that generation is live. */
  private open(seg: number): { fd: number; path: string } | undefined {
    const own = join(this.dir, SEGMENTS_DIR, seg > 0 ? journalSegmentName(seg) : movedSegmentName(-seg));
    const candidates = seg > 0 ? [own, join(this.dir, 'journal.jsonl'), join(this.dir, 'journal.prev.jsonl'), own] : [own];
    for (const path of candidates) {
      let fd: number;
      try {
        fd = openSync(path, 'r');
      } catch {
        continue;
      }
      if (path === own || journalGenOf(fd) === seg) return { fd, path };
      closeSync(fd);
    }
    return undefined;
  }

  private damage(file: string, reason: string): void {
    if (this.reported.has(file)) return;
    this.reported.add(file);
    const d: SegmentDamage = { file, reason };
    if (!this.readOnly && existsSync(file)) {
      try {
        const aside = join(this.dir, 'damaged');
        mkdirSync(aside, { recursive: true });
        const keptAt = join(aside, `${Date.now()}-${file.split('/').pop() ?? 'segment'}`);
        copyFileSync(file, keptAt);
        d.keptAt = keptAt;
      } catch {
        /* a copy is a courtesy: the file itself stays where it is */
      }
    }
    this.damaged.push(d);
  }
}

function journalGenOf(fd: number): number {
  const buf = Buffer.alloc(128);
  const n = readSync(fd, buf, 0, buf.length, 0);
  const m = /^\{"flightdeck":"journal","gen":(\d+)/.exec(buf.toString('utf8', 0, n));
  return m ? Number(m[1]) : 0;
}

function readLine(fd: number, loc: PayloadLocation): RecordEvent | undefined {
  const buf = Buffer.allocUnsafe(loc.len);
  let got = 0;
  while (got < loc.len) {
    const n = readSync(fd, buf, got, loc.len - got, loc.off + got);
    if (n === 0) return undefined;
    got += n;
  }
  try {
    const v: unknown = JSON.parse(buf.toString('utf8'));
    return isRecordEvent(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

/** The payload reader of each open record's database, so whoever holds the database reads full events. */
const readers = new WeakMap<Database, PayloadReader>();

export function registerPayloads(db: Database, reader: PayloadReader): void {
  readers.set(db, reader);
}

export function payloadsOf(db: Database): PayloadReader | undefined {
  return readers.get(db);
}
