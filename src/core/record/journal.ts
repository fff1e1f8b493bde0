import {
  closeSync, fstatSync, fsyncSync, ftruncateSync, linkSync, mkdirSync, openSync, readSync, renameSync, rmSync, statSync, writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { describeFsError } from './errors';
import { FileLock } from './fileLock';
import { isRecordEvent, type RecordEvent } from './events';
import { highestSegmentGen, journalSegmentName, SEGMENTS_DIR, type PayloadLocation } from './segments';

export const JOURNAL_FILE = 'journal.jsonl';
export const PREVIOUS_JOURNAL_FILE = 'journal.prev.jsonl';
const LOCK_DIR = 'journal.lock';

/** The first line of every journal generation. */
export interface JournalHeader {
  flightdeck: 'journal';
  gen: number;
  created: number;
  /** Where in generation gen-1 this one was cut: it holds everything after that offset. */
  fromOffset?: number;
}

/** A line that could not be read as an event: counted, set aside, never fatal. */
export interface JournalDamage {
  gen: number;
  offset: number;
  length: number;
  reason: string;
  text: string;
}

/** Where one append's lines landed: which file, and their byte range. */
export interface AppendedSpan {
  ino: number;
  /** The generation of the journal file written. */
  gen: number;
  start: number;
  end: number;
}

/** The two calls that can fail on a full or broken disk; replaceable so tests can fail them. */
export interface WriteIo {
  writeSync(fd: number, buffer: Buffer, offset: number, length: number): number;
  fsyncSync(fd: number): void;
}
const realIo: WriteIo = {
  writeSync: (fd, buffer, offset, length) => writeSync(fd, buffer, offset, length),
  fsyncSync: (fd) => fsyncSync(fd),
};

export function fsyncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function writeAll(io: WriteIo, fd: number, buf: Buffer): void {
  let done = 0;
  while (done < buf.length) done += io.writeSync(fd, buf, done, buf.length - done);
}

/** A string as JSON, skipping JSON.stringify when nothing needs escaping (ids, kinds, sessions nearly always). */
function quote(s: string): string {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c || (c >= 0xd800 && c <= 0xdfff)) return JSON.stringify(s);
  }
  return `"${s}"`;
}

/** A journal line up to its data: `{"id":…,"data":`. */
export function journalLineHead(e: RecordEvent): string {
  let line = `{"id":${quote(e.id)},"kind":${quote(e.kind)},"at":${e.at}`;
  if (e.session !== undefined) line += `,"session":${quote(e.session)}`;
  if (e.source !== undefined) line += `,"source":${quote(e.source)}`;
  if (e.author !== undefined) line += `,"author":${quote(e.author)}`;
  return `${line},"data":`;
}

/** Journal lines in bytes, with where each event's data JSON lies in them: start, end pairs. */
export interface EncodedLines {
  journal: Buffer;
  spans: number[];
}

/**
 * Events as their journal lines in bytes, with each one's data JSON located in them, so that whoever
 * records them neither serializes nor encodes again.
 */
export function encodeJournalLines(events: readonly RecordEvent[]): EncodedLines {
  const heads: string[] = new Array<string>(events.length);
  const datas: string[] = new Array<string>(events.length);
  let text = '';
  for (let i = 0; i < events.length; i++) {
    const e = events[i] as RecordEvent;
    const head = journalLineHead(e);
    const json = JSON.stringify(e.data);
    heads[i] = head;
    datas[i] = json;
    text += `${head}${json}}\n`;
  }
  const journal = Buffer.from(text, 'utf8');
  // As many bytes as characters means all ASCII: offsets are string lengths, no per-line byte counting.
  const ascii = journal.length === text.length;
  const bytes = ascii ? (s: string): number => s.length : (s: string): number => Buffer.byteLength(s, 'utf8');
  const spans: number[] = new Array<number>(events.length * 2);
  let offset = 0;
  for (let i = 0; i < events.length; i++) {
    const start = offset + bytes(heads[i] as string);
    const end = start + bytes(datas[i] as string);
    spans[2 * i] = start;
    spans[2 * i + 1] = end;
    offset = end + 2;
  }
  return { journal, spans };
}

/** Each event's data JSON as a view into the journal bytes that hold it. */
export function dataViews({ journal, spans }: EncodedLines): Uint8Array[] {
  const views: Uint8Array[] = new Array<Uint8Array>(spans.length / 2);
  for (let i = 0; i < views.length; i++) views[i] = journal.subarray(spans[2 * i], spans[2 * i + 1]);
  return views;
}

/**
 * Links a journal generation into segments/ under its number. A file already there under that name is the same
 * one (a rotation that stopped half way) or, if another, is kept beside it rather than replaced.
 */
