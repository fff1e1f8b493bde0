import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RecordStore } from '../../../src/core/record/store';
import { listEvents, sessionEvents, verifyPayloads } from '../../../src/core/record/queries';
import { completeEvent, type NewEvent, type RecordEvent } from '../../../src/core/record/events';
import { MIGRATIONS, SCHEMA_VERSION } from '../../../src/core/record/schema';
import { SEGMENTS_DIR, UNREADABLE_PAYLOAD } from '../../../src/core/record/segments';
import { writeSnapshot } from '../../../src/core/record/snapshot';
import { loadSqlJs } from '../../../src/core/record/sqlite';
import { tempDir } from '../helpers/tmp';

/** Bulky events as capture writes them: tool calls and results with long outputs (some not ASCII), usage, hooks. */
function bulky(count: number, session = 's1', tag = 'a'): RecordEvent[] {
  const out: NewEvent[] = [];
  for (let i = 0; i < count; i++) {
    const at = 1_000 + i;
    const id = `${tag}${i}`;
    if (i % 4 === 0) out.push({ id, kind: 'tool.called', session, at, source: 'claude-transcript', data: { tool: 'Bash', command: `npm test -- ${i}`, toolUseId: `t-${tag}${i}` } });
    else if (i % 4 === 1) out.push({ id, kind: 'tool.result', session, at, source: 'claude-transcript', data: { tool: 'Bash', toolUseId: `t-${tag}${i - 1}`, outcome: i % 8 === 1 ? 'error' : 'ok', exitCode: i % 8 === 1 ? 1 : 0, output: `✓ résumé ${i} `.repeat(50 + i) } });
    else if (i % 4 === 2) out.push({ id, kind: 'usage.recorded', session, at, source: 'claude-transcript', data: { model: 'm', inputTokens: i, outputTokens: 2 * i } });
    else out.push({ id, kind: 'hook.received', session, at, source: 'claude-hook', data: { hook: i % 3 ? 'PostToolUse' : 'Stop', payload: { text: 'x'.repeat(300 + i) } } });
  }
  return out.map(completeEvent);
}

const byId = (events: readonly RecordEvent[]): Map<string, RecordEvent['data']> => new Map(events.map((e) => [e.id, e.data]));
const dataColumnBytes = (s: RecordStore): number => Number(s.db.exec('SELECT sum(length(data)) FROM events')[0]?.values[0]?.[0] ?? 0);

test('bulky payloads leave the database for segments and read back exactly, across snapshots and reopening', async (t) => {
  const dir = tempDir(t);
  const a = await RecordStore.open(dir);
  const first = bulky(200);
  a.append(first);
  assert.ok(a.snapshot(), 'a snapshot rotates the journal');
  const second = bulky(120, 's2', 'b');
  a.append(second);
  a.append([completeEvent({ kind: 'note', data: { text: 'kept whole' } })]);
  const all = [...first, ...second];
  const full = byId(all);
  for (const e of listEvents(a.db, { limit: 1000 })) if (full.has(e.id)) assert.deepEqual(e.data, full.get(e.id), e.id);
  // The database keeps a summary: a failure's outcome, a hook's name, nothing of the outputs.
  const payloadBytes = all.reduce((n, e) => n + Buffer.byteLength(JSON.stringify(e.data)), 0);
  assert.ok(dataColumnBytes(a) < payloadBytes / 20, `${dataColumnBytes(a)} bytes of data kept of ${payloadBytes}`);
  assert.deepEqual(a.db.exec(`SELECT data FROM events WHERE id = '${first[1]?.id}'`)[0]?.values, [['{"outcome":"error"}']]);
  assert.ok(existsSync(join(dir, SEGMENTS_DIR, 'journal-1.jsonl')), 'the rotated generation is kept as a segment');
  a.close();

  const b = await RecordStore.open(dir);
  assert.deepEqual(sessionEvents(b.db, 's1').map((e) => [e.id, e.data]), first.map((e) => [e.id, e.data]));
  assert.deepEqual(sessionEvents(b.db, 's2').map((e) => [e.id, e.data]), second.map((e) => [e.id, e.data]));
  assert.deepEqual(verifyPayloads(b.db), { checked: 320, unreadable: 0 });
  // What the board counts from summaries: failures in a session's activity.
  assert.equal(Number(b.db.exec(`SELECT count(*) FROM events WHERE json_extract(data, '$.outcome') = 'error'`)[0]?.values[0]?.[0]), 25 + 15);
  b.close();
});

test('a damaged segment is set aside (a copy kept) and reported, and every payload it still holds is read', async (t) => {
  const dir = tempDir(t);
  const a = await RecordStore.open(dir);
  const events = bulky(40);
  a.append(events);
  assert.ok(a.snapshot());
  a.close();
  const segment = join(dir, SEGMENTS_DIR, 'journal-1.jsonl');
  const victim = events[5] as RecordEvent;
  const text = readFileSync(segment, 'utf8');
  const at = text.indexOf(`"id":"${victim.id}"`);
  assert.ok(at > 0);
  // Bytes inside the line overwritten, its length unchanged: the line no longer parses.
  writeFileSync(segment, text.slice(0, at + 30) + '\u0000garbage\u0000' + text.slice(at + 30 + 9));

  const b = await RecordStore.open(dir);
  const got = byId(listEvents(b.db, { limit: 100 }));
  for (const e of events) {
    if (e.id === victim.id) assert.deepEqual(got.get(e.id), { outcome: 'ok', [UNREADABLE_PAYLOAD]: 'its segment is damaged or missing' });
    else assert.deepEqual(got.get(e.id), e.data, e.id);
  }
  assert.equal(b.report.damagedSegments?.length, 1);
  const kept = b.report.damagedSegments?.[0]?.keptAt;
  assert.ok(kept && existsSync(kept) && statSync(kept).size === statSync(segment).size, 'a copy of the damaged segment is kept');
  assert.deepEqual(verifyPayloads(b.db), { checked: 40, unreadable: 1 });
  b.close();
});

