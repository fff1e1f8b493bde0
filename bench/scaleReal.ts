// A heavy user's year: 1M events shaped like real ones (a real-shaped history imported through the real import
// path, its sessions copied many times over a year), measured in fresh processes so each RSS is its own.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { importTranscripts } from '../src/core/capture/claudeImport';
import { cwdMatcher } from '../src/core/capture/workspace';
import type { RecordEvent } from '../src/core/record/events';
import * as queries from '../src/core/record/queries';
import { RecordStore, type StoreOptions } from '../src/core/record/store';
import { sessionActivity } from '../src/core/report/activity';
import { boardRecord, boardSessions } from '../src/core/report/boardState';
import { buildTrail } from '../src/core/report/trail';
import { DEFAULT_QUERY } from '../src/protocol';
import { writeRealHistory, writeRealRepo } from './realHistory';
import { archiveAll, archiveAsItGoes as archivingAsItGoes } from './scaleArchive';

type Row = (label: string, value: string, target?: string) => void;
const DAY = 86_400_000;
const mbOf = (bytes: number): number => bytes / (1 << 20);
const rss = (): number => {
  (globalThis as { gc?: () => void }).gc?.();
  return mbOf(process.memoryUsage().rss);
};

/** A real-shaped history imported through the real import path: its events, in the order recorded. */
async function sampleEvents(root: string, sessions: number, bytes: number): Promise<RecordEvent[]> {
  const repo = join(root, 'repo');
  writeRealRepo(repo);
  writeRealHistory(root, repo, sessions, bytes);
  const store = await RecordStore.open(join(root, 'sample'), { snapshotEveryBytes: Number.MAX_SAFE_INTEGER });
  await importTranscripts(store, { projectsDir: join(root, 'projects'), accept: cwdMatcher([repo]) });
  // Full events (payloads read back where the record keeps them out of the database), in the order recorded.
  const out = queries.listEvents(store.db, { limit: 100_000 }).reverse();
  store.close();
  rmSync(join(root, 'projects'), { recursive: true, force: true });
  return out;
}

/** Copy `k` of a sample event: its own ids (event, session, tool use) and a day later per copy, so copies never merge. */
function copyOf(e: RecordEvent, k: number): RecordEvent {
  const c: RecordEvent = { id: `${e.id}~${k}`, kind: e.kind, at: e.at + k * 2 * DAY, data: e.data };
  if (e.session !== undefined) c.session = `${e.session.slice(0, 30)}~${k}`;
  if (e.source !== undefined) c.source = e.source;
  if (typeof e.data.toolUseId === 'string') c.data = { ...e.data, toolUseId: `${e.data.toolUseId}~${k}` };
  return c;
}

interface BuildResult { seconds: number; peakMb: number; events: number; archive?: { files: number; longestMs: number; events: number; seconds: number; peakMb: number } }
interface MeasureResult {
  openMs: number; rssOpen: number; boardMs: number; rssBoard: number; searchMs: number; noMatchMs: number;
  sessionMs: number; rssSessions: number; diskBytes: number; events: number; payloadMs?: number; archivedSessionMs?: number;
}

/** Bytes on disk of every file under `dir`, a file with several names (the journal's previous generation is also a segment) counted once. */
export function diskUsage(dir: string, seen = new Set<number>()): number {
  let total = 0;
  for (const f of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, f.name);
    if (f.isDirectory()) total += diskUsage(p, seen);
    else {
      const st = statSync(p);
      if (seen.has(st.ino)) continue;
      seen.add(st.ino);
      total += st.size;
    }
  }
  return total;
}
const diskBytes = (dir: string): number => diskUsage(dir);

/** A mode's options: the store's, and whether the import archives sessions quiet for 30 days as it goes (`flightdeck ingest`). */
export type ScaleOptions = StoreOptions & { archiveAsItGoes?: boolean };

