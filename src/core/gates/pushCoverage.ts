// What a push carries that needs a review: the risky files among the pushed commits (in a category whose changes
// need one), each as the content it pushes, and whether the record holds a passed (or overridden) review of exactly
// that content. A review records each file's git blob id as it saw it (reviews.ts), so a change committed after its
// review is known as reviewed, and one changed after it is not.
import { existsSync } from 'node:fs';
import type { Database } from 'sql.js';
import { git, runGit } from '../git';
import { RecordStore } from '../record/store';
import { UnifiedDiffReader } from '../risk/changes';
import { compilePolicy, riskOf } from '../risk/classify';
import type { Policy } from '../risk/types';

const EMPTY_TREE = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';
const ZERO = /^0+$/;

/** The two commits of one pushed ref, as git gives them to a pre-push hook. */
export interface RefShas {
  localSha: string;
  remoteSha: string;
}

export interface PushedRiskyFile {
  path: string;
  categories: string[];
  /** The blob the push gives the path; undefined when the push deletes it. */
  blob?: string;
}

/** How a file's reviewed content is named: its path and blob, or its deletion. */
export const coverageKey = (path: string, blob: string | undefined): string => `${path}\0${blob ?? 'deleted'}`;

/** The commit a ref's pushed changes are measured from: the remote's, when known here; else where it leaves what the remotes have. */
export async function pushBase(repoRoot: string, ref: RefShas, remote: string | undefined): Promise<string> {
  if (!ZERO.test(ref.remoteSha) && (await runGit(repoRoot, ['rev-parse', '--verify', '--quiet', `${ref.remoteSha}^{commit}`]).catch(() => '')).trim()) {
    return ref.remoteSha;
  }
  const out = await runGit(repoRoot, ['rev-list', '--boundary', ref.localSha, '--not', remote ? `--remotes=${remote}` : '--remotes']);
  // A boundary commit is one the remotes have; with several (a merge), the first is taken: more files, never fewer.
  const boundary = out.split('\n').find((l) => l.startsWith('-'));
  return boundary ? boundary.slice(1).trim() : EMPTY_TREE;
}

/** The pushed files in a category that needs a review (classified as `flightdeck risk` does), with their pushed blobs. */
export async function pushedRiskyFiles(repoRoot: string, policy: Policy, base: string, localSha: string): Promise<PushedRiskyFile[]> {
  const reviewed = new Set(policy.categories.filter((c) => c.review).map((c) => c.id));
  if (reviewed.size === 0) return [];
  const compiled = compilePolicy(policy);
  const found: { path: string; categories: string[]; deleted: boolean }[] = [];
  let failed: unknown;
  const reader = new UnifiedDiffReader((f) => {
    const risky = riskOf(compiled, f);
    const categories = risky?.categories.filter((c) => reviewed.has(c)) ?? [];
    if (risky && categories.length) found.push({ path: risky.path, categories, deleted: risky.change === 'deleted' });
  });
  const args = ['-c', 'core.quotePath=false', 'diff', '-U0', '--no-color', '--no-ext-diff', '--no-textconv', '-M', '--src-prefix=a/', '--dst-prefix=b/', base, localSha, '--'];
  const r = await git(repoRoot, args, {
    onStdout: (chunk) => {
      if (failed) return;
      try {
        reader.push(chunk);
      } catch (e) {
        failed = e;
      }
    },
  });
  if (r.code !== 0) throw new Error(`git diff ${base.slice(0, 12)} ${localSha.slice(0, 12)}: ${r.stderr.trim() || `exited with ${r.code}`}`);
  if (!failed) reader.end();
  if (failed) throw failed;
  const kept = found.filter((f) => !f.deleted).map((f) => f.path);
  const blobs = new Map<string, string>();
  if (kept.length) {
    // `<mode> <type> <blob>\t<path>`, NUL-terminated; literal pathspecs, so a path with `*` names only itself.
    const listed = await runGit(repoRoot, ['--literal-pathspecs', 'ls-tree', '-z', localSha, '--', ...kept]);
    for (const entry of listed.split('\0')) {
      const tab = entry.indexOf('\t');
      if (tab > 0) blobs.set(entry.slice(tab + 1), entry.slice(0, tab).split(' ')[2] ?? '');
    }
  }
  return found.map((f) => ({ path: f.path, categories: f.categories, ...(f.deleted ? {} : { blob: blobs.get(f.path) ?? 'unknown' }) }));
}

/** Every file content a passed review, or one overridden and not lapsed at `now`, saw (coverageKey). */
export async function reviewedContents(recordDir: string, now: number): Promise<Set<string>> {
  if (!existsSync(recordDir)) return new Set();
  const store = await RecordStore.open(recordDir, { readOnly: true });
  try {
    return reviewedContentsIn(store.db, now);
  } finally {
    store.close();
  }
}

/** The same, from a record already open. */
export function reviewedContentsIn(db: Database, now: number): Set<string> {
  const out = new Set<string>();
  const rows = db.exec(
    `SELECT files FROM reviews WHERE status = 'passed' OR (status = 'overridden' AND (expires_at IS NULL OR expires_at > ?))`, [now],
  )[0]?.values ?? [];
  for (const [files] of rows) {
    let list: unknown;
    try {
      list = JSON.parse(String(files ?? '[]'));
    } catch {
      continue;
    }
    if (!Array.isArray(list)) continue;
    for (const f of list as { path?: unknown; change?: unknown; blob?: unknown }[]) {
      if (typeof f?.path !== 'string') continue;
      if (typeof f.blob === 'string') out.add(coverageKey(f.path, f.blob));
      else if (f.change === 'deleted') out.add(coverageKey(f.path, undefined));
    }
  }
  return out;
}
