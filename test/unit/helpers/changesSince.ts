// Every change since a base as one list (the diff's files, then the untracked ones): what the tests compare
// readChangesSince's stream against.
import { readChangesSince } from '../../../src/core/risk/changes';
import type { ChangedFile } from '../../../src/core/risk/classify';

export async function changesSince(repoRoot: string, base?: string): Promise<{ base: string | undefined; files: ChangedFile[]; untracked: string[] }> {
  const fromDiff: ChangedFile[] = [];
  const fromDisk: ChangedFile[] = [];
  const read = await readChangesSince(repoRoot, base, (f, untracked) => (untracked ? fromDisk : fromDiff).push(f));
  return { base: read.base, files: fromDiff.concat(fromDisk), untracked: read.untracked };
}