/** In a child: records `copies` copies of the sample as a writer would (batches, a snapshot when due). */
async function build(dir: string, samplePath: string, copies: number, options: ScaleOptions): Promise<BuildResult> {
  const sample = JSON.parse(readFileSync(samplePath, 'utf8')) as RecordEvent[];
  const { archiveAsItGoes, ...storeOptions } = options;
  const store = await RecordStore.open(dir, { ...storeOptions, snapshotEveryBytes: 64 << 20 });
  // Quiet against the sessions' last day, as the archive pass below is (copy k is 2k days later).
  const lastDay = Math.max(...sample.filter((e) => e.session !== undefined).map((e) => e.at)) + (copies - 1) * 2 * DAY;
  const going = archiveAsItGoes ? archivingAsItGoes(store, 30 * DAY, lastDay) : undefined;
  const t = performance.now();
  for (let k = 0; k < copies; k++) {
    for (let i = 0; i < sample.length; i += 1000) {
      store.append(sample.slice(i, i + 1000).map((e) => copyOf(e, k)));
      going?.checkpoint();
    }
    store.snapshotIfDue();
  }
  going?.dispose();
  if (going?.failure) throw going.failure;
  store.snapshot();
  const events = Number(store.db.exec('SELECT count(*) FROM events')[0]?.values[0]?.[0]);
  const seconds = (performance.now() - t) / 1000;
  const peakMb = process.resourceUsage().maxRSS / 1024;
  // Then the quiet moments that follow: sessions quiet for 30 days (of the history's last day) archived. The last
  // day is the sessions' (import cursors carry the time of the import, copied along with the rest).
  const last = Number(store.db.exec('SELECT max(at) FROM events WHERE session_id IS NOT NULL')[0]?.values[0]?.[0]);
  const a = performance.now();
  const archived = archiveAll(store, 30 * DAY, last);
  if (archived) store.snapshot();
  store.close();
  return { seconds, peakMb, events, archive: archived && { ...archived, seconds: (performance.now() - a) / 1000, peakMb: process.resourceUsage().maxRSS / 1024 } };
}

/** In a child: what the extension does on a large record, with RSS after each step. */
async function measure(dir: string, { archiveAsItGoes: _, ...options }: ScaleOptions): Promise<MeasureResult> {
  const base = rss();
  void base;
  let t = performance.now();
  const store = await RecordStore.open(dir, options);
  const openMs = performance.now() - t;
  const rssOpen = rss();
  t = performance.now();
  boardRecord(store);
  const boardMs = performance.now() - t;
  const rssBoard = rss();
  t = performance.now();
  boardRecord(store, { ...DEFAULT_QUERY, text: 'signup' });
  const searchMs = performance.now() - t;
  t = performance.now();
  boardRecord(store, { ...DEFAULT_QUERY, text: 'no such words' });
  const noMatchMs = performance.now() - t;
  const ids = boardSessions(store.db, { ...DEFAULT_QUERY, limit: 20 }).map((s) => s.id);
  t = performance.now();
  for (const id of ids) {
    buildTrail(store.db, id);
    sessionActivity(store.db, id);
  }
  const sessionMs = (performance.now() - t) / Math.max(1, ids.length);
  const rssSessions = rss();
  const events = Number(store.db.exec('SELECT count(*) FROM events')[0]?.values[0]?.[0]);
  let payloadMs: number | undefined;
  // Absent from a build of the record before segments (the `before` column).
  const sessionEvents = (queries as { sessionEvents?: (db: unknown, id: string) => RecordEvent[] }).sessionEvents;
  if (typeof sessionEvents === 'function') {
    t = performance.now();
    for (const id of ids) sessionEvents(store.db, id);
    payloadMs = (performance.now() - t) / Math.max(1, ids.length);
  }
  let archivedSessionMs: number | undefined;
  try {
    const archived = (store.db.exec('SELECT DISTINCT session_id FROM archived_sessions LIMIT 10')[0]?.values ?? []).map((r) => String(r[0]));
    t = performance.now();
    for (const id of archived) {
      buildTrail(store.db, id);
      sessionActivity(store.db, id);
    }
    if (archived.length) archivedSessionMs = (performance.now() - t) / archived.length;
  } catch {
    // A record without archives.
  }
  store.close();
  return { openMs, rssOpen, boardMs, rssBoard, searchMs, noMatchMs, sessionMs, rssSessions, diskBytes: diskBytes(dir), events, payloadMs, archivedSessionMs };
}

