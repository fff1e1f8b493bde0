import { closeSync, copyFileSync, existsSync, fstatSync, mkdirSync, openSync, readdirSync, readSync } from 'node:fs';
import { join } from 'node:path';
import type { Database } from 'sql.js';
import { isRecordEvent, type RecordEvent } from './events';
import { PackedFile, packedSegmentName, readExactly, type PackKey } from './packedSegment';

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

export interface SegmentFile {
  name: string;
  /** journal-N.jsonl, moved-N.jsonl, packed-N.seg, or packed-N.seg.writing-PID (N here: the writer's pid). */
  kind: 'journal' | 'moved' | 'packed' | 'writing';
  n: number;
}

const SEGMENT_FILE = /^(?:journal-(\d+)\.jsonl|moved-(\d+)\.jsonl|packed-(\d+)\.seg|packed-\d+\.seg\.writing-(\d+))$/;

/** The segment files in the record at `dir` (none when it has no segments folder yet); other files are left out. */
export function listSegmentFiles(dir: string): SegmentFile[] {
  let names: string[];
  try {
    names = readdirSync(join(dir, SEGMENTS_DIR));
  } catch {
    return [];
  }
  const out: SegmentFile[] = [];
  for (const name of names) {
    const m = SEGMENT_FILE.exec(name);
    if (!m) continue;
    const [kind, n] = m[1] !== undefined ? (['journal', m[1]] as const) : m[2] !== undefined ? (['moved', m[2]] as const) : m[3] !== undefined ? (['packed', m[3]] as const) : (['writing', m[4] as string] as const);
    out.push({ name, kind, n: Number(n) });
  }
  return out;
}

/** The highest journal generation kept as a segment (0 when none): a new journal must start above it. */
export function highestSegmentGen(dir: string): number {
  return listSegmentFiles(dir).reduce((max, f) => (f.kind === 'journal' ? Math.max(max, f.n) : max), 0);
}

