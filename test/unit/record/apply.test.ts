import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Database } from 'sql.js';
import { RecordStore } from '../../../src/core/record/store';
import { EventApplier } from '../../../src/core/record/apply';
import { completeEvent, type NewEvent, type RecordEvent } from '../../../src/core/record/events';
import { listEvents } from '../../../src/core/record/queries';
import { tempDir } from '../helpers/tmp';

/** A mixed stream: files saved again and again, commands that are checks, tool calls and their results. */
function mixedEvents(): RecordEvent[] {
  const out: NewEvent[] = [];
  let at = 1_000;
  for (let s = 0; s < 3; s++) {
    const session = `s${s}`;
    out.push({ kind: 'session.started', session, at: at++, data: { agent: 'claude-code', intent: `task ${s}` } });
    for (let i = 0; i < 150; i++) {
      // 100 distinct paths (more than one multi-row statement holds), most saved several times.
      out.push({ kind: 'file.changed', session, at: 5_000 - at++, data: { path: `src/f${i % 100}.ts`, change: i % 7 ? 'modified' : 'created' } });
      if (i % 3 === 0) {
        const exitCode = i % 9 === 0 ? 1 : i % 4 === 0 ? null : 0;
        out.push({ kind: 'command.ran', session, at: at++, data: { command: `npm test -- ${i}`, exitCode, outcome: exitCode === null ? 'error' : undefined, check: i % 2 ? 'test' : undefined, durationMs: i } });
      }
      if (i % 5 === 0) out.push({ kind: 'check.recorded', session, at: at++, data: { kind: 'lint', command: 'eslint .', passed: i % 10 === 0, exitCode: i % 10 ? 1 : 0 } });
      if (i % 4 === 0) {
        const id = `toolu_${s}_${i}`;
        const bash = i % 8 === 0;
        out.push({ kind: 'tool.called', session, at: at++, data: bash ? { toolUseId: id, tool: 'Bash', command: 'npm run build', check: 'build' } : { toolUseId: id, tool: 'Read', path: `src/f${i}.ts`, action: 'read' } });
        // Every other Bash result comes without its call's data, as from a later import.
        const resultData = bash && i % 16 === 0 ? { toolUseId: id, outcome: 'ok', exitCode: 0 } : { toolUseId: id, tool: bash ? 'Bash' : 'Read', ...(bash ? { command: 'npm run build', check: 'build' } : {}), outcome: i % 12 === 0 ? 'rejected' : 'ok', exitCode: bash ? 2 : undefined };
        out.push({ kind: 'tool.result', session, at: at++, data: resultData });
      }
      if (i % 6 === 0) out.push({ kind: 'usage.recorded', session, at: at++, data: { model: 'claude', inputTokens: i, outputTokens: 1 } });
    }
  }
  return out.map(completeEvent);
}

const TABLES = ['sessions', 'commands', 'checks', 'files', 'approvals'];
const dump = (db: Database): Record<string, unknown[]> =>
  Object.fromEntries(TABLES.map((t) => [t, db.exec(`SELECT * FROM ${t} ORDER BY 1, 2, 3`)[0]?.values ?? []]));

test('rows derived from one big batch are exactly those derived one event at a time', async (t) => {
  const events = mixedEvents();
  const batched = await RecordStore.open(tempDir(t));
  const single = await RecordStore.open(tempDir(t));
  const a = new EventApplier(batched.db);
  const b = new EventApplier(single.db);
  assert.equal(a.apply(events), events.length);
  for (const e of events) b.apply([e]);
  const got = dump(batched.db);
  assert.deepEqual(got, dump(single.db));
  // The stream really exercised what batching changes: merged saves, many-row statements, checks from commands.
  const fileEvents = events.filter((e) => e.kind === 'file.changed' || (e.kind === 'tool.called' && e.data.path)).length;
  assert.ok((got.files?.length ?? 0) > 3 * 100 && (got.files?.length ?? 0) < fileEvents, `${got.files?.length} file rows`);
  assert.ok((got.checks?.length ?? 0) > 100);
  assert.ok((got.approvals?.length ?? 0) > 0);
  a.free();
  b.free();
  batched.close();
  single.close();
});

test('a file saved many times in a batch keeps its first and last time', async (t) => {
  const store = await RecordStore.open(tempDir(t));
  store.append([30, 10, 20].map((at) => ({ kind: 'file.changed', session: 's', at, data: { path: 'a.ts', change: 'modified' } })));
  store.append([{ kind: 'file.changed', session: 's', at: 5, data: { path: 'a.ts', change: 'modified' } }]);
  assert.deepEqual(store.db.exec('SELECT path, first_at, last_at FROM files')[0]?.values, [['a.ts', 5, 30]]);
  store.close();
});

test('every event keeps its own session and source, in statements whose rows share them and in those that do not', async (t) => {
  const store = await RecordStore.open(tempDir(t));
  // Statements of 50 rows: runs of one session and source (bound once), mixed stretches, runs without either.
  const who = (i: number): { session?: string; source?: string } =>
    i < 150 ? { session: 's0', source: 'cli' }
      : i < 200 ? { session: `s${i % 3}`, source: i % 2 ? 'cli' : 'hook' }
        : i < 260 ? { source: 'vscode' }
          : { session: 's1' };
  const events: NewEvent[] = Array.from({ length: 337 }, (_, i) => ({ kind: i % 3 ? 'note' : 'file.changed', at: i, ...who(i), data: { path: `f${i}.ts`, text: `n${i}` } }));
  const recorded = store.append(events);
  const rows = store.db.exec('SELECT id, session_id, source, kind, at FROM events ORDER BY seq')[0]?.values ?? [];
  assert.deepEqual(rows, recorded.map((e) => [e.id, e.session ?? null, e.source ?? null, e.kind, e.at]));
  // Each one's data whole, whether the database holds it (notes) or only a summary and where it is (file changes).
  assert.deepEqual(listEvents(store.db, { limit: 1000 }).reverse().map((e) => [e.id, e.data]), recorded.map((e) => [e.id, e.data]));
  store.close();
});
