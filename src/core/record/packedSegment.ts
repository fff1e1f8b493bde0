import { closeSync, fstatSync, fsyncSync, openSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import { crc32, deflateRawSync, inflateRawSync } from 'node:zlib';

/**
 * A packed segment (`packed-<k>.seg`): the payload lines the database still refers to, copied byte for byte from older
 * segments and compressed in blocks (payloads are text: tool outputs, prompts, diffs). Lines are ordered by session, time
 * and id, so a session's payloads sit in a few neighbouring blocks, and a reader holding a location from before the
 * compaction finds a line again by that key (see PackedFile.find). Written once, never changed: a later compaction
 * writes another and deletes this one.
 *
 * Layout: blocks of [u32 compressed length][u32 raw length][u32 CRC-32 of raw][deflate-raw bytes], then a JSON footer
 * (each block's start and its first and last key), then [u32 footer length][u32 CRC-32 of footer]['FDPK'].
 */
export const packedSegmentName = (k: number): string => `packed-${k}.seg`;

/** A line's place in a packed segment: off = the block's start * BLOCK_SPAN + where the line starts in the block. */
export const BLOCK_SPAN = 2 ** 21;
/** Blocks are cut after this many raw bytes: small enough that opening a session decompresses little. */
const BLOCK_BYTES = 64 << 10;
/** A file stops growing here, so off (start * BLOCK_SPAN) stays an exact integer in a double and in SQLite. */
export const MAX_PACKED_BYTES = 2 ** 31;
const BLOCK_HEAD = 12;
const TRAILER = 12;
const TRAILER_MAGIC = 'FDPK';

/** How packed lines are ordered and found again: session ('' for none), time, id. */
export type PackKey = readonly [session: string, at: number, id: string];

export function compareKeys(a: PackKey, b: PackKey): number {
  if (a[0] !== b[0]) return a[0] < b[0] ? -1 : 1;
  if (a[1] !== b[1]) return a[1] - b[1];
  return a[2] === b[2] ? 0 : a[2] < b[2] ? -1 : 1;
}

interface Footer {
  /** Each block: [start, first key, last key]. */
  blocks: [number, PackKey, PackKey][];
  /** Raw (uncompressed) bytes of every line, newlines included: what a repack weighs live bytes against. */
  raw: number;
  lines: number;
}

/** Writes a packed segment under a staging name; finish() syncs it and puts it in place. */
export class PackedWriter {
  private readonly staging: string;
  private readonly fd: number;
  private pos = 0;
  private block: Buffer[] = [];
  private blockBytes = 0;
  private first: PackKey | undefined;
  private last: PackKey | undefined;
  private readonly footer: Footer = { blocks: [], raw: 0, lines: 0 };

  constructor(readonly path: string) {
    this.staging = `${path}.writing-${process.pid}`;
    this.fd = openSync(this.staging, 'wx');
  }

  /** Room for more lines (a file stops short of MAX_PACKED_BYTES). */
  get full(): boolean {
    return this.pos >= MAX_PACKED_BYTES - (BLOCK_BYTES << 4);
  }

  get bytes(): number {
    return this.pos;
  }

  /** Adds a line (without its newline), in key order; returns where it will be read from. */
  add(line: Buffer, key: PackKey): { off: number; len: number } {
    if (this.blockBytes >= BLOCK_BYTES) this.flush();
    const off = this.pos * BLOCK_SPAN + this.blockBytes;
    this.block.push(line, NEWLINE);
    this.blockBytes += line.length + 1;
    this.first ??= key;
    this.last = key;
    this.footer.raw += line.length + 1;
    this.footer.lines++;
    return { off, len: line.length };
  }

  /** Writes the last block and the footer, syncs, and renames the file into place. */
  finish(): void {
    this.flush();
    const json = Buffer.from(JSON.stringify(this.footer), 'utf8');
    const t = Buffer.alloc(TRAILER);
    t.writeUInt32LE(json.length, 0);
    t.writeUInt32LE(crc32(json), 4);
    t.write(TRAILER_MAGIC, 8, 'latin1');
    this.write(Buffer.concat([json, t]));
    fsyncSync(this.fd);
    closeSync(this.fd);
    renameSync(this.staging, this.path);
  }

  /** Drops what was written (an error on the way): nothing refers to it. */
  abort(): void {
    try {
      closeSync(this.fd);
    } catch {
      /* already closed by finish */
    }
    rmSync(this.staging, { force: true });
  }

  private flush(): void {
    if (this.blockBytes === 0) return;
    const raw = Buffer.concat(this.block, this.blockBytes);
    const z = deflateRawSync(raw);
    const head = Buffer.alloc(BLOCK_HEAD);
    head.writeUInt32LE(z.length, 0);
    head.writeUInt32LE(raw.length, 4);
    head.writeUInt32LE(crc32(raw), 8);
    this.footer.blocks.push([this.pos, this.first as PackKey, this.last as PackKey]);
    this.write(head);
    this.write(z);
    this.block = [];
    this.blockBytes = 0;
    this.first = undefined;
    this.last = undefined;
  }

  private write(buf: Buffer): void {
    let done = 0;
    while (done < buf.length) done += writeSync(this.fd, buf, done, buf.length - done, this.pos + done);
    this.pos += buf.length;
  }
}
const NEWLINE = Buffer.from('\n');

/** `length` bytes from `position`; throws when the file ends before them. */
export function readExactly(fd: number, length: number, position: number): Buffer {
  const buf = Buffer.allocUnsafe(length);
  let got = 0;
  while (got < length) {
    const n = readSync(fd, buf, got, length - got, position + got);
    if (n === 0) throw new Error(`ends before byte ${position + length}`);
    got += n;
  }
  return buf;
}

/** Reads a packed segment: a line by its location, or by its key. Throws a plain Error naming the damage it meets. */
export class PackedFile {
  private readonly cache = new Map<number, Buffer>();
  private footerCache: Footer | undefined;

  constructor(
    readonly path: string,
    readonly fd: number,
  ) {}

  /** The line at `off` (as PackedWriter.add returned it), `len` bytes, without its newline. */
  line(off: number, len: number): Buffer {
    const start = Math.floor(off / BLOCK_SPAN);
    const inBlock = off - start * BLOCK_SPAN;
    const raw = this.block(start);
    if (inBlock + len > raw.length) throw new Error(`offset ${off} lies outside its block`);
    return raw.subarray(inBlock, inBlock + len);
  }

  /** The line of event `id` whose key is `key`, looked up through the footer; undefined when this file does not hold it. */
  find(key: PackKey, id: string): Buffer | undefined {
    const blocks = this.footer().blocks;
    let lo = 0;
    let hi = blocks.length;
    // The first block whose last key is not before the key.
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (compareKeys((blocks[mid] as [number, PackKey, PackKey])[2], key) < 0) lo = mid + 1;
      else hi = mid;
    }
    const mark = Buffer.from(`{"id":${JSON.stringify(id)},`, 'utf8');
    for (let b = lo; b < blocks.length && compareKeys((blocks[b] as [number, PackKey, PackKey])[1], key) <= 0; b++) {
      const raw = this.block((blocks[b] as [number, PackKey, PackKey])[0]);
      for (let at = raw.indexOf(mark); at !== -1; at = raw.indexOf(mark, at + 1)) {
        if (at > 0 && raw[at - 1] !== 10) continue;
        const end = raw.indexOf(10, at);
        return raw.subarray(at, end === -1 ? raw.length : end);
      }
    }
    return undefined;
  }

  /** Raw bytes of every line this file holds. */
  rawBytes(): number {
    return this.footer().raw;
  }

  private footer(): Footer {
    if (this.footerCache) return this.footerCache;
    const size = fstatSync(this.fd).size;
    if (size < TRAILER) throw new Error('too short to be a packed segment');
    const t = readExactly(this.fd, TRAILER, size - TRAILER);
    if (t.toString('latin1', 8, 12) !== TRAILER_MAGIC) throw new Error('no packed-segment trailer (truncated?)');
    const length = t.readUInt32LE(0);
    if (length > size - TRAILER) throw new Error('footer longer than the file');
    const json = readExactly(this.fd, length, size - TRAILER - length);
    if (crc32(json) !== t.readUInt32LE(4)) throw new Error('footer checksum mismatch');
    this.footerCache = JSON.parse(json.toString('utf8')) as Footer;
    return this.footerCache;
  }

  private block(start: number): Buffer {
    const cached = this.cache.get(start);
    if (cached) return cached;
    const head = readExactly(this.fd, BLOCK_HEAD, start);
    const zLength = head.readUInt32LE(0);
    const rawLength = head.readUInt32LE(4);
    if (zLength > fstatSync(this.fd).size - start) throw new Error(`block at ${start} runs past the end`);
    let raw: Buffer;
    try {
      raw = inflateRawSync(readExactly(this.fd, zLength, start + BLOCK_HEAD));
    } catch (err) {
      throw new Error(`block at ${start} does not decompress (${(err as Error).message})`);
    }
    if (raw.length !== rawLength || crc32(raw) !== head.readUInt32LE(8)) throw new Error(`block at ${start}: checksum mismatch`);
    // The few last blocks read: a session's payloads are neighbours, read one after another.
    if (this.cache.size >= 8) this.cache.delete(this.cache.keys().next().value as number);
    this.cache.set(start, raw);
    return raw;
  }
}
