// A session in a repository's record that changed a file and then ran a passing check: the evidence a rules review
// needs to pass a change whose category requires that check.
import { join } from 'node:path';
import { RecordStore } from '../../../src/core/record/store';

export async function recordTestedSession(repo: string, s: { session: string; intent: string; startCommit: string; changed: string; check: string }): Promise<void> {
  const store = await RecordStore.open(join(repo, '.git', 'flightdeck'));
  const now = Date.now();
  store.append([
    { kind: 'session.started', session: s.session, at: now - 60_000, data: { agent: 'claude-code', intent: s.intent, startCommit: s.startCommit, repo } },
    { kind: 'file.changed', session: s.session, at: now - 30_000, data: { path: join(repo, s.changed), change: 'modified' } },
    { kind: 'check.recorded', session: s.session, at: now - 10_000, data: { kind: 'test', command: s.check, passed: true, exitCode: 0 } },
  ]);
  store.close();
}