function keepAsSegment(dir: string, journal: string, gen: number): void {
  const segments = join(dir, SEGMENTS_DIR);
  mkdirSync(segments, { recursive: true });
  const target = join(segments, journalSegmentName(gen));
  try {
    linkSync(journal, target);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw describeFsError('keep the journal as a segment in', segments, err);
    if (statSync(target).ino === statSync(journal).ino) return;
    renameSync(target, `${target}.${Date.now()}.kept`);
    linkSync(journal, target);
  }
  fsyncDir(segments);
}

function headerLine(gen: number, fromOffset?: number): string {
  const header: JournalHeader = { flightdeck: 'journal', gen, created: Date.now(), fromOffset };
  return JSON.stringify(header) + '\n';
}

/** Reads a journal's generation from its first line; 0 when the file is missing or has no header. */
export function readJournalGen(path: string): number {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return 0;
  }
  try {
    return headerOfOpenJournal(fd).gen;
  } finally {
    closeSync(fd);
  }
}

const NO_HEADER = { gen: 0 } as const;

function headerOfOpenJournal(fd: number): { gen: number; fromOffset?: number } {
  const buf = Buffer.alloc(256);
  const n = readSync(fd, buf, 0, buf.length, 0);
  return parseHeader(buf.toString('utf8', 0, n).split('\n')[0] ?? '') ?? NO_HEADER;
}

function parseHeader(line: string): { gen: number; fromOffset?: number } | undefined {
  if (!line.startsWith('{"flightdeck":"journal"')) return undefined;
  try {
    const h = JSON.parse(line) as Partial<JournalHeader>;
    if (typeof h.gen !== 'number') return undefined;
    return { gen: h.gen, fromOffset: typeof h.fromOffset === 'number' ? h.fromOffset : undefined };
  } catch {
    return undefined;
  }
}

/**
 * Appends events durably: under the journal lock, one write and one fsync per batch. An event is
 * acknowledged (append returns) only after its line is on disk.
 */
export class JournalWriter {
  private readonly lock: FileLock;
  private readonly path: string;
  private fd = -1;
  private ino = -1;
  private gen = 0;

  constructor(
    private readonly dir: string,
    private readonly io: WriteIo = realIo,
  ) {
    this.path = join(dir, JOURNAL_FILE);
    this.lock = new FileLock(join(dir, LOCK_DIR), 5_000);
  }

  append(events: readonly RecordEvent[]): AppendedSpan | undefined {
    return this.appendLines(encodeJournalLines(events).journal);
  }

  /** Appends whole journal lines encoded elsewhere (the import worker), under the same lock and sync. */
  appendLines(body: Buffer): AppendedSpan | undefined {
    if (body.length === 0) return undefined;
    return this.lock.withLock(() => {
      const fd = this.openCurrent();
      const size = fstatSync(fd).size;
      // A writer killed mid-line left an unterminated fragment: end it so our line stays whole.
      const torn = size > 0 && !this.endsWithNewline(fd, size);
      try {
        writeAll(this.io, fd, torn ? Buffer.concat([Buffer.from('\n'), body]) : body);
        this.io.fsyncSync(fd);
      } catch (err) {
        // Not acknowledged, so not kept: other readers must not apply lines the caller will retry.
        try {
          ftruncateSync(fd, size);
        } catch {
          /* the disk refuses even that; readers see at most whole lines, never acknowledged */
        }
        this.close();
        throw describeFsError('append to the journal', this.path, err);
      }
      const start = size + (torn ? 1 : 0);
      return { ino: this.ino, gen: this.gen, start, end: start + body.length };
    });
  }

  /** Starts a new generation holding only what follows `fromOffset` of generation `fromGen`. */
  rotate(fromGen: number, fromOffset: number): boolean {
    return this.lock.withLock(() => {
      const fd = this.openCurrent();
      if (headerOfOpenJournal(fd).gen !== fromGen) return false;
      const size = fstatSync(fd).size;
      const tail = Buffer.alloc(Math.max(0, size - fromOffset));
      let got = 0;
      while (got < tail.length) {
        const n = readSync(fd, tail, got, tail.length - got, fromOffset + got);
        if (n === 0) break;
        got += n;
      }
      const staging = join(this.dir, `${JOURNAL_FILE}.rotating`);
      const out = openSync(staging, 'w');
      try {
        writeAll(this.io, out, Buffer.concat([Buffer.from(headerLine(fromGen + 1, fromOffset)), tail.subarray(0, got)]));
        this.io.fsyncSync(out);
      } catch (err) {
        closeSync(out);
        rmSync(staging, { force: true });
        throw describeFsError('rotate the journal', this.path, err);
      } finally {
        try {
          closeSync(out);
        } catch {
          /* already closed on the error path */
        }
      }
      // The generation stays, as a segment: the record reads event payloads from it by offset.
      keepAsSegment(this.dir, this.path, fromGen);
      const previous = join(this.dir, PREVIOUS_JOURNAL_FILE);
      rmSync(previous, { force: true });
      linkSync(this.path, previous);
      renameSync(staging, this.path);
      fsyncDir(this.dir);
      this.close();
      return true;
    });
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
    this.ino = -1;
  }

