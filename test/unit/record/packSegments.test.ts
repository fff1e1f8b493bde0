import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compactionDue, compactRecord } from '../../../src/core/record/compact';
import { completeEvent, type NewEvent, type RecordEvent } from '../../../src/core/record/events';
import { archiveOlderThan } from '../../../src/core/record/archive';
import { LiveRecord } from '../../../src/core/record/liveRecord';
import { listEvents, verifyPayloads } from '../../../src/core/record/queries';
import { RecordStore } from '../../../src/core/record/store';
import { SEGMENTS_DIR } from '../../../src/core/record/segments';
import { tempDir } from '../helpers/tmp';

const COMPACTOR = join(__dirname, '..', '..', 'compact-process.js');

/** Bulky events of several sessions, interleaved as they are recorded: results with long, varied outputs (some not ASCII). */
function bulky(count: number, tag: string, at0 = 1_000): RecordEvent[] {
  const out: NewEvent[] = [];
  for (let i = 0; i < count; i++) {
    const session = `${tag}-s${i % 5}`;
    const at = at0 + i;
    if (i % 3 === 0) out.push({ id: `${tag}${i}`, kind: 'tool.called', session, at, source: 'claude-transcript', data: { tool: 'Bash', command: `npm test -- ${i}`, toolUseId: `t${tag}${i}` } });
    else if (i % 3 === 1) out.push({ id: `${tag}${i}`, kind: 'tool.result', session, at, source: 'claude-transcript', data: { tool: 'Bash', outcome: i % 7 ? 'ok' : 'error', output: `✓ résumé ${tag} ${i} ${Math.sin(i).toFixed(12)} `.repeat(30 + (i % 90)) } });
    else out.push({ id: `${tag}${i}`, kind: 'hook.received', at, source: 'claude-hook', data: { hook: 'PostToolUse', payload: { n: i, text: `${i}`.repeat(200) } } });
  }
  return out.map(completeEvent);
}

/** A record whose payloads lie in several journal generations kept as segments; every event, by id. */
async function recordWithGenerations(dir: string, generations = 4): Promise<Map<string, RecordEvent>> {
  const all = new Map<string, RecordEvent>();
  const store = await RecordStore.open(dir);
  for (let g = 0; g < generations; g++) {
    const events = bulky(300, `g${g}-`, 1_000 + g * 1_000);
    store.append(events);
    for (const e of events) all.set(e.id, e);
    assert.ok(store.snapshot());
  }
  const last = bulky(50, 'tail-', 9_000);
  store.append(last);
  for (const e of last) all.set(e.id, e);
  store.close();
  return all;
}

/** Every event is in the record, once, with its full data, and no segment is reported damaged. */
function assertWhole(store: RecordStore, expected: Map<string, RecordEvent>, what: string): void {
  // The archive event a retention pass records is the record's own, not one of those expected.
  const events = listEvents(store.db, { limit: 100_000 }).filter((e) => e.kind !== 'archive.recorded');
  assert.equal(events.length, expected.size, `${what}: every event once`);
  for (const e of events) assert.deepEqual(e.data, expected.get(e.id)?.data, `${what}: ${e.id}`);
  assert.deepEqual(store.report.damagedSegments, [], `${what}: no damage reported`);
  assert.equal(verifyPayloads(store.db).unreadable, 0, what);
}

const segmentFiles = (dir: string): string[] => readdirSync(join(dir, SEGMENTS_DIR)).sort();
const bytesOf = (dir: string, names: string[]): number => names.reduce((n, f) => n + statSync(join(dir, SEGMENTS_DIR, f)).size, 0);

