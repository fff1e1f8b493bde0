import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { RecordStore } from '../../../src/core/record/store';
import { tempDir } from '../helpers/tmp';

const WRITER = join(__dirname, '..', '..', 'writer-process.js');

function idsIn(store: RecordStore): Map<string, number> {
  const counts = new Map<string, number>();
  for (const [id] of store.db.exec('SELECT id FROM events')[0]?.values ?? []) counts.set(String(id), (counts.get(String(id)) ?? 0) + 1);
  return counts;
}

/**
 * Starts a writer that acknowledges each event on stdout, and kills it with SIGKILL: after it acknowledged
 * `afterAcks` events (it goes on writing meanwhile, so the kill lands anywhere in an append, a snapshot or a
 * rotation), or, with `afterAcks` 0, `ms` after it started (while loading). Counting acknowledgements, not
 * time, keeps the test the same on a fast machine and a slow one.
 */
function writeUntilKilled(dir: string, afterAcks: number, ms: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WRITER, dir, 'ack', '100000', '1', '6000'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let acks = 0;
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (afterAcks === 0) return;
      for (const c of d.toString()) if (c === '\n') acks++;
      if (acks >= afterAcks) child.kill('SIGKILL');
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const timer = afterAcks === 0 ? setTimeout(() => child.kill('SIGKILL'), ms) : undefined;
    child.on('exit', (_code, signal) => {
      clearTimeout(timer);
      if (signal !== 'SIGKILL') return reject(new Error(`writer ended on its own: ${err}`));
      // Only complete lines are acknowledgements; a line cut by the kill was never fully sent.
      const lines = out.split('\n');
      lines.pop();
      resolve(lines);
    });
  });
}

test('a writer killed with SIGKILL at random moments never loses an acknowledged event, nor doubles one', async (t) => {
  const dir = tempDir(t);
  const acked: string[] = [];
  let promised = 0;
  for (let round = 0; round < 25; round++) {
    // Most kills land after a random number of acknowledgements; some while the writer is still loading.
    const afterAcks = round % 5 === 4 ? 0 : 1 + Math.floor(Math.random() * 60);
    promised += afterAcks;
    acked.push(...(await writeUntilKilled(dir, afterAcks, Math.floor(Math.random() * 200))));
  }
  assert.ok(acked.length >= promised, `${acked.length} events were acknowledged, fewer than the ${promised} the kills waited for`);
  const store = await RecordStore.open(dir);
  const ids = idsIn(store);
  const missing = acked.filter((id) => !ids.has(id));
  assert.deepEqual(missing, [], 'acknowledged events missing after reopening');
  assert.equal([...ids.values()].filter((n) => n > 1).length, 0);
  assert.ok(store.report.movedAside.length === 0, 'no snapshot was damaged by a kill');
  store.close();
});

/** What a failure needs to be understood: the open's report, per writer what is there, and the record's files. */
function describeRecord(dir: string, store: RecordStore, writers: Record<string, unknown>): string {
  const perSource = store.db.exec('SELECT source, count(*), min(id), max(id) FROM events GROUP BY source')[0]?.values ?? [];
  const meta = store.db.exec("SELECT key, value FROM meta WHERE key LIKE 'journal_%' OR key LIKE 'snapshot_%'")[0]?.values ?? [];
  const files = (d: string): string[] =>
    readdirSync(d, { withFileTypes: true }).flatMap((f) => {
      const path = join(d, f.name);
      if (f.isDirectory()) return files(path);
      const first = readFileSync(path).subarray(0, 120).toString('utf8').split('\n')[0] ?? '';
      return [`${relative(dir, path)} ${statSync(path).size} B${first.startsWith('{"flightdeck"') ? ` ${first}` : ''}`];
    });
  return JSON.stringify({ report: store.report, writers, perSource, meta, position: store.position(), files: files(dir) }, null, 1);
}

function bulkWriter(dir: string, count: number, batch: number, snapshotBytes: number): Promise<{ total: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WRITER, dir, 'bulk', String(count), String(batch), String(snapshotBytes)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim()) as { total: number }) : reject(new Error(err))));
  });
}

test('two processes appending thousands of events at once lose and double nothing', async (t) => {
  const dir = tempDir(t);
  const perWriter = 4000;
  // One writer snapshots and rotates often, the other never: appends must survive rotations.
  const [a, b] = await Promise.all([bulkWriter(dir, perWriter, 7, 40_000), bulkWriter(dir, perWriter, 3, 1 << 30)]);
  const store = await RecordStore.open(dir);
  const ids = idsIn(store);
  // This failed once in CI (7,622 of 8,000) and never since: if it fails again, say enough to find out why.
  assert.equal(ids.size, 2 * perWriter, ids.size === 2 * perWriter ? '' : describeRecord(dir, store, { a, b }));
  assert.equal([...ids.values()].every((n) => n === 1), true);
  const perSource = store.db.exec('SELECT source, count(*) FROM events GROUP BY source')[0]?.values.map((r) => Number(r[1]));
  assert.deepEqual(perSource, [perWriter, perWriter]);
  // The writer that finished last saw everything; the other at least its own.
  assert.equal(Math.max(a.total, b.total), 2 * perWriter);
  assert.equal(store.report.damagedLines, 0);
  store.close();
});
