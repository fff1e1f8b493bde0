import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TranscriptTailer } from '../../../src/core/capture/transcriptTailer';
import { cwdMatcher, workspaceRoots } from '../../../src/core/capture/workspace';
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