test('two writers on one record read each other\'s payloads, across rotations, and replaying twice changes nothing', async (t) => {
  const dir = tempDir(t);
  const a = await RecordStore.open(dir, { snapshotEveryBytes: 20_000 });
  const b = await RecordStore.open(dir, { snapshotEveryBytes: 20_000 });
  const written: RecordEvent[] = [];
  for (let round = 0; round < 12; round++) {
    const mine = bulky(30, `a${round}`, `a${round}-`);
    const theirs = bulky(30, `b${round}`, `b${round}-`);
    a.append(mine);
    b.append(theirs);
    written.push(...mine, ...theirs);
    (round % 2 ? a : b).snapshotIfDue();
  }
  a.catchUp();
  b.catchUp();
  const full = byId(written);
  for (const s of [a, b]) {
    const got = listEvents(s.db, { limit: 10_000 });
    assert.equal(got.length, written.length);
    for (const e of got) assert.deepEqual(e.data, full.get(e.id), e.id);
  }
  assert.ok(readdirSync(join(dir, SEGMENTS_DIR)).length >= 2, 'several generations kept');
  // The same events again (a retried append, a re-import): nothing doubles, payloads still read back.
  a.append(written.slice(0, 50));
  assert.equal(a.lastAppendAdded, 0);
  a.close();
  b.close();
  for (let i = 0; i < 2; i++) {
    const c = await RecordStore.open(dir);
    const got = listEvents(c.db, { limit: 10_000 });
    assert.equal(got.length, written.length);
    for (const e of got) assert.deepEqual(e.data, full.get(e.id), e.id);
    c.close();
  }
});

/** A record as Flightdeck wrote it before segments (schema 8): every payload in the database, in its snapshot. */
async function recordBeforeSegments(dir: string, events: readonly RecordEvent[]): Promise<void> {
  const { SQL } = await loadSqlJs();
  const db = new SQL.Database();
  for (const [v, m] of MIGRATIONS.slice(0, 8).entries()) {
    db.exec(m);
    db.exec(`PRAGMA user_version = ${v + 1}`);
  }
  for (const e of events) {
    db.run('INSERT INTO events (id, kind, at, session_id, source, data) VALUES (?,?,?,?,?,?)', [e.id, e.kind, e.at, e.session ?? null, e.source ?? null, JSON.stringify(e.data)]);
  }
  db.run(`INSERT INTO sessions (id, started_at) VALUES ('s1', 1000)`);
  writeSnapshot(dir, db.export());
  db.close();
}

test('a record from before segments moves its payloads out once, with progress, and reads them back after', async (t) => {
  const dir = tempDir(t);
  const events = [...bulky(300), completeEvent({ kind: 'task.started', at: 5, data: { intent: 'x', allow: ['src/**'] } })];
  await recordBeforeSegments(dir, events);
  const before = statSync(join(dir, 'record.sqlite')).size;
  const progress: [number, number][] = [];
  const a = await RecordStore.open(dir, { onMoveProgress: (done, total) => progress.push([done, total]) });
  assert.equal(a.report.movedPayloads, 300);
  assert.deepEqual(progress.at(-1), [300, 300]);
  assert.equal(Number(a.db.exec('PRAGMA user_version')[0]?.values[0]?.[0]), SCHEMA_VERSION);
  const full = byId(events);
  for (const e of listEvents(a.db, { limit: 1000 })) assert.deepEqual(e.data, full.get(e.id), e.id);
  // Hooks silent? read from the session's columns now, filled from its events by the migration.
  assert.deepEqual(a.db.exec(`SELECT last_hook_at, last_transcript_at FROM sessions WHERE id = 's1'`)[0]?.values, [[1299, 1298]]);
  a.close();
  assert.ok(statSync(join(dir, 'record.sqlite')).size < before / 2, 'the snapshot written after the move is smaller');
  assert.ok(existsSync(join(dir, SEGMENTS_DIR, 'moved-1.jsonl')));

  const b = await RecordStore.open(dir);
  assert.equal(b.report.movedPayloads, undefined, 'moved once only');
  assert.deepEqual(verifyPayloads(b.db), { checked: 300, unreadable: 0 });
  for (const e of listEvents(b.db, { limit: 1000 })) assert.deepEqual(e.data, full.get(e.id), e.id);
  b.close();
});

test('a read-only open of a record from before segments reads it whole and moves nothing', async (t) => {
  const dir = tempDir(t);
  const events = bulky(20);
  await recordBeforeSegments(dir, events);
  const s = await RecordStore.open(dir, { readOnly: true });
  assert.equal(s.report.movedPayloads, undefined);
  const full = byId(events);
  for (const e of listEvents(s.db, { limit: 100 })) assert.deepEqual(e.data, full.get(e.id));
  s.close();
  assert.equal(existsSync(join(dir, SEGMENTS_DIR)), false);
});
