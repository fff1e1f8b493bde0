import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { completeEvent, type NewEvent } from '../../../src/core/record/events';
import { JournalWriter } from '../../../src/core/record/journal';
import { RecordStore } from '../../../src/core/record/store';
import {
  applyGateEvent, emptyGateState, GATE_STATE_FILE, openGateReviews, readGateState, reviewConcerns, type GateState,
} from '../../../src/core/gates/state';
import { gateStateFromDb, keepGateState, writeGateState } from '../../../src/core/gates/stateWriter';
import { tempDir } from '../helpers/tmp';

const NOW = Date.now();

/** What a gate decides from: open reviews with their concern counts, gate overrides in force, the task. */
function essence(s: GateState, now = NOW): unknown {
  return {
    open: openGateReviews(s, now).map((r) => [r.id, reviewConcerns(r).length, r.files]).sort(),
    overrides: s.overrides.filter((o) => o.until > now).map((o) => [o.gate, o.until]).sort(),
    task: s.task ? [s.task.intent, s.task.allow, s.task.forbid] : null,
  };
}

/** A deterministic mix of review lifecycles, overrides (some lapsing) and tasks. */
function lifecycle(n: number, seed: number): NewEvent[] {
  let x = seed;
  const rnd = (k: number): number => ((x = (x * 1103515245 + 12345) & 0x7fffffff), x % k);
  const out: NewEvent[] = [];
  let at = NOW - 10_000_000;
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    at += 1000;
    const r = rnd(10);
    const pick = ids[rnd(Math.max(1, ids.length))];
    if (r < 3 || !pick) {
      const id = `rev-${seed}-${i}`;
      ids.push(id);
      out.push({ kind: 'review.opened', at, source: 'test', data: { reviewId: id, subject: `s${i}`, files: [{ path: `src/f${i % 7}.ts` }], changeHash: `c${i}` } });
    } else if (r < 6) {
      const status = ['passed', 'concerns', 'failed'][rnd(3)];
      const concerns = status === 'concerns' ? [{ file: 'src/f1.ts', line: rnd(50), severity: 'high', title: `t${i}` }] : [];
      out.push({ kind: 'review.verdict', at, source: 'test', data: { reviewId: pick, engine: ['rules', 'anthropic'][rnd(2)], status, concerns, changeHash: rnd(4) === 0 ? `n${i}` : undefined } });
    } else if (r < 7) {
      out.push({ kind: 'review.resolved', at, source: 'test', data: { reviewId: pick, supersededBy: 'x' } });
    } else if (r < 8) {
      out.push({ kind: 'override.recorded', at, source: 'test', data: { reviewId: pick, reason: 'checked by hand, fine', expiresAt: rnd(2) ? NOW + rnd(3) * 5_000_000 - 5_000_000 : undefined } });
    } else if (r < 9) {
      out.push({ kind: 'override.recorded', at, source: 'test', data: { gate: ['push', 'deploy'][rnd(2)], reason: 'release train signed off', expiresAt: rnd(2) ? at + 20_000_000 : undefined } });
    } else {
      out.push(rnd(3) ? { kind: 'task.started', at, source: 'test', data: { intent: `task ${i}`, allow: ['src/**'], forbid: ['schema'] } } : { kind: 'task.ended', at, source: 'test', data: {} });
    }
    if (i % 5 === 0) out.push({ kind: 'tool.called', at, source: 'test', data: { tool: 'Bash', command: 'npm test' } });
  }
  return out;
}

test('the gate state from the database and from applying the events one by one agree', async (t) => {
  for (const seed of [1, 2, 3, 4, 5]) {
    const dir = tempDir(t);
    const store = await RecordStore.open(dir);
    const events = store.append(lifecycle(300, seed));
    const fromDb = gateStateFromDb(store.db, store.position(), NOW);
    const folded = emptyGateState();
    for (const e of events) applyGateEvent(folded, e);
    assert.deepEqual(essence(fromDb), essence(folded), `seed ${seed}`);
    assert.ok(openGateReviews(folded, NOW).length > 0, 'the mix leaves some reviews open');
    store.close();
  }
});