  private endsWithNewline(fd: number, size: number): boolean {
    const last = Buffer.alloc(1);
    readSync(fd, last, 0, 1, size - 1);
    return last[0] === 10;
  }

  /** Opens the journal by path under the lock, so a rotation by another process is never missed. */
  private openCurrent(): number {
    let ino = -1;
    try {
      ino = statSync(this.path).ino;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw describeFsError('read', this.path, err);
    }
    if (this.fd >= 0 && ino === this.ino) return this.fd;
    this.close();
    if (ino === -1) this.create();
    try {
      this.fd = openSync(this.path, 'a+');
    } catch (err) {
      throw describeFsError('open the journal', this.path, err);
    }
    this.ino = fstatSync(this.fd).ino;
    this.gen = headerOfOpenJournal(this.fd).gen;
    return this.fd;
  }

  private create(): void {
    // Above every generation kept as a segment too: a segment's name must never be reused.
    const gen = Math.max(readJournalGen(join(this.dir, PREVIOUS_JOURNAL_FILE)), highestSegmentGen(this.dir)) + 1;
    const staging = join(this.dir, `${JOURNAL_FILE}.creating`);
    try {
      const fd = openSync(staging, 'w');
      try {
        writeAll(this.io, fd, Buffer.from(headerLine(gen)));
        this.io.fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(staging, this.path);
      fsyncDir(this.dir);
    } catch (err) {
      rmSync(staging, { force: true });
      throw describeFsError('create the journal', this.path, err);
    }
  }
}

export interface ReadResult {
  events: RecordEvent[];
  damage: JournalDamage[];
}

const CHUNK = 4 << 20;

/**
 * Reads complete lines of one open journal from `offset`, leaving an unterminated last line for a
 * later read (it may still be being written). Returns the offset after the last complete line.
 */
export function readLines(
  fd: number,
  offset: number,
  gen: number,
  onEvent: (e: RecordEvent, at: PayloadLocation) => void,
  onDamage: (d: JournalDamage) => void,
): number {
  let carry: Buffer | undefined;
  let pos = offset;
  for (;;) {
    const readAt = pos + (carry?.length ?? 0);
    const want = Math.min(CHUNK, fstatSync(fd).size - readAt);
    if (want <= 0) break;
    // Sized to what is there: a tail read after one small append must not allocate megabytes.
    const buf = Buffer.allocUnsafe(want);
    const n = readSync(fd, buf, 0, want, readAt);
    if (n === 0) break;
    const data = carry ? Buffer.concat([carry, buf.subarray(0, n)]) : buf.subarray(0, n);
    let start = 0;
    for (let nl = data.indexOf(10, start); nl !== -1; nl = data.indexOf(10, start)) {
      const lineOffset = pos + start;
      if (nl > start) {
        const text = data.toString('utf8', start, nl);
        handleLine(text, lineOffset, nl - start, gen, onEvent, onDamage);
      }
      start = nl + 1;
    }
    pos += start;
    carry = start < data.length ? Buffer.from(data.subarray(start)) : undefined;
  }
  return pos;
}

function handleLine(
  text: string,
  offset: number,
  bytes: number,
  gen: number,
  onEvent: (e: RecordEvent, at: PayloadLocation) => void,
  onDamage: (d: JournalDamage) => void,
): void {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    onDamage({ gen, offset, length: text.length, reason: 'not JSON (a torn or corrupted line)', text });
    return;
  }
  if (isRecordEvent(value)) {
    onEvent(value, { seg: gen, off: offset, len: bytes });
    return;
  }
  // A generation's first line is its header, not damage.
  if (offset !== 0 || parseHeader(text) === undefined) onDamage({ gen, offset, length: text.length, reason: 'not an event', text });
}

/**
 * Follows the journal across processes: each read applies what was appended since the last one.
 * Its position (gen, offset) says what has been read. A rotation by another process is followed by
 * draining the old file, then reading the new generation, or the previous one first when the new
 * one was cut after our position. A gap that no file covers is reported, never silently skipped.
 */
export class JournalTail {
  private fd = -1;
  private ino = -1;
  private readonly path: string;
  private readonly previousPath: string;
  gen = 0;
  offset = 0;
  /** Called when events between our position and the journal on disk are in no journal file. */
  onGap: (description: string) => void = () => {};

