// Reads a unified diff (`git diff` output) into files and their added/removed lines with line numbers.

export interface DiffLine {
  /** 1-based line in the new file (added) or the old file (removed). */
  line: number;
  text: string;
}

export interface DiffFile {
  /** The new path (the old one for a deletion), repository-relative. */
  path: string;
  oldPath?: string;
  change: 'added' | 'modified' | 'deleted' | 'renamed';
  added: DiffLine[];
  removed: DiffLine[];
  /** The file's diff text, from its `diff --git` line. */
  text: string;
}

const HUNK = /^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@/;

/** `a/path` or `"a/p\tath"` as git prints it; null for /dev/null. */
function pathOf(raw: string): string | null {
  let p = raw.trim();
  if (p === '/dev/null') return null;
  if (p.startsWith('"') && p.endsWith('"')) {
    try {
      p = JSON.parse(p) as string;
    } catch {
      p = p.slice(1, -1);
    }
  }
  return p.replace(/^[ab]\//, '');
}

/** Splits a unified diff into its files; text that is not a diff gives no files. */
export function parseUnifiedDiff(diff: string): DiffFile[] {
  const files: DiffFile[] = [];
  let file: DiffFile | undefined;
  let start = 0;
  let oldLine = 0;
  let newLine = 0;
  let inHunk = false;
  const lines = diff.split('\n');
  const close = (end: number): void => {
    if (file) file.text = lines.slice(start, end).join('\n');
  };
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i] as string;
    if (l.startsWith('diff --git ')) {
      close(i);
      const m = /^diff --git (?:"?a\/)(.+?)"? (?:"?b\/)(.+?)"?$/.exec(l);
      file = { path: m?.[2] ?? '', change: 'modified', added: [], removed: [], text: '' };
      if (m && m[1] !== m[2]) file.oldPath = m[1];
      files.push(file);
      start = i;
      inHunk = false;
      continue;
    }
    if (!file) continue;
    const hunk = HUNK.exec(l);
    if (hunk) {
      oldLine = Number(hunk[1]);
      newLine = Number(hunk[2]);
      inHunk = true;
      continue;
    }
    if (!inHunk) {
      if (l.startsWith('new file mode')) file.change = 'added';
      else if (l.startsWith('deleted file mode')) file.change = 'deleted';
      else if (l.startsWith('rename from ')) {
        file.oldPath = l.slice('rename from '.length);
        file.change = 'renamed';
      } else if (l.startsWith('rename to ')) file.path = l.slice('rename to '.length);
      else if (l.startsWith('--- ')) {
        const p = pathOf(l.slice(4));
        if (p === null) file.change = 'added';
      } else if (l.startsWith('+++ ')) {
        const p = pathOf(l.slice(4));
        if (p === null) file.change = 'deleted';
        else file.path = p;
      }
      continue;
    }
    if (l.startsWith('+')) file.added.push({ line: newLine++, text: l.slice(1) });
    else if (l.startsWith('-')) file.removed.push({ line: oldLine++, text: l.slice(1) });
    else if (l.startsWith(' ')) {
      oldLine++;
      newLine++;
    } else if (!l.startsWith('\\')) inHunk = l === '' ? inHunk : false;
  }
  close(lines.length);
  for (const f of files) if (f.change === 'deleted' && f.oldPath && !f.path) f.path = f.oldPath;
  return files;
}
