import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TranscriptTailer } from '../../../src/core/capture/transcriptTailer';
import { cwdMatcher, projectFolderFilter, workspaceRoots } from '../../../src/core/capture/workspace';
import { RecordStore } from '../../../src/core/record/store';
import { projectFolderName, TranscriptWriter } from '../../fixtures/claudeTranscript';
import { gitRepo, tempDir } from '../helpers/tmp';

/** Resolves once `check` holds, polling every 10 ms; rejects after `ms`. */
async function eventually(check: () => boolean, ms: number, what: string): Promise<number> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > ms) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
  return Date.now() - start;
}

test('the tailer follows a projects folder created after it started, then follows writes by watching, not polling', async (t) => {
  const repo = gitRepo(t);
  const projects = join(tempDir(t, 'fd-claude-'), 'projects'); // not there yet
  const store = await RecordStore.open(tempDir(t));
  // Polls every 50 ms while it cannot watch; once watching, a poll would take ten minutes.
  const tailer = new TranscriptTailer(() => store, { projectsDir: projects, accept: cwdMatcher(workspaceRoots(repo)) }, () => {}, 50, 600_000);
  t.after(() => {
    tailer.dispose();
    store.close();
  });
  tailer.start();
  const file = join(projects, projectFolderName(repo), 'live.jsonl');
  mkdirSync(join(projects, projectFolderName(repo)), { recursive: true });
  const w = new TranscriptWriter({ sessionId: 'tailed-session', cwd: repo });
  w.prompt('follow me');
  writeFileSync(file, w.toString());
  const count = (): number => Number(store.db.exec(`SELECT count(*) FROM commands WHERE session_id = 'tailed-session'`)[0]?.values[0]?.[0]);
  assert.equal(tailer.watching, false, 'nothing to watch yet');
  await eventually(() => store.db.exec(`SELECT 1 FROM sessions WHERE id = 'tailed-session'`).length > 0, 20_000, 'the session from the new folder');
  await eventually(() => tailer.watching, 20_000, 'watching the folder once it exists');
  for (let i = 0; i < 3; i++) {
    const more = new TranscriptWriter({ sessionId: 'tailed-session', cwd: repo });
    more.bash(`echo ${i}`, 0, `${i}`);
    appendFileSync(file, more.toString());
    // Seen long before a poll could have run: the write was watched (within a second, usually; slow machines vary).
    await eventually(() => count() === i + 1, 30_000, `command ${i}`);
  }
});

test('the tailer watches only this workspace\'s project folders, one by one; other projects\' writes never wake it', async (t) => {
  const repo = gitRepo(t);
  const projects = tempDir(t, 'fd-claude-');
  for (let i = 0; i < 5; i++) mkdirSync(join(projects, `-elsewhere-${i}`));
  mkdirSync(join(projects, projectFolderName(repo)));
  const store = await RecordStore.open(tempDir(t));
  let runs = 0;
  const roots = workspaceRoots(repo);
  // Polls once a minute: only file events can bring anything in time.
  const tailer = new TranscriptTailer(() => (runs++, store), { projectsDir: projects, accept: cwdMatcher(roots), folders: projectFolderFilter(roots) }, () => {}, 60_000, 60_000);
  t.after(() => {
    tailer.dispose();
    store.close();
  });
  tailer.start();
  assert.equal(tailer.watchedFolders, 2, 'the projects folder and this repository\'s project folder');
  const theirs = new TranscriptWriter({ sessionId: 'theirs', cwd: '/elsewhere/0' });
  theirs.prompt('not ours');
  for (let i = 0; i < 3; i++) appendFileSync(join(projects, '-elsewhere-0', 'theirs.jsonl'), theirs.toString());
  mkdirSync(join(projects, '-elsewhere-new'));
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(runs, 0, 'nothing of ours changed');
  // A subfolder's project folder made after the start is watched from then on.
  const sub = join(projects, projectFolderName(join(repo, 'api')));
  mkdirSync(sub);
  await eventually(() => tailer.watchedFolders === 3, 2_000, 'watching the new project folder');
  const w = new TranscriptWriter({ sessionId: 'in-api', cwd: join(repo, 'api') });
  w.prompt('work in the api folder');
  writeFileSync(join(sub, 'in-api.jsonl'), w.toString());
  await eventually(() => store.db.exec(`SELECT 1 FROM sessions WHERE id = 'in-api'`).length > 0, 3_000, 'the new folder\'s session');
  assert.equal(tailer.watchedFolders, 3, 'other projects\' new folders are not watched');
});
