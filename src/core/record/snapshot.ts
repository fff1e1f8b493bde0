import {
  closeSync, existsSync, fsyncSync, ftruncateSync, linkSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync,
  writeSync,
} from 'node:fs';
import { open } from 'node:fs/promises';
import { crc32 } from 'node:zlib';
import { join } from 'node:path';
import { describeFsError } from './errors';
import { FileLock, isAlive, sleepMs } from './fileLock';
import { fsyncDir } from './journal';

export const SNAPSHOT_FILE = 'record.sqlite';
export const PREVIOUS_SNAPSHOT_FILE = 'record.prev.sqlite';
/** Held (a lock directory) by the one process writing a snapshot. */
export const SNAPSHOT_LEASE = 'snapshot.lock';
/** The current snapshot's second name while a new one is swapped in; after a crash there, the previous one. */
export const SWAP_SNAPSHOT_FILE = 'record.sqlite.swap';
export const DAMAGED_DIR = 'damaged';
const SQLITE_MAGIC = 'SQLite format 3\0';
/** A snapshot ends with this trailer: magic, CRC-32 and length of the image, so damage is caught on load. */
const TRAILER_MAGIC = 'FLIGHTDK';
const TRAILER_BYTES = 16;

function trailer(image: Uint8Array): Buffer {
  const t = Buffer.alloc(TRAILER_BYTES);
  t.write(TRAILER_MAGIC, 0, 'latin1');
  t.writeUInt32LE(crc32(image), 8);
  t.writeUInt32LE(image.length >>> 0, 12);
  return t;
}

/** Reads a snapshot image; undefined when there is none, an error when it is damaged. */
export function readSnapshot(path: string): Uint8Array | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw describeFsError('read the snapshot', path, err);
  }
  const end = bytes.length - TRAILER_BYTES;
  if (end < 100 || bytes.toString('latin1', end, end + 8) !== TRAILER_MAGIC) throw new Error('truncated or not a Flightdeck snapshot');
  const image = bytes.subarray(0, end);
  if (bytes.readUInt32LE(end + 12) !== image.length >>> 0 || bytes.readUInt32LE(end + 8) !== crc32(image)) {
    throw new Error('checksum mismatch (the file was damaged)');
  }
  if (image.toString('latin1', 0, 16) !== SQLITE_MAGIC) throw new Error('not an SQLite database (bad header)');
  return image;
}

/** The lease a process holds while it writes a snapshot (and cuts the journal behind it). */
export const snapshotLease = (dir: string): FileLock => new FileLock(join(dir, SNAPSHOT_LEASE), 120_000);

/** Snapshot files a process killed while writing one left behind (up to the size of the record). */
export function removeAbandonedSnapshotFiles(dir: string): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const pid = Number(/^record\.sqlite\.writing-(\d+)$/.exec(name)?.[1]);
    if (pid && pid !== process.pid && !isAlive(pid)) rmSync(join(dir, name), { force: true });
  }
}

const stampOf = (path: string): string => {
  try {
    const st = statSync(path);
    return `${st.ino}:${st.size}:${st.mtimeMs}`;
  } catch {
    return '';
  }
};

/**
 * Reads a snapshot as readSnapshot does, but one that looks damaged while another process writes a
 * snapshot (the previous file is written over in place), or that changed as it was read, is read again
 * once that writer is done: only a file damaged at rest is reported.
 */
export function readSettledSnapshot(dir: string, file: string): Uint8Array | undefined {
  const path = join(dir, file);
  for (let attempt = 1; ; attempt++) {
    const before = stampOf(path);
    try {
      return readSnapshot(path);
    } catch (err) {
      const lease = snapshotLease(dir);
      if (attempt === 3 || (stampOf(path) === before && !lease.heldByAnother())) throw err;
      for (const deadline = Date.now() + 10_000; lease.heldByAnother() && Date.now() < deadline; ) sleepMs(50);
    }
  }
}

/** Where a new snapshot is written before it is put in place, and whether that is over the older file. */
interface SnapshotSlot {
  path: string;
  reuse: boolean;
}

/**
 * While both a current and a previous snapshot exist, the new one is written over the previous one (its
 * file's pages are reused: writing a fresh 250 MB file here took up to ten times longer), then swapped in;
 * otherwise into a new file renamed into place. Either way the last good snapshot becomes the previous one.
 */
