import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gitEvents } from '../../../src/core/capture/gitHistory';
import { RecordStore } from '../../../src/core/record/store';
import { buildTrail } from '../../../src/core/report/trail';
import { trailToMarkdown } from '../../../src/core/report/trailMarkdown';
import { gitRepo, tempDir } from '../helpers/tmp';

function commitAt(repo: string, file: string, text: string, message: string, at: number): string {
  writeFileSync(join(repo, file), text);
  const date = new Date(at).toISOString();
  const env = { ...process.env, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date };
  execFileSync('git', ['add', '-A'], { cwd: repo });
  execFileSync('git', ['commit', '-q', '-m', message], { cwd: repo, env });
  return execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { cwd: repo, encoding: 'utf8' }).trim();
}

test('a session gets its starting commit, its commits, end commit and diff stat from git history', async (t) => {
  const repo = gitRepo(t);
  const t0 = Date.UTC(2026, 10, 20, 9, 0, 0);
  const base = commitAt(repo, 'api.ts', 'a\n', 'base', t0 - 3_600_000);
  const fix = commitAt(repo, 'api.ts', 'a\nb\nc\n', 'validate signup input', t0 + 600_000);
  const after = commitAt(repo, 'later.ts', 'x\n', 'unrelated, after the session', t0 + 7_200_000);
  const store = await RecordStore.open(tempDir(t));
  store.append([
    // A branch that no longer exists (merged and deleted): HEAD's history answers instead.
    { kind: 'session.started', session: 's1', at: t0, data: { agent: 'claude-code', branch: 'feature/gone', cwd: repo } },
    { kind: 'note', session: 's1', at: t0 + 1_200_000, data: { text: 'done' } },
  ]);
  store.append(await gitEvents(repo, store.db));
  const trail = buildTrail(store.db, 's1');
  assert.equal(trail?.startCommit, base);
  assert.equal(trail?.endCommit, fix);
  assert.equal(trail?.commits.length, 1);
  assert.match(trail?.commits[0] ?? '', /^[0-9a-f]{7,} validate signup input$/);
  assert.ok(fix.startsWith(trail?.commits[0]?.split(' ')[0] ?? '-'));
  assert.match(trail?.diffStat ?? '', /1 file changed, 2 insertions\(\+\)/);
  assert.ok(!JSON.stringify(trail).includes(after));
  assert.match(trailToMarkdown(trail!), /- Rollback: revert [0-9a-f]+ \(or reset to [0-9a-f]+\)/);
  assert.equal((await gitEvents(repo, store.db)).length, 0, 'nothing to recompute until the session moves on');
  store.close();
});
