import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hookEvents } from '../../../src/core/capture/hook';
import type { FlightTrail } from '../../../src/core/report/flightTrail';
import { projectFolderName } from '../../fixtures/claudeTranscript';
import { gitRepo, tempDir } from '../helpers/tmp';

// A real Claude Code 2.1.332 session (test/fixtures/claude-code-2.x): its hook payloads replayed through
// `flightdeck hook`, its transcript imported by `flightdeck ingest`, alone and together.

const CLI = join(__dirname, '..', '..', '..', 'dist', 'cli.js');
const FIXTURES = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'claude-code-2.x');
const FIXTURE_REPO = '/tmp/fixture-repo';

function cli(args: string[], cwd: string, input?: string): string {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, input, encoding: 'utf8' });
  assert.equal(r.status, 0, `flightdeck ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** The fixture's text with its placeholder repository moved to `repo`. */
const fixture = (name: string, repo: string): string =>
  readFileSync(join(FIXTURES, name), 'utf8').replaceAll(FIXTURE_REPO, repo).replaceAll(projectFolderName(FIXTURE_REPO), projectFolderName(repo));

/** What a user relies on, field by field. */
function facts(t: FlightTrail): Record<string, unknown> {
  return {
    intent: t.intent,
    branch: t.branch,
    startCommit: t.startCommit,
    endCommit: t.endCommit,
    commands: t.commands.map((c) => ({ command: c.command, exitCode: c.exitCode, outcome: c.outcome, note: c.note })),
    filesChanged: t.filesChanged,
    filesRead: t.filesRead,
    checks: t.checks.map((c) => ({ kind: c.kind, command: c.command, passed: c.passed, exitCode: c.exitCode, commit: c.commit })),
    failures: t.failures,
  };
}

test('a session recorded by hooks alone, by its transcript alone and by both is the same flight record', (t) => {
  const repo = gitRepo(t);
  // The repository's commits are older than the session, as they were when Claude Code ran: history then names them too.
  const firstAt = Date.parse(/"timestamp":"([^"]+)"/.exec(fixture('transcript.jsonl', repo))?.[1] ?? '');
  const commit = (args: string[], hoursBefore: number): void => {
    const date = new Date(firstAt - hoursBefore * 3_600_000).toISOString();
    execFileSync('git', ['commit', '-q', '--allow-empty', ...args], { cwd: repo, env: { ...process.env, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date } });
  };
  commit(['--amend', '--no-edit'], 2);
  execFileSync('git', ['checkout', '-q', '-b', 'fix/greeting'], { cwd: repo });
  commit(['-m', 'greeting'], 1);
  const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: repo, encoding: 'utf8' }).trim();
  const record = join(repo, '.git', 'flightdeck');
  const saved = tempDir(t);
  writeFileSync(join(repo, 'notes.txt'), 'hello\n'); // what the agent left uncommitted when the tests ran

  for (const line of fixture('hook-payloads.jsonl', repo).split('\n').filter(Boolean)) {
    const { event, payload } = JSON.parse(line) as { event: string; payload: unknown };
    cli(['hook', event], repo, JSON.stringify(payload));
  }
  renameSync(record, join(saved, 'hooks'));

  const projects = tempDir(t, 'fd-claude-');
  const sessionId = '46b79c32-de78-4bcc-9a51-4fc834049366';
  mkdirSync(join(projects, projectFolderName(repo)));
  writeFileSync(join(projects, projectFolderName(repo), `${sessionId}.jsonl`), fixture('transcript.jsonl', repo));
  const ingest = (): void => void cli(['ingest', 'claude', '--projects-dir', projects], repo);
  const show = (): FlightTrail => JSON.parse(cli(['show', sessionId, '--format', 'json'], repo)) as FlightTrail;

  ingest();
  const transcriptOnly = show();
  rmSync(record, { recursive: true });
  cpSync(join(saved, 'hooks'), record, { recursive: true });
  const hooksOnly = show();
  ingest();
  const both = show();

  const expected = facts(transcriptOnly);
  assert.deepEqual(facts(hooksOnly), expected, 'hooks alone');
  assert.deepEqual(facts(both), expected, 'hooks and transcript');

  // And the record is right, not only the same three times.
  assert.match(hooksOnly.intent, /^The greeting in src\/greet\.js is missing its comma/);
  assert.equal(hooksOnly.branch, 'fix/greeting');
  assert.equal(hooksOnly.startCommit, head);
  assert.equal(hooksOnly.endCommit, head);
  const exit = (command: string): unknown => hooksOnly.commands.find((c) => c.command === command);
  assert.deepEqual(exit('grep -rn "TODO" src'), { ...(exit('grep -rn "TODO" src') as object), exitCode: 1, outcome: 'ok', note: 'No matches found' });
  assert.equal((exit('node -e "process.exit(3)"') as { exitCode: number }).exitCode, 3);
  assert.deepEqual(hooksOnly.filesChanged.map((f) => f.path).sort(), ['CHANGELOG.md', 'notes.txt', 'src/greet.js']);
  assert.deepEqual(hooksOnly.checks.map((c) => [c.kind, c.command, c.passed, c.commit]), [['test', 'npm test', true, head]]);
  assert.ok(hooksOnly.checks[0]?.tree, 'the hook read the tree the check ran on');
  assert.equal(hooksOnly.checks[0]?.treeDirty, true, 'the tests ran on uncommitted changes');
  assert.deepEqual(hooksOnly.failures, [], 'grep with no match is not a failure, and no check failed');
});

test('Claude Code 1.0.x hook payloads, which carry no tool_use_id, are still recorded: once, from PostToolUse', () => {
  const payload = { session_id: 's-old', cwd: '/w', tool_name: 'Bash', tool_input: { command: 'npm test' }, tool_response: { stdout: 'ok' } };
  assert.deepEqual(hookEvents('PreToolUse', payload, 1000).map((e) => e.kind), ['hook.received'], 'a call that cannot be joined waits for its result');
  const post = hookEvents('PostToolUse', { ...payload, duration_ms: 400 }, 2000);
  assert.deepEqual(post.map((e) => e.kind), ['hook.received', 'tool.called', 'tool.result']);
  const [, call, result] = post;
  assert.equal(call?.id?.replace(/^tool:/, 'tool-result:'), result?.id, 'call and result share one id');
  assert.equal(call?.at, 1600, 'the call is placed at its start');
  assert.deepEqual([result?.data.command, result?.data.exitCode, result?.data.check], ['npm test', 0, 'test']);
  const again = hookEvents('PostToolUse', { ...payload, duration_ms: 400 }, 9000);
  assert.notEqual(again[2]?.id, result?.id, 'running the same command again is another call');
});