test('compaction packs the payloads still referred to, compressed, removes the old segments, and every payload reads back', async (t) => {
  const dir = tempDir(t);
  const expected = await recordWithGenerations(dir);
  const before = segmentFiles(dir);
  const beforeBytes = bytesOf(dir, before.filter((f) => f.startsWith('journal-')));
  const store = await RecordStore.open(dir);
  assert.equal(compactionDue(store, 1), true, 'old generations not packed yet');
  const r = compactRecord(store);
  assert.equal(r.snapshot, true);
  assert.ok(r.packed && r.packed.lines > 0 && r.packed.packedBytes < r.packed.rawBytes / 3, JSON.stringify(r.packed));
  assertWhole(store, expected, 'after compaction, same process');
  store.close();
  const after = segmentFiles(dir);
  assert.ok(after.some((f) => /^packed-\d+\.seg$/.test(f)), after.join(' '));
  for (const f of before) if (/^journal-[12]\.jsonl$/.test(f)) assert.ok(!after.includes(f), `${f} removed`);
  assert.ok(bytesOf(dir, after) < beforeBytes / 3, `${bytesOf(dir, after)} of ${beforeBytes}`);
  // The previous snapshot is the compacted one too: no older, larger image refers to the removed files.
  assert.equal(statSync(join(dir, 'record.prev.sqlite')).size, statSync(join(dir, 'record.sqlite')).size);

  const again = await RecordStore.open(dir);
  t.after(() => again.close());
  assertWhole(again, expected, 'reopened');
  // Idempotent: appending an event twice, and compacting again, changes nothing.
  const one = [...expected.values()][10] as RecordEvent;
  again.append([one]);
  assert.equal(again.lastAppendAdded, 0);
  assert.equal(compactRecord(again).snapshot, true);
  assertWhole(again, expected, 'compacted twice');
});

test('a process that loaded the record before another compacted it still reads every payload, from the packed segment', async (t) => {
  const dir = tempDir(t);
  const expected = await recordWithGenerations(dir);
  const stale = await RecordStore.open(dir);
  t.after(() => stale.close());
  const other = await RecordStore.open(dir);
  assert.equal(compactRecord(other).snapshot, true);
  other.close();
  // Its rows still name the removed generations: each payload is found again by session, time and id.
  assert.ok(stale.db.exec('SELECT count(*) FROM events WHERE seg > 0')[0]?.values[0]?.[0] !== 0);
  assertWhole(stale, expected, 'stale reader');
  // And after a second compaction packed the first pack again (archiving left less than half of it referred to):
  // once this process has read the archive event, what is left is found in the newest pack.
  const third = await RecordStore.open(dir);
  const archived = archiveOlderThan(third, 1, 30.44 * 86_400_000 + 2_500);
  assert.ok(archived.events > 0);
  const r = compactRecord(third);
  assert.equal(r.snapshot, true);
  assert.ok(r.removed?.files.some((f) => /packed-1\.seg$/.test(f)), JSON.stringify(r.removed));
  third.close();
  stale.catchUp();
  const left = new Map([...expected].filter(([id]) => stale.db.exec('SELECT 1 FROM events WHERE id = ?', [id])[0] !== undefined));
  assert.ok(left.size < expected.size && left.size > 0);
  assertWhole(stale, left, 'stale reader after two compactions');
});

test('a process that loaded the record before another compacted it writes no snapshot (it would name removed segments): it is stale', async (t) => {
  const dir = tempDir(t);
  await recordWithGenerations(dir);
  const stale = await RecordStore.open(dir);
  t.after(() => stale.close());
  const other = await RecordStore.open(dir);
  assert.equal(compactRecord(other).snapshot, true);
  other.close();
  const image = readFileSync(join(dir, 'record.sqlite'));
  stale.append(bulky(5, 'late-', 50_000));
  assert.equal(stale.snapshot(), false);
  assert.equal(stale.stale, true, 'told to reopen');
  assert.equal(compactRecord(stale).snapshot, false, 'nor compacts');
  assert.deepEqual(readFileSync(join(dir, 'record.sqlite')), image, 'the compacted snapshot stays');
  const fresh = await RecordStore.open(dir);
  t.after(() => fresh.close());
  assert.equal(fresh.snapshot(), true, 'a database loaded after the compaction snapshots as before');
  assert.equal(listEvents(fresh.db, { limit: 10, session: 'late--s0' }).length, 1);
});

