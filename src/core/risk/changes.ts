// What changed since a base commit, read from git in two processes run side by side: one `git diff -U0`
// of the working tree against the base (committed and uncommitted changes alike, with the added lines and
// their new line numbers) and one `git ls-files` for untracked files (ignored ones left out), read whole
// while the diff is still running.
import { closeSync, fstatSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { git } from '../git';
import { headCommit } from '../record/location';
import type { AddedLine, ChangedFile } from './classify';

/** Git's empty tree: the base of a repository with no commit yet. */
const EMPTY_TREE = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';
/** Untracked files are read up to this size: enough for any hand-written file. */
export const MAX_READ_BYTES = 512 * 1024;

/** Git's output; a failure is an error that names the command and what git said. */
async function gitText(cwd: string, args: string[]): Promise<string> {
  const r = await git(cwd, ['-c', 'core.quotePath=false', ...args]);
  if (r.code !== 0) throw new Error(`git ${args[0]}: ${r.stderr.trim() || `exited with ${r.code}`}`);
  return r.stdout;
}

/** A C-quoted path as git writes one with unusual characters ("a\"b", "tab\there"). */
function unquote(s: string): string {
  if (!s.startsWith('"')) return s;
  const bytes: number[] = [];
  const simple: Record<string, number> = { n: 10, t: 9, r: 13, '"': 34, '\\': 92, a: 7, b: 8, f: 12, v: 11 };
  for (let i = 1; i < s.length - 1; i++) {
    const c = s.charAt(i);
    if (c !== '\\') {
      bytes.push(...Buffer.from(c, 'utf8'));
      continue;
    }
    const e = s.charAt(++i);
    if (/[0-7]/.test(e)) {
      bytes.push(parseInt(s.slice(i, i + 3), 8));
      i += 2;
    } else bytes.push(simple[e] ?? e.charCodeAt(0));
  }
  return Buffer.from(bytes).toString('utf8');
}

// git ends a ---/+++ path that has a space with a tab, so that patch tools can tell where it ends.
const stripPrefix = (p: string): string => unquote(p.replace(/\t$/, '')).replace(/^[ab]\//, '');

/** Parses `git diff -U0 --src-prefix=a/ --dst-prefix=b/` output into changed files with their added lines. */
export function parseUnifiedDiff(diff: string): ChangedFile[] {
  const out: ChangedFile[] = [];
  let file: ChangedFile | undefined;
  let header = '';
  let next = 0;
  const finish = (): void => {
    if (!file) return;
    if (!file.path) {
      // Neither ---/+++ nor rename lines (a mode change, a binary file): the header's two halves are equal.
      const rest = header.slice('diff --git '.length);
      file.path = rest.startsWith('"') ? stripPrefix(rest.slice(0, rest.indexOf('" ') + 1)) : stripPrefix(rest.slice(0, (rest.length - 1) / 2));
    }
    out.push(file);
  };
  let inHunk = false;
  for (const line of diff.split('\n')) {
    if (line.startsWith('diff --git ')) {
      finish();
      header = line;
      file = { path: '', change: 'modified', added: [] };
      inHunk = false;
      continue;
    }
    if (!file) continue;
    if (inHunk) {
      const c = line.charCodeAt(0);
      if (c === 43 /* + */) {
        file.added.push({ line: next++, text: line.slice(1) });
        continue;
      }
      if (c === 45 /* - */ || c === 92 /* \ */) continue;
      if (!line.startsWith('@@')) inHunk = false;
    }
    if (line.startsWith('@@')) {
      const m = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(line);
      next = Number(m?.[1] ?? 1);
      inHunk = true;
    } else if (line.startsWith('new file mode')) file.change = 'added';
    else if (line.startsWith('deleted file mode')) file.change = 'deleted';
    else if (line.startsWith('rename from ')) {
      file.change = 'renamed';
      file.oldPath = unquote(line.slice('rename from '.length));
    } else if (line.startsWith('rename to ')) file.path = unquote(line.slice('rename to '.length));
    else if (line.startsWith('--- ') && line !== '--- /dev/null' && file.change === 'deleted') file.path = stripPrefix(line.slice(4));
    else if (line.startsWith('+++ ') && line !== '+++ /dev/null') file.path = stripPrefix(line.slice(4));
    else if (line.startsWith('Binary files ')) {
      file.binary = true;
      const m = / and (.+) differ$/.exec(line);
      if (m?.[1] && m[1] !== '/dev/null' && !file.path) file.path = stripPrefix(m[1]);
    }
  }
  finish();
  return out;
}

/** A file's text as added lines, or undefined when it looks binary (a NUL byte) or cannot be read. */
export function readAsAdded(absPath: string, maxBytes = MAX_READ_BYTES): { added: AddedLine[]; binary: boolean } | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(absPath, 'r');
    const size = Math.min(fstatSync(fd).size, maxBytes);
    const buf = Buffer.allocUnsafe(size);
    const n = size === 0 ? 0 : readSync(fd, buf, 0, size, 0);
    const bytes = buf.subarray(0, n);
    if (bytes.subarray(0, 8000).includes(0)) return { added: [], binary: true };
    const text = bytes.toString('utf8');
    const lines = text.split('\n');
    if (n === maxBytes) lines.pop(); // the last line read may be cut short
    else if (lines.at(-1) === '') lines.pop();
    return { added: lines.map((t, i) => ({ line: i + 1, text: t.endsWith('\r') ? t.slice(0, -1) : t })), binary: false };
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

export interface WorkingChanges {
  /** The commit the changes are against; undefined for a repository with no commit. */
  base: string | undefined;
  files: ChangedFile[];
  /** The files among them git does not track yet (not ignored). */
  untracked: string[];
}

export interface ChangesOptions {
  /**
   * Given the untracked files (read from disk) while git is still computing the diff: a caller can classify them
   * meanwhile. They are in `files` too, after the diff's files.
   */
  onUntracked?: (files: readonly ChangedFile[]) => void;
}

/** The working tree's changes since `base` (default HEAD), committed or not, untracked files included. */
export async function changesSince(repoRoot: string, base?: string, options: ChangesOptions = {}): Promise<WorkingChanges> {
  // HEAD is read from git's files (no process); git is asked only for a layout this does not know.
  const resolved = base ?? headCommit(repoRoot) ?? (await gitText(repoRoot, ['rev-parse', '--verify', '--quiet', 'HEAD^{commit}']).then((s) => s.trim() || undefined, () => undefined));
  // The diff is the long one: started first; the untracked files are read (and classified) while it runs.
  const diff = gitText(repoRoot, ['diff', '-U0', '--no-color', '--no-ext-diff', '--no-textconv', '-M', '--src-prefix=a/', '--dst-prefix=b/', resolved ?? EMPTY_TREE, '--']).catch((e: Error) => {
    throw base && /bad revision|unknown revision|bad object/i.test(e.message) ? new Error(`the base commit ${base} is not in this repository`) : e;
  });
  diff.catch(() => undefined); // awaited below; not an unhandled rejection while the untracked files are read
  const untrackedPaths = (await gitText(repoRoot, ['ls-files', '--others', '--exclude-standard', '-z'])).split('\0').filter(Boolean);
  const untracked: ChangedFile[] = untrackedPaths.map((path) => {
    const read = readAsAdded(join(repoRoot, path));
    return { path, change: 'added', added: read?.added ?? [], binary: read?.binary };
  });
  options.onUntracked?.(untracked);
  const files = parseUnifiedDiff(await diff);
  files.push(...untracked);
  return { base: resolved, files, untracked: untrackedPaths };
}

const SKIP_DIRS = new Set(['.git', 'node_modules']);

/** Files as they are on disk (every line counts as added): `flightdeck risk PATH…`. Folders are walked. */
export function filesOnDisk(repoRoot: string, paths: readonly string[], cwd: string): ChangedFile[] {
  const out: ChangedFile[] = [];
  const visit = (abs: string): void => {
    const st = statSync(abs);
    if (st.isDirectory()) {
      for (const entry of readdirSync(abs)) if (!SKIP_DIRS.has(entry)) visit(join(abs, entry));
      return;
    }
    const rel = relative(repoRoot, abs).split(sep).join('/');
    const read = readAsAdded(abs);
    out.push({ path: rel, change: 'modified', added: read?.added ?? [], binary: read?.binary });
  };
  for (const p of paths) {
    const abs = resolve(cwd, p);
    const rel = relative(repoRoot, abs);
    if (rel.startsWith('..') || resolve(repoRoot, rel) !== abs) throw new Error(`${p} is outside the repository ${repoRoot}`);
    visit(abs);
  }
  return out;
}