function slotFor(dir: string): SnapshotSlot {
  const current = inodeOf(join(dir, SNAPSHOT_FILE));
  const previous = inodeOf(join(dir, PREVIOUS_SNAPSHOT_FILE));
  // Never over a file that is also the current one (two names for one file, left by a crash): that would be the only copy.
  const reuse = current !== -1 && previous !== -1 && current !== previous;
  return { path: reuse ? join(dir, PREVIOUS_SNAPSHOT_FILE) : join(dir, `${SNAPSHOT_FILE}.writing-${process.pid}`), reuse };
}

/** Makes the written slot the current snapshot, so that a whole snapshot is there to open at every step. */
function putInPlace(dir: string, slot: SnapshotSlot): void {
  const target = join(dir, SNAPSHOT_FILE);
  const previous = join(dir, PREVIOUS_SNAPSHOT_FILE);
  const swap = join(dir, SWAP_SNAPSHOT_FILE);
  if (slot.reuse) {
    // The current snapshot stays linked (as the swap file) until it is the previous one.
    rmSync(swap, { force: true });
    linkSync(target, swap);
    renameSync(previous, target);
    renameSync(swap, previous);
  } else {
    if (existsSync(target)) {
      rmSync(previous, { force: true });
      linkSync(target, previous);
    }
    renameSync(slot.path, target);
    rmSync(swap, { force: true }); // a crash's leftover: current and previous are both in place now
  }
  fsyncDir(dir);
}

function failed(dir: string, slot: SnapshotSlot, err: unknown): Error {
  if (!slot.reuse) rmSync(slot.path, { force: true });
  return describeFsError('write the snapshot', join(dir, SNAPSHOT_FILE), err);
}

/** Writes the image as the current snapshot, durably (see slotFor). */
export function writeSnapshot(dir: string, image: Uint8Array): void {
  const slot = slotFor(dir);
  try {
    const fd = openSync(slot.path, slot.reuse ? 'r+' : 'w');
    try {
      let done = 0;
      while (done < image.length) done += writeSync(fd, image, done, image.length - done, done);
      writeSync(fd, trailer(image), 0, TRAILER_BYTES, image.length);
      ftruncateSync(fd, image.length + TRAILER_BYTES);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    putInPlace(dir, slot);
  } catch (err) {
    throw failed(dir, slot, err);
  }
}

/** writeSnapshot with the bytes written and synced on libuv's threads, so this thread is free meanwhile. */
export async function writeSnapshotInBackground(dir: string, image: Uint8Array): Promise<void> {
  const slot = slotFor(dir);
  try {
    const file = await open(slot.path, slot.reuse ? 'r+' : 'w');
    try {
      let done = 0;
      while (done < image.length) done += (await file.write(image, done, image.length - done, done)).bytesWritten;
      await file.write(trailer(image), 0, TRAILER_BYTES, image.length);
      await file.truncate(image.length + TRAILER_BYTES);
      await file.sync();
    } finally {
      await file.close().catch(() => undefined); // after a good sync nothing is lost; after a failure, that one is reported
    }
    putInPlace(dir, slot);
  } catch (err) {
    throw failed(dir, slot, err);
  }
}

/**
 * Moves a damaged file into `damaged/` (never deletes it) and returns where it went; undefined when
 * another process moved it first, or replaced it since we read it (inode `ino`), so it is no longer ours to move.
 */
export function moveAside(dir: string, file: string, ino: number): string | undefined {
  const from = join(dir, file);
  try {
    if (statSync(from).ino !== ino) return undefined;
  } catch {
    return undefined;
  }
  const damaged = join(dir, DAMAGED_DIR);
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const to = join(damaged, `${file}.${stamp}-${process.pid}`);
  try {
    mkdirSync(damaged, { recursive: true });
    renameSync(from, to);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw describeFsError('set aside the damaged file', from, err);
  }
  return to;
}

export function inodeOf(path: string): number {
  try {
    return statSync(path).ino;
  } catch {
    return -1;
  }
}

/** Keeps a copy of an unreadable journal line; named by its place, so saving it twice is harmless. */
export function keepDamagedLine(dir: string, gen: number, offset: number, text: string): void {
  const damaged = join(dir, DAMAGED_DIR);
  const path = join(damaged, `journal-gen${gen}-at${offset}.txt`);
  if (existsSync(path)) return;
  mkdirSync(damaged, { recursive: true });
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
}
