import { closeSync, existsSync, fsyncSync, linkSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { describeFsError } from './errors';
import { fsyncDir } from './journal';

export const SNAPSHOT_FILE = 'record.sqlite';
export const PREVIOUS_SNAPSHOT_FILE = 'record.prev.sqlite';
export const DAMAGED_DIR = 'damaged';
const SQLITE_MAGIC = 'SQLite format 3\0';

/** Reads a snapshot image; undefined when there is none, an error when it is not a database. */
export function readSnapshot(path: string): Uint8Array | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw describeFsError('read the snapshot', path, err);
  }
  if (bytes.length < 100 || bytes.toString('latin1', 0, 16) !== SQLITE_MAGIC) {
    throw new Error('not an SQLite database (bad header)');
  }
  return bytes;
}

/** Writes the image atomically: temp file, fsync, keep the last good one as the previous, rename. */
export function writeSnapshot(dir: string, image: Uint8Array): void {
  const target = join(dir, SNAPSHOT_FILE);
  const staging = join(dir, `${SNAPSHOT_FILE}.writing-${process.pid}`);
  try {
    const fd = openSync(staging, 'w');
    try {
      let done = 0;
      while (done < image.length) done += writeSync(fd, image, done, image.length - done);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    const previous = join(dir, PREVIOUS_SNAPSHOT_FILE);
    if (existsSync(target)) {
      rmSync(previous, { force: true });
      linkSync(target, previous);
    }
    renameSync(staging, target);
    fsyncDir(dir);
  } catch (err) {
    rmSync(staging, { force: true });
    throw describeFsError('write the snapshot', target, err);
  }
}

/** Moves a damaged file into `damaged/` (never deletes it) and returns where it went. */
export function moveAside(dir: string, file: string): string {
  const damaged = join(dir, DAMAGED_DIR);
  mkdirSync(damaged, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const to = join(damaged, `${file}.${stamp}`);
  renameSync(join(dir, file), to);
  return to;
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