  constructor(dir: string) {
    this.path = join(dir, JOURNAL_FILE);
    this.previousPath = join(dir, PREVIOUS_JOURNAL_FILE);
  }

  /** Sets the position: everything up to `offset` of generation `gen` is already applied. */
  start(gen: number, offset: number): void {
    this.close();
    this.gen = gen;
    this.offset = offset;
  }

  read(onEvent: (e: RecordEvent, at: PayloadLocation) => void, onDamage: (d: JournalDamage) => void): void {
    for (;;) {
      if (this.fd < 0 && !this.openCurrent(onEvent, onDamage)) return;
      this.offset = readLines(this.fd, this.offset, this.gen, onEvent, onDamage);
      let ino: number;
      try {
        ino = statSync(this.path).ino;
      } catch {
        return;
      }
      if (ino === this.ino) return;
      // Rotated by another process: the old file is complete (appends happen under the lock).
      this.offset = readLines(this.fd, this.offset, this.gen, onEvent, onDamage);
      this.close();
    }
  }

  /**
   * Moves past lines this process itself just appended, when nothing else came in between: they
   * are already in memory, so reading and parsing them back would be wasted work.
   */
  canSkipOwnAppend(span: AppendedSpan): boolean {
    if (this.fd < 0) this.followNewJournal(span);
    return this.fd >= 0 && span.ino === this.ino && span.start === this.offset;
  }

  /** The journal did not exist when we last looked: when our append is all it holds after its header, follow it from there. */
  private followNewJournal(span: AppendedSpan): void {
    let fd: number;
    try {
      fd = openSync(this.path, 'r');
    } catch {
      return;
    }
    let header: { gen: number; fromOffset?: number } | undefined;
    let follow = false;
    try {
      const first = Buffer.alloc(256);
      const line = first.toString('utf8', 0, readSync(fd, first, 0, first.length, 0)).split('\n')[0] ?? '';
      header = parseHeader(line);
      const fresh = this.offset === 0 && header?.gen === this.gen + 1 && header.fromOffset === undefined;
      follow = fresh && fstatSync(fd).ino === span.ino && Buffer.byteLength(line) + 1 === span.start;
    } finally {
      if (!follow) closeSync(fd);
    }
    if (!follow || !header) return;
    this.fd = fd;
    this.ino = span.ino;
    this.gen = header.gen;
    this.offset = span.start;
  }

  /** Bytes in the journal file being followed. */
  size(): number {
    return this.fd < 0 ? 0 : fstatSync(this.fd).size;
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
    this.ino = -1;
  }

  /** A generation continues our position when it was cut at or before where we stand. */
  private continues(h: { gen: number; fromOffset?: number }): boolean {
    return h.gen === this.gen + 1 && (h.fromOffset ?? 0) <= this.offset;
  }

  private openCurrent(onEvent: (e: RecordEvent, at: PayloadLocation) => void, onDamage: (d: JournalDamage) => void): boolean {
    let fd: number;
    try {
      fd = openSync(this.path, 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw describeFsError('read the journal', this.path, err);
    }
    const header = headerOfOpenJournal(fd);
    if (header.gen !== this.gen && !this.continues(header)) this.readPrevious(header.gen, onEvent, onDamage);
    if (header.gen !== this.gen) this.offset = 0;
    this.gen = header.gen;
    this.fd = fd;
    this.ino = fstatSync(fd).ino;
    return true;
  }

  /** The current generation skipped past us: the previous one holds what lies between, if anything does. */
  private readPrevious(currentGen: number, onEvent: (e: RecordEvent, at: PayloadLocation) => void, onDamage: (d: JournalDamage) => void): void {
    let fd: number;
    try {
      fd = openSync(this.previousPath, 'r');
    } catch {
      this.onGap(`events after journal generation ${this.gen} offset ${this.offset}, before generation ${currentGen}`);
      return;
    }
    try {
      const prev = headerOfOpenJournal(fd);
      if (prev.gen === this.gen) {
        this.offset = readLines(fd, this.offset, prev.gen, onEvent, onDamage);
      } else if (this.continues(prev)) {
        this.offset = readLines(fd, 0, prev.gen, onEvent, onDamage);
      } else {
        this.onGap(`events after journal generation ${this.gen} offset ${this.offset}, before generation ${prev.gen}`);
        if (prev.gen < currentGen) readLines(fd, 0, prev.gen, onEvent, onDamage);
      }
      if (prev.gen + 1 !== currentGen && prev.gen !== currentGen) this.onGap(`journal generations between ${prev.gen} and ${currentGen}`);
    } finally {
      closeSync(fd);
    }
  }
}
