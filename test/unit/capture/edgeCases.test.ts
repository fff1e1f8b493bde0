import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { importTranscripts } from '../../../src/core/capture/claudeImport';
import { flightdeckCommands, hookCommand, withFlightdeckHooks } from '../../../src/core/capture/claudeSettings';
import { cwdMatcher } from '../../../src/core/capture/workspace';
import { RecordStore } from '../../../src/core/record/store';
import { buildTrail } from '../../../src/core/report/trail';
import { TranscriptWriter } from '../../fixtures/claudeTranscript';
import { tempDir } from '../helpers/tmp';

async function importOne(t: { after(fn: () => void): void }, w: TranscriptWriter, extra: [string, TranscriptWriter][] = []) {
  const projects = tempDir(t, 'fd-claude-');
  mkdirSync(join(projects, 'p'));
  writeFileSync(join(projects, 'p', `${w.s.sessionId}.jsonl`), w.toString());
  for (const [name, other] of extra) writeFileSync(join(projects, 'p', name), other.toString());
  const store = await RecordStore.open(tempDir(t));
  const summary = await importTranscripts(store, { projectsDir: projects, accept: cwdMatcher([w.s.cwd]) });
  return { store, summary };
}

test('a background command is not a passed check, and a timed-out one is a failed check', async (t) => {
  const w = new TranscriptWriter({ sessionId: 'bg', cwd: '/repo' });
  w.prompt('run the tests');
  w.tool('Bash', { command: 'npm test', run_in_background: true }, { text: 'Command running in background with ID: abc' });
  w.tool('Bash', { command: 'npm run typecheck' }, { text: 'Command timed out after 2m 0.0s', isError: true });
  const { store } = await importOne(t, w);
  const trail = buildTrail(store.db, 'bg');
  assert.deepEqual(trail?.checks.map((c) => [c.command, c.passed, c.exitCode]), [['npm run typecheck', false, null]]);
  assert.deepEqual(trail?.failures, ['npm run typecheck failed (exit ?)']);
  store.close();
});

test('a prompt with an image is still the intent; a session that moves to another folder stays recorded', async (t) => {
  const w = new TranscriptWriter({ sessionId: 'img', cwd: '/repo' });
  w.push({ type: 'user', sessionId: 'img', uuid: 'u-img', cwd: '/repo', timestamp: new Date().toISOString(),
    message: { role: 'user', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } }, { type: 'text', text: 'make the button look like this' }] } });
  const moved = new TranscriptWriter({ sessionId: 'img', cwd: '/elsewhere/added-dir' });
  moved.bash('npm run lint', 0, 'ok');
  w.raw(moved.lines.join('\n'));
  const { store } = await importOne(t, w);
  const trail = buildTrail(store.db, 'img');
  assert.equal(trail?.intent, 'make the button look like this');
  assert.deepEqual(trail?.checks.map((c) => c.command), ['npm run lint']);
  store.close();
});

test('another project\'s transcript costs nothing in this record: no events, no cursors', async (t) => {
  const mine = new TranscriptWriter({ sessionId: 'mine', cwd: '/repo' });
  mine.prompt('hello');
  const theirs = new TranscriptWriter({ sessionId: 'theirs', cwd: '/other/project' });
  theirs.prompt('not ours');
  theirs.bash('npm test', 0);
  const { store, summary } = await importOne(t, mine, [['theirs.jsonl', theirs]]);
  assert.equal(summary.otherWorkspace, 1);
  const sources = store.db.exec(`SELECT data FROM events WHERE kind = 'capture.cursor'`)[0]?.values.map((r) => String(r[0])) ?? [];
  assert.equal(sources.length, 1);
  assert.ok(!sources[0]?.includes('theirs'));
  store.close();
});

test('a task applies to sessions started after it, until it is ended', async (t) => {
  const store = await RecordStore.open(tempDir(t));
  const t0 = Date.UTC(2026, 10, 20, 9);
  store.append([
    { kind: 'session.started', session: 'before', at: t0 - 60_000, data: {} },
    { kind: 'task.started', at: t0, data: { intent: 'the task', allow: ['api/**'], forbid: [], requiredChecks: [] } },
    { kind: 'session.started', session: 'during', at: t0 + 60_000, data: {} },
    { kind: 'task.ended', at: t0 + 120_000, data: {} },
    { kind: 'session.started', session: 'after', at: t0 + 180_000, data: {} },
  ]);
  assert.deepEqual(['before', 'during', 'after'].map((id) => buildTrail(store.db, id)?.intent), ['', 'the task', '']);
  store.close();
});

test('installed hook commands are found, to refresh them after the extension moves', () => {
  const settings = withFlightdeckHooks({}, (e) => hookCommand('/node', '/old/cli.js', e)).settings;
  const commands = flightdeckCommands(settings);
  assert.equal(commands.length, 7);
  assert.ok(commands.every((c) => c.includes('/old/cli.js')));
});