test('a window whose record another process compacted opens the compacted snapshot again, and reads every payload', async (t) => {
  const dir = tempDir(t);
  const expected = await recordWithGenerations(dir);
  const live = new LiveRecord(dir, { watchedPollMs: 50, pollMs: 50 });
  t.after(() => live.dispose());
  const first = await live.open();
  const other = await RecordStore.open(dir);
  assert.equal(compactRecord(other).snapshot, true);
  other.close();
  for (const deadline = Date.now() + 10_000; live.current === first || !live.current; await new Promise((r) => setTimeout(r, 20))) {
    if (Date.now() > deadline) throw new Error('not opened again');
  }
  const second = live.current as RecordStore;
  assert.equal(second.db.exec('SELECT count(*) FROM events WHERE seg IN (1, 2, 3)')[0]?.values[0]?.[0], 0, 'rows name the pack, not the removed generations');
  assertWhole(second, expected, 'opened again');
});

test('a compaction waits for no one and races no one: another process holding the snapshot lease means nothing changes', async (t) => {
  const dir = tempDir(t);
  await recordWithGenerations(dir, 2);
  const files = segmentFiles(dir);
  const holder = await RecordStore.open(dir);
  t.after(() => holder.close());
  const other = await RecordStore.open(dir);
  t.after(() => other.close());
  const r = holder.withSnapshotLease(() => compactRecord(other));
  assert.equal(r?.snapshot, false);
  assert.deepEqual(segmentFiles(dir), files);
});

function compactUntilKilled(dir: string, step: string, nth: number): Promise<'killed' | 'finished'> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [COMPACTOR, dir, step, String(nth)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve('killed');
      else if (code === 0) resolve('finished');
      else reject(new Error(`compaction failed: ${err}`));
    });
  });
}

const STEPS: [string, number][] = [
  ['moved on', 1], ['packing', 1], ['packed', 1], ['rows', 1], ['vacuumed', 1], ['snapshot 1', 1], ['snapshot 2', 1], ['rotated', 1], ['epoch', 1], ['removed', 1], ['removed', 3],
];

for (const [step, nth] of STEPS) {
  test(`a compaction killed at "${step}"${nth > 1 ? ` (${nth})` : ''} leaves a record that opens whole, and the next compaction finishes`, async (t) => {
    const dir = tempDir(t);
    const expected = await recordWithGenerations(dir);
    // The last generation is large: the compaction moves it on first ("moved on").
    const store = await RecordStore.open(dir);
    const big = bulky(1_500, 'big-', 20_000);
    store.append(big);
    for (const e of big) expected.set(e.id, e);
    assert.ok(store.snapshot());
    store.close();
    assert.equal(await compactUntilKilled(dir, step, nth), 'killed', `the compaction reached ${step}`);

    const after = await RecordStore.open(dir);
    assertWhole(after, expected, `killed at ${step}`);
    const more = bulky(30, 'more-', 30_000);
    after.append(more);
    for (const e of more) expected.set(e.id, e);
    const r = compactRecord(after);
    assert.equal(r.snapshot, true);
    assertWhole(after, expected, `compacted again after ${step}`);
    after.close();
    assert.deepEqual(segmentFiles(dir).filter((f) => !/^(packed-\d+\.seg|journal-\d+\.jsonl)$/.test(f)), [], 'no leftovers');
    const reopened = await RecordStore.open(dir);
    t.after(() => reopened.close());
    assertWhole(reopened, expected, `reopened after ${step}`);
  });
}

