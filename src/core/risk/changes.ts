// What changed since a base commit, read from git in two processes run side by side: one `git diff -U0`
// of the working tree against the base (committed and uncommitted changes alike, with the added lines and
// their new line numbers), read as git writes it, and one `git ls-files` for untracked files (ignored ones left
// out), which are read from disk in between.
import { closeSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { git } from '../git';
import { headCommit } from '../record/location';
import { addedWhole, type ChangedFile } from './classify';

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

/**
 * Reads `git diff -U0 --src-prefix=a/ --dst-prefix=b/` output piece by piece as git writes it, handing over each
 * file with its added lines (and their new line numbers) as soon as the next one starts: a large diff is parsed
 * while git is still writing it.
 */
export class UnifiedDiffReader {
  private file: ChangedFile | undefined;
  private header = '';
  private next = 0;
  private inHunk = false;
  /** The bytes after the last line break seen: a line (or a character) cut between two pieces. */
  private rest: Buffer = Buffer.alloc(0);

  constructor(private readonly onFile: (file: ChangedFile) => void) {}

  /** A piece of the output, cut anywhere: a line is read once its line break has come (UTF-8 never has 0x0a inside a character). */
  push(chunk: Buffer): void {
    const cut = chunk.lastIndexOf(10);
    if (cut < 0) {
      this.rest = this.rest.length ? Buffer.concat([this.rest, chunk]) : chunk;
      return;
    }
    const whole = this.rest.length ? Buffer.concat([this.rest, chunk.subarray(0, cut)]) : chunk.subarray(0, cut);
    this.rest = chunk.subarray(cut + 1);
    this.lines(whole.toString('utf8'));
  }

  /** The end of the output: the last file is handed over. */
  end(): void {
    if (this.rest.length) this.lines(this.rest.toString('utf8'));
    this.rest = Buffer.alloc(0);
    this.finish();
  }

  /** Whole lines, as one text. */
  lines(text: string): void {
    for (const line of text.split('\n')) this.line(line);
  }

  private finish(): void {
    const file = this.file;
    if (!file) return;
    if (!file.path) {
      // Neither ---/+++ nor rename lines (a mode change, a binary file): the header's two halves are equal.
      const rest = this.header.slice('diff --git '.length);
      file.path = rest.startsWith('"') ? stripPrefix(rest.slice(0, rest.indexOf('" ') + 1)) : stripPrefix(rest.slice(0, (rest.length - 1) / 2));
    }
    this.file = undefined;
    this.onFile(file);
  }

  private line(line: string): void {
    if (line.startsWith('diff --git ')) {
      this.finish();
      this.header = line;
      this.file = { path: '', change: 'modified', added: [] };
      this.inHunk = false;
      return;
    }
    const file = this.file;
    if (!file) return;
    if (this.inHunk) {
      const c = line.charCodeAt(0);
      if (c === 43 /* + */) {
        file.added.push({ line: this.next++, text: line.slice(1) });
        return;
      }
      if (c === 45 /* - */ || c === 92 /* \ */) return;
      if (!line.startsWith('@@')) this.inHunk = false;
    }
    if (line.startsWith('@@')) {
      const m = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(line);
      this.next = Number(m?.[1] ?? 1);
      this.inHunk = true;
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
}

/** Parses a whole `git diff -U0 --src-prefix=a/ --dst-prefix=b/` output into changed files with their added lines. */
export function parseUnifiedDiff(diff: string): ChangedFile[] {
  const out: ChangedFile[] = [];
  const reader = new UnifiedDiffReader((f) => out.push(f));
  reader.lines(diff);
  reader.end();
  return out;
}

/** Where files are read; it grows to the largest file read (at most MAX_READ_BYTES). */
let readBuffer = Buffer.allocUnsafe(64 * 1024);

/**
 * The file at `absPath`, every line of it added, as `path`: its text is kept whole and its lines made only when
 * asked for (content rules scan the text at once). Empty when it looks binary (a NUL byte) or cannot be read;
 * `bytes`: how much was read.
 */
export function readAddedFile(absPath: string, path: string, change: ChangedFile['change'], maxBytes = MAX_READ_BYTES): { file: ChangedFile; bytes: number } {
  let fd: number | undefined;
  try {
    fd = openSync(absPath, 'r');
    // Read to the end into a buffer kept between files: no stat (its dates cost more than a small file's read).
    let n = 0;
    for (;;) {
      if (n === readBuffer.length && n < maxBytes) {
        const bigger = Buffer.allocUnsafe(Math.min(maxBytes, readBuffer.length * 2));
        readBuffer.copy(bigger, 0, 0, n);
        readBuffer = bigger;
      }
      const room = Math.min(readBuffer.length, maxBytes) - n;
      if (room <= 0) break;
      const got = readSync(fd, readBuffer, n, room, null);
      if (got === 0) break;
      n += got;
    }
    const bytes = readBuffer.subarray(0, n);
    if (bytes.subarray(0, 8000).includes(0)) return { file: addedWhole(path, change, '', true), bytes: n };
    const text = bytes.toString('utf8');
    // The last line read may be cut short: only whole lines count.
    return { file: addedWhole(path, change, n === maxBytes ? text.slice(0, text.lastIndexOf('\n') + 1) : text, false), bytes: n };
  } catch {
    return { file: { path, change, added: [] }, bytes: 0 };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Untracked files are read this much at a time before git's diff output, waiting meanwhile, is read on. */
const UNTRACKED_SLICE_BYTES = 256 * 1024;

/**
 * The working tree's changes since `base` (default HEAD), committed or not, untracked files included, each handed
 * to `onFile` as soon as it is read: the diff's files in git's order as git writes them, and between them the
 * untracked files, read from disk a slice at a time so that git's output keeps flowing (a full pipe stops git).
 * Resolves with the base and the untracked paths once git is done; an error in `onFile` rejects it.
 */
export async function readChangesSince(repoRoot: string, base: string | undefined, onFile: (file: ChangedFile, untracked: boolean) => void): Promise<{ base: string | undefined; untracked: string[] }> {
  // HEAD is read from git's files (no process); git is asked only for a layout this does not know.
  const resolved = base ?? headCommit(repoRoot) ?? (await gitText(repoRoot, ['rev-parse', '--verify', '--quiet', 'HEAD^{commit}']).then((s) => s.trim() || undefined, () => undefined));
  let failed: { error: unknown } | undefined;
  const reader = new UnifiedDiffReader((f) => onFile(f, false));
  // The diff is the long one: started first, and read as it comes while the untracked files are read.
  const args = ['-c', 'core.quotePath=false', 'diff', '-U0', '--no-color', '--no-ext-diff', '--no-textconv', '-M', '--src-prefix=a/', '--dst-prefix=b/', resolved ?? EMPTY_TREE, '--'];
  const diff = git(repoRoot, args, {
    onStdout: (chunk) => {
      if (failed) return;
      try {
        reader.push(chunk);
      } catch (error) {
        failed = { error };
      }
    },
  });
  const untracked = (await gitText(repoRoot, ['ls-files', '--others', '--exclude-standard', '-z'])).split('\0').filter(Boolean);
  let sliceBytes = 0;
  try {
    for (const path of untracked) {
      const read = readAddedFile(join(repoRoot, path), path, 'added');
      onFile(read.file, true);
      sliceBytes += read.bytes;
      if (sliceBytes >= UNTRACKED_SLICE_BYTES) {
        sliceBytes = 0;
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
  } catch (error) {
    failed = { error }; // and the diff's files are no longer handed over
    throw error;
  }
  const r = await diff;
  if (r.code !== 0) {
    const said = r.stderr.trim() || `exited with ${r.code}`;
    throw new Error(base && /bad revision|unknown revision|bad object/i.test(said) ? `the base commit ${base} is not in this repository` : `git diff: ${said}`);
  }
  if (!failed) {
    try {
      reader.end();
    } catch (error) {
      failed = { error };
    }
  }
  if (failed) throw failed.error;
  return { base: resolved, untracked };
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
    out.push(readAddedFile(abs, rel, 'modified').file);
  };
  for (const p of paths) {
    const abs = resolve(cwd, p);
    const rel = relative(repoRoot, abs);
    if (rel.startsWith('..') || resolve(repoRoot, rel) !== abs) throw new Error(`${p} is outside the repository ${repoRoot}`);
    visit(abs);
  }
  return out;
}