/** The next free number for a segment the record writes itself (moved payloads, packed segments): they share -k. */
export function nextMovedSegment(dir: string): number {
  return listSegmentFiles(dir).reduce((max, f) => (f.kind === 'moved' || f.kind === 'packed' ? Math.max(max, f.n) : max), 0) + 1;
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

/** An event wanted back: its id, where its line is, and (for finding it again after a compaction moved it) its key. */
export interface WantedPayload {
  id: string;
  loc: PayloadLocation;
  key?: PackKey;
}

/** An open segment file: a journal generation or moved payloads (plain lines), or a packed segment. */
interface OpenSegment {
  path: string;
  fd: number;
  size: number;
  packed?: PackedFile;
}

/** The file a segment number names: journal-<gen>.jsonl, or for -k moved-k.jsonl or packed-k.seg. */
export function segmentPaths(dir: string, seg: number): string[] {
  const segments = join(dir, SEGMENTS_DIR);
  if (seg > 0) return [join(segments, journalSegmentName(seg))];
  return [join(segments, movedSegmentName(-seg)), join(segments, packedSegmentName(-seg))];
}

/**
 * Reads full payloads back by offset. Each read checks that the line is the event asked for (its id), so a
 * damaged or replaced file never passes off another event's data. A segment that a compaction (in another process)
 * packed and removed since this database was loaded is found again by the event's key in the packed segments.
 */
export class PayloadReader {
  readonly damaged: SegmentDamage[] = [];
  private readonly reported = new Set<string>();

  constructor(
    readonly dir: string,
    private readonly readOnly = false,
  ) {}

  /** Each wanted event's full data, or undefined where its segment could not give it back. */
  readMany(wanted: readonly WantedPayload[]): (Record<string, unknown> | undefined)[] {
    const out: (Record<string, unknown> | undefined)[] = new Array(wanted.length).fill(undefined);
    const files = new SegmentFiles(this.dir);
    try {
      wanted.forEach((w, i) => {
        const got = files.line(w.loc);
        const e = got.kind === 'line' ? parseLine(got.bytes) : undefined;
        if (e && e.id === w.id) {
          out[i] = e.data;
          return;
        }
        // Not where this database says: a compaction may have packed it since (the old file gone or its name reused).
        const moved = w.key ? files.find(w.key, w.id) : undefined;
        const again = moved ? parseLine(moved) : undefined;
        if (again && again.id === w.id) out[i] = again.data;
        else if (got.kind === 'damaged') this.damage(got.path, got.reason);
        else if (got.kind === 'missing') this.damage(got.path, 'missing');
        else this.damage(got.path, e ? `offset ${w.loc.off} holds another event` : `offset ${w.loc.off} is not the event's line`);
      });
    } finally {
      files.close();
    }
    return out;
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

type LineRead = { kind: 'line'; bytes: Buffer; path: string } | { kind: 'missing'; path: string } | { kind: 'damaged'; path: string; reason: string };

/** Segment files opened for one pass of reads (each opened once), closed together. */
export class SegmentFiles {
  private readonly open = new Map<number, OpenSegment | null>();
  private packs: PackedFile[] | undefined;
  private readonly packFds: number[] = [];

  constructor(private readonly dir: string) {}

  /** The bytes of the line at `loc` (no newline), or why not. */
  line(loc: PayloadLocation): LineRead {
    const f = this.segment(loc.seg);
    if (!f) return { kind: 'missing', path: segmentPaths(this.dir, loc.seg)[loc.seg < 0 ? 1 : 0] as string };
    try {
      if (f.packed) return { kind: 'line', bytes: f.packed.line(loc.off, loc.len), path: f.path };
      if (loc.off + loc.len > f.size) return { kind: 'damaged', path: f.path, reason: `offset ${loc.off} lies past the end` };
      return { kind: 'line', bytes: readExactly(f.fd, loc.len, loc.off), path: f.path };
    } catch (err) {
      return { kind: 'damaged', path: f.path, reason: (err as Error).message };
    }
  }

  /** The line of event `id` in whichever packed segment now holds it (newest first); undefined when none does. */
  find(key: PackKey, id: string): Buffer | undefined {
    for (const p of this.packedFiles()) {
      try {
        const found = p.find(key, id);
        if (found) return found;
      } catch {
        /* a damaged packed file: the others may hold it; reading it by location reports it */
      }
    }
    return undefined;
  }

  close(): void {
    for (const f of this.open.values()) if (f) closeSync(f.fd);
    for (const fd of this.packFds) closeSync(fd);
    this.open.clear();
  }

  private packedFiles(): PackedFile[] {
    if (this.packs) return this.packs;
    this.packs = [];
    for (const k of packedSegmentNumbers(this.dir).sort((a, b) => b - a)) {
      const path = join(this.dir, SEGMENTS_DIR, packedSegmentName(k));
      try {
        const fd = openSync(path, 'r');
        this.packFds.push(fd);
        this.packs.push(new PackedFile(path, fd));
      } catch {
        /* removed meanwhile */
      }
    }
    return this.packs;
  }

  /** The file holding a segment: its own name, or the journal (current or previous) while that generation is live. */
  private segment(seg: number): OpenSegment | undefined {
    const known = this.open.get(seg);
    if (known !== undefined) return known ?? undefined;
    const found = this.openSegment(seg);
    this.open.set(seg, found ?? null);
    return found;
  }

  private openSegment(seg: number): OpenSegment | undefined {
    const own = segmentPaths(this.dir, seg);
    const candidates = seg > 0 ? [...own, join(this.dir, 'journal.jsonl'), join(this.dir, 'journal.prev.jsonl'), ...own] : own;
    for (const path of candidates) {
      let fd: number;
      try {
        fd = openSync(path, 'r');
      } catch {
        continue;
      }
      if (own.includes(path) || journalGenOf(fd) === seg) {
        const f: OpenSegment = { path, fd, size: fstatSync(fd).size };
        if (path.endsWith('.seg')) f.packed = new PackedFile(path, fd);
        return f;
      }
      closeSync(fd);
    }
    return undefined;
  }
}

/** The numbers k of the packed segments on disk. */
export function packedSegmentNumbers(dir: string): number[] {
  return listSegmentFiles(dir).filter((f) => f.kind === 'packed').map((f) => f.n);
}

function parseLine(bytes: Buffer): RecordEvent | undefined {
  try {
    const v: unknown = JSON.parse(bytes.toString('utf8'));
    return isRecordEvent(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

function journalGenOf(fd: number): number {
  const buf = Buffer.alloc(128);
  const n = readSync(fd, buf, 0, buf.length, 0);
  const m = /^\{"flightdeck":"journal","gen":(\d+)/.exec(buf.toString('utf8', 0, n));
  return m ? Number(m[1]) : 0;
}

/** The payload reader of each open record's database, so whoever holds the database reads full events. */
const readers = new WeakMap<Database, PayloadReader>();

export function registerPayloads(db: Database, reader: PayloadReader): void {
  readers.set(db, reader);
}

export function payloadsOf(db: Database): PayloadReader | undefined {
  return readers.get(db);
}