test('a damaged block of a packed segment is set aside and reported; the payloads in its other blocks still read', async (t) => {
  const dir = tempDir(t);
  const expected = await recordWithGenerations(dir, 6);
  const store = await RecordStore.open(dir);
  compactRecord(store);
  store.close();
  const packed = segmentFiles(dir).find((f) => f.startsWith('packed-')) as string;
  const path = join(dir, SEGMENTS_DIR, packed);
  const bytes = readFileSync(path);
  // A few bytes in the middle of the file (inside some block's compressed data) changed on disk.
  for (let i = 0; i < 8; i++) bytes[(bytes.length >> 1) + i] ^= 0xff;
  writeFileSync(path, bytes);

  const damaged = await RecordStore.open(dir);
  t.after(() => damaged.close());
  const events = listEvents(damaged.db, { limit: 100_000 });
  assert.equal(events.length, expected.size, 'every event still listed');
  const unreadable = events.filter((e) => 'payloadUnreadable' in e.data);
  const whole = events.filter((e) => !('payloadUnreadable' in e.data));
  assert.ok(unreadable.length > 0, 'the damaged block is noticed');
  assert.ok(whole.length > unreadable.length * 3, `${whole.length} read, ${unreadable.length} not`);
  for (const e of whole) assert.deepEqual(e.data, expected.get(e.id)?.data, e.id);
  const report = damaged.report.damagedSegments ?? [];
  assert.equal(report.length, 1);
  assert.equal(report[0]?.file, path);
  assert.ok(report[0]?.keptAt && statSync(report[0].keptAt).size === bytes.length, 'a copy set aside');
  // A compaction never drops what it cannot read: the file stays while rows refer to it.
  assert.equal(compactRecord(damaged).snapshot, true);
  assert.ok(segmentFiles(dir).includes(packed), 'the damaged file is kept');
});

test('a writer in another process appends while compactions run: every acknowledged event is there, with its payload', async (t) => {
  const dir = tempDir(t);
  const expected = await recordWithGenerations(dir, 2);
  const WRITER = join(__dirname, '..', '..', 'writer-process.js');
  const child = spawn(process.execPath, [WRITER, dir, 'ack', '3000', '20', '20000'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const ended = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  let compactions = 0;
  let running = true;
  void ended.then(() => (running = false));
  while (running) {
    const store = await RecordStore.open(dir);
    if (compactRecord(store).snapshot) compactions++;
    store.close();
    await new Promise((r) => setTimeout(r, 5));
  }
  await ended;
  const acked = out.split('\n').filter(Boolean);
  assert.equal(acked.length, 3000);
  assert.ok(compactions > 0);
  const store = await RecordStore.open(dir);
  t.after(() => store.close());
  const ids = new Set((store.db.exec('SELECT id FROM events')[0]?.values ?? []).map((r) => String(r[0])));
  for (const id of acked) assert.ok(ids.has(id), id);
  for (const e of listEvents(store.db, { limit: 100_000 })) if (expected.has(e.id)) assert.deepEqual(e.data, expected.get(e.id)?.data);
  assert.deepEqual(store.report.damagedSegments, []);
});

test('a segment a compaction could not read does not make the record due for compaction again and again', async (t) => {
  const dir = tempDir(t);
  await recordWithGenerations(dir, 6);
  // One generation damaged at rest: its lines cannot be read, so a compaction leaves it (and the rows naming it).
  const path = join(dir, SEGMENTS_DIR, 'journal-2.jsonl');
  const bytes = readFileSync(path);
  bytes.fill(0x20, 200, bytes.length - 10);
  writeFileSync(path, bytes);
  const store = await RecordStore.open(dir);
  t.after(() => store.close());
  assert.equal(compactionDue(store, 1), true);
  const r = compactRecord(store);
  assert.ok((r.packed?.unreadable ?? 0) > 0, 'the damaged lines are left where they are');
  assert.ok(segmentFiles(dir).includes('journal-2.jsonl'), 'and so is their file');
  assert.equal(compactionDue(store, 1), false, 'not due again for what it could not pack');
});