test('a gates.json that lags behind is still exact: the reader applies the journal after it (another writer\'s too) and writes it back', async (t) => {
  const dir = tempDir(t);
  const store = await RecordStore.open(dir);
  keepGateState(store);
  const opened = store.append(lifecycle(60, 9));
  const written = JSON.parse(require('node:fs').readFileSync(join(dir, GATE_STATE_FILE), 'utf8')) as GateState;
  assert.deepEqual(written.offset, store.position().offset, 'the store wrote the state at its own position');
  // Another process (the hook, the CLI) appends without touching gates.json: many unrelated events, then gate events.
  const other = new JournalWriter(dir);
  const later = [
    ...Array.from({ length: 2000 }, (_, i): NewEvent => ({ kind: 'tool.called', source: 'hook', data: { tool: 'Read', file: `f${i}` } })),
    { kind: 'review.opened', source: 'cli', data: { reviewId: 'rev-late', files: [{ path: 'src/late.ts' }], changeHash: 'L' } },
    { kind: 'review.verdict', source: 'cli', data: { reviewId: 'rev-late', engine: 'rules', status: 'concerns', changeHash: 'L', concerns: [{ file: 'src/late.ts', severity: 'high', title: 'late' }] } },
    { kind: 'task.started', source: 'vscode', data: { intent: 'late task', allow: [], forbid: ['auth'] } },
  ].map(completeEvent);
  other.append(later);
  other.close();
  const read = readGateState(dir, NOW);
  assert.ok(read.ok);
  const folded = emptyGateState();
  for (const e of [...opened, ...later]) applyGateEvent(folded, e);
  assert.deepEqual(essence(read.state), essence(folded));
  assert.ok(openGateReviews(read.state, NOW).some((r) => r.id === 'rev-late'));
  const rewritten = JSON.parse(require('node:fs').readFileSync(join(dir, GATE_STATE_FILE), 'utf8')) as GateState;
  assert.ok(rewritten.offset > written.offset, 'the reader wrote back what it applied');
  store.catchUp();
  assert.deepEqual(essence(gateStateFromDb(store.db, store.position(), NOW)), essence(read.state));
  store.close();
});

test('a journal rotated once since the state is followed (through journal.prev.jsonl); rotated twice, or a missing file beside a snapshot, is unknown', async (t) => {
  const dir = tempDir(t);
  const writer = await RecordStore.open(dir);
  writer.append(lifecycle(40, 11));
  writeGateState(writer, NOW);
  // A second process that keeps no gates.json appends gate events and snapshots: the journal rotates past the file.
  const other = await RecordStore.open(dir);
  const more = other.append(lifecycle(40, 12));
  assert.ok(other.snapshot());
  const after = other.append(lifecycle(10, 13));
  const read = readGateState(dir, NOW, false);
  assert.ok(read.ok, read.ok ? '' : read.why);
  writer.catchUp();
  assert.deepEqual(essence(read.state), essence(gateStateFromDb(writer.db, writer.position(), NOW)));
  assert.ok(more.length && after.length);
  other.append(lifecycle(5, 14));
  assert.ok(other.snapshot());
  const twice = readGateState(dir, NOW, false);
  assert.equal(twice.ok, false);
  assert.match(twice.ok ? '' : twice.why, /moved on/);
  rmSync(join(dir, GATE_STATE_FILE));
  const missing = readGateState(dir, NOW, false);
  assert.deepEqual(missing, { ok: false, why: 'gates.json is missing' });
  writeFileSync(join(dir, GATE_STATE_FILE), '{"flightdeck": "gat');
  assert.equal(readGateState(dir, NOW, false).ok, false, 'a torn or edited file is unknown, never empty');
  // Any writable store brings it back.
  keepGateState(other);
  assert.ok(readGateState(dir, NOW, false).ok);
  writer.close();
  other.close();
});

test('a record with no snapshot and no gates.json is read from its first journal line; no record at all is an empty state', async (t) => {
  const dir = tempDir(t);
  const w = new JournalWriter(dir);
  w.append(lifecycle(30, 21).map(completeEvent));
  w.close();
  const read = readGateState(dir, NOW, false);
  assert.ok(read.ok);
  const folded = emptyGateState();
  for (const e of lifecycle(30, 21)) applyGateEvent(folded, completeEvent({ ...e }));
  assert.deepEqual(essence(read.state), essence(folded));
  assert.deepEqual(readGateState(join(dir, 'nothing-here'), NOW), { ok: true, state: emptyGateState() });
});
