import { spawnSync } from 'node:child_process';

/**
 * The workspace root whose repository holds a commit, if any (asked of git once per commit): older Codex
 * rollouts name no folder, only the commit the session started at.
 */
export function commitPlacer(roots: readonly string[]): (sha: string) => string | undefined {
  const known = new Map<string, string | undefined>();
  return (sha) => {
    if (!/^[0-9a-f]{7,64}$/i.test(sha)) return undefined;
    if (known.has(sha)) return known.get(sha);
    const root = roots.find((r) => spawnSync('git', ['-C', r, 'cat-file', '-e', `${sha}^{commit}`], { stdio: 'ignore', timeout: 5000 }).status === 0);
    known.set(sha, root);
    return root;
  };
}
