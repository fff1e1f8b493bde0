import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gitEvents, recordGitFacts } from '../../../src/core/capture/gitHistory';
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
  return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: repo, encoding: 'utf8' }).trim();
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
  assert.equal(trail?.commits[0], `${fix} validate signup input`, 'full commit ids, as hooks record them');
  assert.match(trail?.diffStat ?? '', /1 file changed, 2 insertions\(\+\)/);
  assert.ok(!JSON.stringify(trail).includes(after));
  assert.match(trailToMarkdown(trail!), /- Rollback: revert [0-9a-f]+ \(or reset to [0-9a-f]+\)/);
  assert.equal((await gitEvents(repo, store.db)).length, 0, 'nothing to recompute until the session moves on');
  store.close();
});

/** Puts a `git` first on PATH that logs each call, then runs the real one. */
function countGitCalls(t: { after(fn: () => void): void }): () => string[] {
  const bin = join(tempDir(t), 'bin');
  const log = join(bin, 'calls.log');
  mkdirSync(bin);
  const real = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
  writeFileSync(join(bin, 'git'), `#!/bin/sh\necho "$*" >> '${log}'\nexec '${real}' "$@"\n`);
  chmodSync(join(bin, 'git'), 0o755);
  writeFileSync(log, '');
  const path = process.env.PATH;
  process.env.PATH = `${bin}:${path}`;
  t.after(() => { process.env.PATH = path; });
  return () => readFileSync(log, 'utf8').split('\n').filter(Boolean);
}

test('git facts for hundreds of sessions on several branches come from a fixed handful of git processes', async (t) => {
  const repo = gitRepo(t);
  const git = (...args: string[]): string => execFileSync('git', args, { cwd: repo, encoding: 'utf8' }).trim();
  const t0 = Date.UTC(2026, 9, 1, 8, 0, 0);
  const hour = 3_600_000;
  const main: string[] = [];
  for (let i = 0; i < 20; i++) main.push(commitAt(repo, 'a.ts', `${i}\n`, `main ${i}`, t0 + i * 10 * hour + 300_000));
  git('checkout', '-q', '-b', 'feature', main[5] as string);
  const feature: string[] = [];
  for (let i = 0; i < 5; i++) feature.push(commitAt(repo, 'b.ts', `${i}\n`, `feature ${i}`, t0 + (51 + i * 10) * hour + 300_000));
  git('checkout', '-q', 'main');
  const store = await RecordStore.open(tempDir(t));
  const events = [];
  for (let i = 0; i < 300; i++) {
    const at = t0 + i * hour + 1000;
    const branch = i % 3 === 0 ? 'feature' : 'main';
    events.push({ kind: 'session.started', session: `s${i}`, at, data: { agent: 'claude-code', branch, cwd: repo } });
    events.push({ kind: 'note', session: `s${i}`, at: at + 20 * 60_000, data: { text: 'x' } });
  }
  // A check imported from a transcript names no commit: history tells which one it ran on.
  events.push({ kind: 'tool.called', session: 's100', at: t0 + 100 * hour + 60_000, source: 'claude-transcript',
    data: { toolUseId: 'toolu_check', tool: 'Bash', command: 'npm test', check: 'test' } });
  events.push({ kind: 'tool.result', session: 's100', at: t0 + 100 * hour + 90_000, source: 'claude-transcript',
    data: { toolUseId: 'toolu_check', tool: 'Bash', command: 'npm test', check: 'test', outcome: 'ok', exitCode: 0 } });
  store.append(events);
  const calls = countGitCalls(t);
  store.append(await gitEvents(repo, store.db));
  assert.ok(calls().length <= 4, `git ran ${calls().length} times:\n${calls().join('\n')}`);

  // Each answer matches what `git rev-list -1 --before` says for that session's branch.
  const before = (ref: string, at: number): string => git('rev-list', '-1', `--before=${new Date(at).toISOString()}`, ref);
  for (const i of [0, 3, 50, 51, 52, 57, 100, 101, 199, 299]) {
    const branch = i % 3 === 0 ? 'feature' : 'main';
    const at = t0 + i * hour + 1000;
    const trail = buildTrail(store.db, `s${i}`);
    assert.equal(trail?.startCommit, before(branch, at), `start of s${i} on ${branch}`);
    assert.equal(trail?.endCommit, before(branch, at + 20 * 60_000 + 1000), `end of s${i} on ${branch}`);
  }
  // A session during which a commit landed lists it and its diff stat.
  const s50 = buildTrail(store.db, 's50');
  assert.deepEqual(s50?.commits, [`${main[5]} main 5`]);
  assert.match(s50?.diffStat ?? '', /1 file changed, 1 insertion\(\+\), 1 deletion\(-\)/);
  const check = buildTrail(store.db, 's100')?.checks[0];
  assert.equal(check?.commit, main[9], 'the commit main was at when the check ran (main 10 came five minutes later)');
  store.close();
});

test('git facts for thousands of sessions are recorded in steps: the thread is never held long in one piece', async (t) => {
  const repo = gitRepo(t);
  const t0 = Date.UTC(2026, 10, 20, 9, 0, 0);
  commitAt(repo, 'a.ts', 'a\n', 'base', t0 - 3_600_000);
  const store = await RecordStore.open(tempDir(t));
  t.after(() => store.close());
  const sessions = 3_000;
  for (let i = 0; i < sessions; i += 500) {
    store.append(Array.from({ length: 500 }, (_, j) => ({ kind: 'session.started', session: `s${i + j}`, at: t0 + (i + j) * 1000, data: { agent: 'claude-code', cwd: repo } })));
  }
  // The longest the event loop waited for its turn while the facts were worked out and recorded (generous: a slow CI):
  // the longest gap between ticks of a 10 ms timer.
  let last = performance.now();
  let longestMs = 0;
  const ticks = setInterval(() => {
    const now = performance.now();
    longestMs = Math.max(longestMs, now - last);
    last = now;
  }, 10);
  const progress: [number, number][] = [];
  const recorded = await recordGitFacts(repo, () => store, { onProgress: (done, total) => progress.push([done, total]) });
  longestMs = Math.max(longestMs, performance.now() - last);
  clearInterval(ticks);
  assert.equal(recorded, sessions);
  assert.equal(Number(store.db.exec('SELECT count(*) FROM sessions WHERE git_at IS NOT NULL')[0]?.values[0]?.[0]), sessions, 'every session has its facts');
  assert.ok(progress.length > 1, 'progress reported as it goes');
  for (let i = 1; i < progress.length; i++) assert.ok((progress[i] as [number, number])[0] > (progress[i - 1] as [number, number])[0]);
  assert.deepEqual(progress[progress.length - 1], [sessions, sessions]);
  assert.ok(longestMs < 1_000, `the thread was held ${longestMs.toFixed(0)} ms in one piece`);
  // Nothing left to do: a second pass records nothing.
  assert.equal(await recordGitFacts(repo, () => store), 0);
});

test('git facts stop when the record is closed meanwhile', async (t) => {
  const repo = gitRepo(t);
  const store = await RecordStore.open(tempDir(t));
  store.append(Array.from({ length: 300 }, (_, i) => ({ kind: 'session.started', session: `s${i}`, at: 1_000 + i, data: { agent: 'claude-code' } })));
  let open: RecordStore | undefined = store;
  let steps = 0;
  const recorded = await recordGitFacts(repo, () => open, {
    eventsPerStep: 50,
    stepMs: 1,
    pause: async () => {
      if (++steps === 3) {
        open?.close();
        open = undefined;
      }
    },
  });
  assert.ok(recorded > 0 && recorded < 300, `${recorded}`);
});
