import { isAbsolute, resolve } from 'node:path';

/** A file a patch touches, by absolute path when the session's folder is known. */
export interface PatchedFile {
  path: string;
  change: 'created' | 'modified' | 'deleted';
}

const HEADER = /^\*\*\* (Add|Update|Delete) File: (.+?)\s*$/;
const MOVE = /^\*\*\* Move to: (.+?)\s*$/;
const CHANGE = { Add: 'created', Update: 'modified', Delete: 'deleted' } as const;

/**
 * The files an apply_patch body names, from its `*** Add File:` / `*** Update File:` / `*** Delete File:`
 * headers (a `*** Move to:` after an update deletes the old path and writes the new one). Paths are made
 * absolute against `cwd`, as Codex applies them.
 */
export function patchedFiles(patch: string, cwd: string | undefined): PatchedFile[] {
  const out: PatchedFile[] = [];
  const add = (path: string, change: PatchedFile['change']): void => {
    const abs = cwd && !isAbsolute(path) ? resolve(cwd, path) : path;
    const known = out.find((f) => f.path === abs);
    if (known) known.change = known.change === 'created' && change === 'modified' ? 'created' : change;
    else out.push({ path: abs, change });
  };
  let last: PatchedFile | undefined;
  for (const line of patch.split('\n')) {
    const header = HEADER.exec(line);
    if (header?.[1] && header[2]) {
      add(header[2], CHANGE[header[1] as keyof typeof CHANGE]);
      last = out[out.length - 1];
      continue;
    }
    const move = MOVE.exec(line);
    if (move?.[1] && last && last.change === 'modified') {
      last.change = 'deleted';
      add(move[1], 'modified');
      last = undefined;
    }
  }
  return out;
}

/** The patch inside a shell command that runs apply_patch (`apply_patch '…'` or a heredoc), if it is one. */
export function patchInCommand(argv: readonly string[] | undefined, line: string): string | undefined {
  if (argv && (argv[0] === 'apply_patch' || argv[0] === 'applypatch') && typeof argv[1] === 'string') return argv[1];
  const body = /^\s*(?:cd\s+\S+\s*&&\s*)?(?:apply_patch|applypatch)\b[\s\S]*?(\*\*\* Begin Patch[\s\S]*?\*\*\* End Patch)/.exec(line);
  return body?.[1];
}