/** The real CLI's peak RSS for a command that only reads (`status`, `log`), on the record at `dir`. */
function cliPeakMb(root: string, dir: string, cli: string, args: string[]): number {
  const repo = join(root, 'cli-repo');
  rmSync(repo, { recursive: true, force: true });
  mkdirSync(repo);
  spawnSync('git', ['init', '-q'], { cwd: repo });
  symlinkSync(dir, join(repo, '.git', 'flightdeck'));
  const r = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, cli, ...args, '--repo', repo], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const kb = Number(/(\d+)\s*$/.exec(r.stderr)?.[1] ?? NaN);
  return kb / 1024;
}

function child<T>(script: string, args: string[]): T {
  const r = spawnSync(process.execPath, ['--expose-gc', '--max-old-space-size=8192', script, 'scale-child', ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`scale child failed: ${r.stderr.slice(-2000)}`);
  const last = r.stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(last) as T;
}

/** The real-shaped sample written to a file, and how many copies of it make `targetEvents`. */
export async function prepareSample(root: string, targetEvents: number): Promise<{ samplePath: string; copies: number; events: number; avgData: number }> {
  const sample = await sampleEvents(root, 66, 20 << 20);
  const samplePath = join(root, 'sample.json');
  writeFileSync(samplePath, JSON.stringify(sample));
  const avgData = sample.reduce((a, e) => a + JSON.stringify(e.data).length, 0) / sample.length;
  return { samplePath, copies: Math.ceil(targetEvents / sample.length), events: sample.length, avgData };
}

/** Builds the record at `dir` in a child running `script` (this bench, or one built from an earlier commit). */
export function buildRecordWith(script: string, dir: string, samplePath: string, copies: number): void {
  child<BuildResult>(script, ['build', dir, '{}', samplePath, String(copies)]);
}

/** The entry of a child process: `scale-child build|measure DIR OPTIONS_JSON [SAMPLE COPIES]`. */
export async function scaleChild(argv: string[]): Promise<void> {
  const [what, dir, optionsJson, samplePath, copies] = argv;
  const options = JSON.parse(optionsJson ?? '{}') as ScaleOptions;
  const out = what === 'build' ? await build(dir as string, samplePath as string, Number(copies), options) : await measure(dir as string, options);
  console.log(JSON.stringify(out));
}

/**
 * The benchmark built from an earlier commit of the record (FLIGHTDECK_BENCH_BEFORE=<rev>), with today's bench
 * files: its `scale-child` measures the record as it was, on the same events. Undefined when not asked for.
 */
export function buildBefore(root: string): { script: string; cli: string } | undefined {
  const rev = process.env.FLIGHTDECK_BENCH_BEFORE;
  if (!rev) return undefined;
  const here = join(__dirname, '..');
  const tree = join(root, 'before');
  const git = (...a: string[]): void => {
    const r = spawnSync('git', a, { cwd: here, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`git ${a.join(' ')}: ${r.stderr}`);
  };
  git('worktree', 'add', '--detach', '-q', tree, rev);
  for (const f of ['bench/bench.ts', 'bench/scaleReal.ts', 'bench/scaleWorkbench.ts', 'bench/idleCost.ts', 'bench/benchCache.ts']) writeFileSync(join(tree, f), readFileSync(join(here, f)));
  // That record has no archives: the quiet-moment archiving is nothing there.
  writeFileSync(join(tree, 'bench', 'scaleArchive.ts'), 'export const archiveAll = (..._a: unknown[]): undefined => undefined;\nexport const archiveAsItGoes = archiveAll;\n');
  symlinkSync(join(here, 'node_modules'), join(tree, 'node_modules'));
  const r = spawnSync(process.execPath, ['esbuild.mjs', '--production', '--bench'], { cwd: tree, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`building ${rev}: ${r.stderr}`);
  return { script: join(tree, 'dist-bench', 'bench.js'), cli: join(tree, 'dist', 'cli.js') };
}

/** Removes the worktree buildBefore made. */
export function removeBefore(root: string): void {
  spawnSync('git', ['worktree', 'remove', '--force', join(root, 'before')], { cwd: join(__dirname, '..') });
}

/** Modes measured side by side: each a StoreOptions the record is built and opened with, by this build or another's script and CLI. */
export async function scaleReal(row: Row, root: string, modes: [label: string, options: ScaleOptions, build?: { script: string; cli: string }][], targetEvents = Number(process.env.FLIGHTDECK_BENCH_EVENTS ?? 1_000_000)): Promise<void> {
  const fmt = (n: number, d = 0): string => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
  const { samplePath, copies, events, avgData } = await prepareSample(root, targetEvents);
  row(`real-shaped sample (imported)`, `${fmt(events)} events, ${fmt(avgData)} B data avg`, `× ${copies} copies over a year`);
  const results: [string, BuildResult, MeasureResult, number, number][] = [];
  for (const [label, options, other] of modes) {
    const dir = join(root, `record-${label}`);
    const script = other?.script ?? __filename;
    const cli = other?.cli ?? join(__dirname, '..', 'dist', 'cli.js');
    const b = child<BuildResult>(script, ['build', dir, JSON.stringify(options), samplePath, String(copies)]);
    const m = child<MeasureResult>(script, ['measure', dir, JSON.stringify(options)]);
    const status = cliPeakMb(root, dir, cli, ['status']);
    const log = cliPeakMb(root, dir, cli, ['log', '--limit', '20']);
    results.push([label, b, m, status, log]);
    // FLIGHTDECK_BENCH_KEEP=1 keeps the records for a closer look (printed).
    if (process.env.FLIGHTDECK_BENCH_KEEP) console.log(`kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
  const side = (label: string, value: (b: BuildResult, m: MeasureResult, status: number, log: number) => string, target = ''): void =>
    row(label, results.map(([l, b, m, s, g]) => `${l} ${value(b, m, s, g)}`).join(' | '), target);
  side('events recorded', (b) => fmt(b.events));
  side('ingest: peak RSS (batches, snapshots when due)', (b) => `${fmt(b.peakMb)} MB`);
  side('ingest: time', (b) => `${fmt(b.seconds)} s`);
  side('archive sessions quiet 30 days (quiet moments)', (b) => (b.archive ? `${fmt(b.archive.events)} events, ${b.archive.files} files, ${fmt(b.archive.seconds)} s` : '—'));
  side('  longest pause (one file) / peak RSS', (b) => (b.archive ? `${fmt(b.archive.longestMs)} ms / ${fmt(b.archive.peakMb)} MB` : '—'));
  side('events left in the database', (_b, m) => fmt(m.events));
  side('open the record', (_b, m) => `${fmt(m.openMs)} ms`, 'target ≤ 1,000 ms');
  side('RSS after open', (_b, m) => `${fmt(m.rssOpen)} MB`);
  side('RSS with the board state built', (_b, m) => `${fmt(m.rssBoard)} MB`, 'target ≤ 250 MB (host)');
  side('RSS after opening 20 sessions', (_b, m) => `${fmt(m.rssSessions)} MB`);
  side('board state (host side of first paint)', (_b, m) => `${fmt(m.boardMs)} ms`);
  side('search, every session matches / none', (_b, m) => `${fmt(m.searchMs)} / ${fmt(m.noMatchMs)} ms`);
  side('open a session: trail + activity', (_b, m) => `${fmt(m.sessionMs, 1)} ms`);
  side('  an archived session: trail + activity', (_b, m) => (m.archivedSessionMs === undefined ? '—' : `${fmt(m.archivedSessionMs, 1)} ms`));
  side('  a session\'s full payloads from segments', (_b, m) => (m.payloadMs === undefined ? '—' : `${fmt(m.payloadMs, 1)} ms`));
  side('disk: bytes per event recorded (all files; before any compaction, see scale-disk)', (b, m) => `${fmt(m.diskBytes / b.events)} B (${fmt(mbOf(m.diskBytes))} MB)`);
  side('CLI status / log peak RSS', (_b, _m, s, g) => `${fmt(s)} / ${fmt(g)} MB`, 'target ≤ 300 MB');
}
