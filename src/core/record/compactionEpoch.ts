import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { fsyncDir } from './journal';

/**
 * How many compactions have removed segments: a number in a file beside the record, and in the meta of each database
 * a compaction wrote. A database whose number is below the file's was loaded before the last compaction (its rows may
 * name removed segments): it must not be snapshotted or compact the record (store.ts, takeSnapshotLease).
 */
export const COMPACTION_EPOCH_FILE = 'compaction.epoch';
export const META_COMPACTION_EPOCH = 'compaction_epoch';

export function readCompactionEpoch(dir: string): number {
  try {
    const n = Number(readFileSync(join(dir, COMPACTION_EPOCH_FILE), 'utf8').trim());
    return Number.isFinite(n) ? n : 0;
  } catch {
    return 0;
  }
}

/** Writes the number durably (temp file, fsync, rename, fsync of the folder): after the snapshots, before any file is removed. */
export function writeCompactionEpoch(dir: string, epoch: number): void {
  const path = join(dir, COMPACTION_EPOCH_FILE);
  const staging = `${path}.${process.pid}`;
  const fd = openSync(staging, 'w');
  try {
    writeSync(fd, `${epoch}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(staging, path);
  fsyncDir(dir);
}
