import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { headCommit } from '../../../src/core/record/location';
import { RecordStore } from '../../../src/core/record/store';
import { boardSessions, HOOKS_SILENT_AFTER_MS } from '../../../src/core/report/boardState';
import { buildTrail } from '../../../src/core/report/trail';
import { gitRepo, tempDir } from '../helpers/tmp';

const git = (cwd: string, ...args: string[]): string => execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();
const CLI = join(__dirname, '..', '..', '..', 'dist', 'cli.js');

test('HEAD is read from git\'s files: loose and packed refs, detached, and in a worktree', (t) => {
  const repo = gitRepo(t);
  assert.equal(headCommit(repo), git(repo, 'rev-parse', 'HEAD'));
  git(repo, 'pack-refs', '--all');
  assert.equal(headCommit(repo), git(repo, 'rev-parse', 'HEAD'));
  git(repo, 'commit', '-q', '--allow-empty', '-m', 'second');
  git(repo, 'checkout', '-q', '--detach', 'HEAD~1');
  assert.equal(headCommit(repo), git(repo, 'rev-parse', 'HEAD'));
  const wt = join(tempDir(t), 'wt');
  git(repo, 'worktree', 'add', '-q', '-b', 'side', wt, 'main');
  assert.equal(headCommit(wt), git(repo, 'rev-parse', 'main'));
  assert.equal(headCommit(tempDir(t)), undefined);
});

test('hooks record the commit a check ran on, and whether the tree was dirty at session start', async (t) => {
  const repo = gitRepo(t);
  writeFileSync(join(repo, 'tracked.txt'), 'a');
  git(repo, 'add', 'tracked.txt');
  git(repo, 'commit', '-q', '-m', 'tracked');
  writeFileSync(join(repo, 'tracked.txt'), 'changed');
  const head = git(repo, 'rev-parse', 'HEAD');
  const run = (event: string, payload: object): void => {
    const r = spawnSync(process.execPath, [CLI, 'hook', event], { input: JSON.stringify({ session_id: 'g1', cwd: repo, ...payload }), encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  };
  run('SessionStart', { source: 'startup' });
  run('PreToolUse', { tool_name: 'Bash', tool_input: { command: 'npm test' }, tool_use_id: 'toolu_g' });
  run('PostToolUse', { tool_name: 'Bash', tool_input: { command: 'npm test' }, tool_use_id: 'toolu_g', tool_response: { stdout: 'ok' } });
  const store = await RecordStore.open(join(repo, '.git', 'flightdeck'), { readOnly: true });
  const trail = buildTrail(store.db, 'g1');
  assert.equal(trail?.startCommit, head);
  assert.equal(trail?.startDirty, true);
  assert.deepEqual(trail?.checks.map((c) => [c.kind, c.passed, c.commit]), [['test', true, head]]);
  store.close();
});

test('a session whose hooks went quiet while its transcript went on is flagged', async (t) => {
  const store = await RecordStore.open(tempDir(t));
  const t0 = Date.UTC(2026, 10, 20, 9);
  store.append([
    { kind: 'hook.received', session: 'quiet', at: t0, source: 'claude-hook', data: { hook: 'PreToolUse' } },
    { kind: 'prompt.submitted', session: 'quiet', at: t0 + HOOKS_SILENT_AFTER_MS + 60_000, source: 'claude-transcript', data: { text: 'go on' } },
    { kind: 'hook.received', session: 'fine', at: t0, source: 'claude-hook', data: { hook: 'PreToolUse' } },
    { kind: 'prompt.submitted', session: 'fine', at: t0 + 1000, source: 'claude-transcript', data: { text: 'go on' } },
    { kind: 'prompt.submitted', session: 'unhooked', at: t0 + 5 * 60_000, source: 'claude-transcript', data: { text: 'no hooks here' } },
  ]);
  const flags = Object.fromEntries(boardSessions(store.db).map((s) => [s.id, s.hooksSilent]));
  assert.deepEqual(flags, { quiet: true, fine: false, unhooked: false });
  store.close();
});
