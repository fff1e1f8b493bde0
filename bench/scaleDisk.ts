// The record on disk against what it holds, before and after `flightdeck compact`, on a large record (a cached 1M build).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { databaseBytes } from '../src/core/record/compact';
import { encodeJournalLines } from '../src/core/record/journal';
import type { RecordEvent } from '../src/core/record/events';
import { isSlimKind } from '../src/core/record/segments';
import { RecordStore } from '../src/core/record/store';
import { diskUsage } from './scaleReal';

type Row = (label: string, value: string, target?: string) => void;
const mb = (n: number): string => `${(n / (1 << 20)).toLocaleString('en-US', { maximumFractionDigits: 1 })} MB`;
const fmt = (n: number, d = 0): string => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

/**
 * What the record holds, the measure disk is held against: the database image plus the payload lines it refers to in
 * segments, uncompressed (what it would weigh with every payload inside it). Archives are not counted as held: they
 * are on disk, compressed, in both figures.
 */
export interface Held { database: number; payloads: number; events: number; recorded: number; archives: number }

export async function heldBy(dir: string): Promise<Held> {
  const store = await RecordStore.open(dir, { readOnly: true });
  try {
    const one = (sql: string): number => Number(store.db.exec(sql)[0]?.values[0]?.[0] ?? 0);
    const events = one('SELECT count(*) FROM events');
    const archived = one('SELECT coalesce(sum(events), 0) FROM archives');
    let archives = 0;
    try {
      archives = diskUsage(join(dir, 'archive'));
    } catch {
      /* none */
    }
    return { database: databaseBytes(store), payloads: one('SELECT coalesce(sum(len + 1), 0) FROM events WHERE seg IS NOT NULL'), events, recorded: events + archived, archives };
  } finally {
    store.close();
  }
}

/**
 * How well payload lines compress in packed blocks when nothing repeats: the sample's payload lines (one copy, in
 * session order) in 64 KB blocks. The bench's year is that sample copied many times, and copies of one session sit next
 * to each other in a pack, so the 1M record's packed size flatters; this ratio is what real history would get.
 */
export function sampleCompression(samplePath: string): { raw: number; packed: number } {
  const events = (JSON.parse(readFileSync(samplePath, 'utf8')) as RecordEvent[]).filter((e) => isSlimKind(e.kind));
  events.sort((a, b) => ((a.session ?? '') < (b.session ?? '') ? -1 : (a.session ?? '') > (b.session ?? '') ? 1 : a.at - b.at));
  const body = encodeJournalLines(events).journal;
  let packed = 0;
  for (let i = 0; i < body.length; i += 64 << 10) packed += 12 + deflateRawSync(body.subarray(i, i + (64 << 10))).length;
  return { raw: body.length, packed };
}

/** In a child: what the record at `dir` holds (JSON). */
export async function heldChild(dir: string): Promise<void> {
  console.log(JSON.stringify(await heldBy(dir)));
}

function held(script: string, dir: string): Held {
  const r = spawnSync(process.execPath, ['--max-old-space-size=8192', script, 'scale-child', 'held', dir], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`held: ${r.stderr.slice(-2000)}`);
  return JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as Held;
}

/** Disk against what is held, before and after `flightdeck compact` (the built CLI, its peak RSS), on a copy of `record`. */
export function scaleDisk(row: Row, root: string, record: string, cli: string, script: string, samplePath?: string): void {
  const dir = join(root, 'disk-record');
  rmSync(dir, { recursive: true, force: true });
  // cp -a: the journal's previous generation and its segment are one file with two names, as on a user's disk.
  const cp = spawnSync('cp', ['-a', record, dir]);
  if (cp.status !== 0) throw new Error(`copying ${record}: ${String(cp.stderr)}`);
  const repo = join(root, 'disk-repo');
  rmSync(repo, { recursive: true, force: true });
  mkdirSync(repo);
  spawnSync('git', ['init', '-q'], { cwd: repo });
  symlinkSync(dir, join(repo, '.git', 'flightdeck'));
  const side = (label: string): { disk: number; held: Held } => {
    const h = held(script, dir);
    const disk = diskUsage(dir);
    const of = h.database + h.payloads;
    row(`disk ${label}: on disk`, `${mb(disk)} = ${fmt(disk / h.recorded)} B/event recorded (${fmt(h.recorded)})`, `${fmt(disk / of, 2)}× what it holds (target ≤ ~2×, previous snapshot kept)`);
    row(`  held: database + live payloads (uncompressed)`, `${mb(h.database)} + ${mb(h.payloads)} = ${mb(of)}`, `archives ${mb(h.archives)} (on disk, not held)`);
    return { disk, held: h };
  };
  const before = side('before compact');
  const t = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, cli, 'compact', '--repo', repo], { encoding: 'utf8', maxBuffer: 1 << 24 });
  const seconds = (performance.now() - t) / 1000;
  if (r.status !== 0) throw new Error(`flightdeck compact: ${r.stdout}${r.stderr}`);
  const peak = Number(/(\d+)\s*$/.exec(r.stderr)?.[1] ?? NaN) / 1024;
  row('flightdeck compact', r.stdout.trim(), `${fmt(seconds, 1)} s, peak RSS ${fmt(peak)} MB`);
  const after = side('after compact');
  row('disk after / before', `${fmt(after.disk / before.disk, 2)}`);
  if (samplePath) {
    const c = sampleCompression(samplePath);
    row('  payload compression, one copy of the sample (no repeats)', `${mb(c.raw)} -> ${mb(c.packed)} (${fmt(c.raw / c.packed, 1)}×)`,
      `the 1M record repeats its sample: with this ratio its packs would be ${mb(after.held.payloads / (c.raw / c.packed))}`);
  }
  rmSync(dir, { recursive: true, force: true });
}
