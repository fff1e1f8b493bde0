// Transcript capture figures: import throughput against ccusage 17.2.1 on the same files, live-tail
// latency from an appended line to a queryable event, and the hook process's time.
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { importTranscripts } from '../src/core/capture/claudeImport';
import { TranscriptTailer } from '../src/core/capture/transcriptTailer';
import { cwdMatcher } from '../src/core/capture/workspace';
import { RecordStore } from '../src/core/record/store';
import { projectFolderName, TranscriptWriter } from '../test/fixtures/claudeTranscript';

const CODE = 'export function signup(req: Request) {\n  const { email, password } = req.body;\n  if (!email.includes("@")) throw new HttpError(400);\n}\n'.repeat(20);

/** A corpus shaped like real sessions: prompts, tool calls, bulky Read results, usage on every response. */
export function writeCorpus(root: string, cwd: string, targetBytes: number): { files: number; bytes: number } {
  const project = join(root, 'projects', projectFolderName(cwd));
  mkdirSync(project, { recursive: true });
  let bytes = 0;
  let files = 0;
  while (bytes < targetBytes) {
    const w = new TranscriptWriter({ sessionId: `bench-${files}`, cwd, start: Date.UTC(2026, 9, 1) + files * 3_600_000 });
    w.prompt(`add server-side validation to signup endpoint #${files}`);
    for (let i = 0; i < 40; i++) {
      w.assistant([{ type: 'text', text: 'Let me look at the handler and its tests before changing anything. '.repeat(4) }]);
      w.tool('Read', { file_path: `${cwd}/api/signup${i}.ts` }, { text: CODE, structured: { type: 'text', file: { filePath: `${cwd}/api/signup${i}.ts`, content: CODE } } });
      w.tool('Edit', { file_path: `${cwd}/api/signup${i}.ts`, old_string: CODE.slice(0, 200), new_string: CODE.slice(0, 220) }, { text: 'The file has been updated.' });
      w.bash(i % 5 === 0 ? 'npm test -- signup' : 'npm run typecheck', i % 7 === 0 ? 1 : 0, 'PASS api/signup.test.ts\n'.repeat(30));
    }
    const text = w.toString();
    writeFileSync(join(project, `bench-${files}.jsonl`), text);
    bytes += Buffer.byteLength(text);
    files++;
  }
  return { files, bytes };
}

const mbps = (bytes: number, ms: number): number => bytes / (1 << 20) / (ms / 1000);

async function ourImport(root: string, cwd: string, bytes: number): Promise<number> {
  const dir = join(root, 'record');
  const store = await RecordStore.open(dir, { snapshotEveryBytes: Number.MAX_SAFE_INTEGER });
  const t = performance.now();
  await importTranscripts(store, { projectsDir: join(root, 'projects'), accept: cwdMatcher([cwd]), worker: { script: join(__dirname, '..', 'dist', 'import-worker.js'), roots: [cwd] } });
  const ours = mbps(bytes, performance.now() - t);
  store.close();
  rmSync(dir, { recursive: true, force: true });
  return ours;
}

function ccusageRead(root: string, bytes: number): number {
  const ccusage = join(__dirname, '..', 'node_modules', 'ccusage', 'dist', 'index.js');
  const t = performance.now();
  const r = spawnSync(process.execPath, [ccusage, 'session', '--json', '--offline'], { env: { ...process.env, CLAUDE_CONFIG_DIR: root }, encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) console.error(`ccusage failed: ${r.stderr.slice(0, 300)}`);
  return r.status === 0 ? mbps(bytes, performance.now() - t) : NaN;
}

/** Alternating rounds, median of each: this machine's speed drifts, and both sides should see the same drift. */
export async function importThroughput(root: string, cwd: string, bytes: number): Promise<{ ours: number; ccusage: number; parse: number }> {
  const ours: number[] = [];
  const theirs: number[] = [];
  for (let round = 0; round < 3; round++) {
    ours.push(await ourImport(root, cwd, bytes));
    theirs.push(ccusageRead(root, bytes));
  }
  const t = performance.now();
  const project = join(root, 'projects', readdirSync(join(root, 'projects'))[0] as string);
  for (const f of readdirSync(project)) for (const line of readFileSync(join(project, f), 'utf8').split('\n')) if (line) JSON.parse(line);
  const parse = mbps(bytes, performance.now() - t);
  return { ours: median(ours), ccusage: median(theirs), parse };
}

/** Appends one Bash call at a time to a followed transcript; measures until its command row is queryable. */
export async function liveTailLatency(root: string, cwd: string, samples: number): Promise<number[]> {
  const projects = join(root, 'live-projects');
  const file = join(projects, 'p', 'live.jsonl');
  mkdirSync(join(projects, 'p'), { recursive: true });
  writeFileSync(file, '');
  const store = await RecordStore.open(join(root, 'live-record'));
  const tailer = new TranscriptTailer(() => store, { projectsDir: projects, accept: cwdMatcher([cwd]) });
  await tailer.run();
  tailer.start();
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    const w = new TranscriptWriter({ sessionId: 'live', cwd });
    w.assistant([{ type: 'tool_use', id: `toolu_live_${i}`, name: 'Bash', input: { command: `echo ${i}` } }]);
    const t = performance.now();
    appendFileSync(file, w.toString());
    for (;;) {
      if (store.db.exec(`SELECT 1 FROM commands WHERE id = 'toolu_live_${i}'`).length) break;
      await new Promise((r) => setTimeout(r, 2));
    }
    times.push(performance.now() - t);
    await new Promise((r) => setTimeout(r, 20));
  }
  tailer.dispose();
  store.close();
  return times;
}

/**
 * The whole `flightdeck hook PreToolUse` process, as Claude Code runs it, N times; beside each run, an
 * empty node process, so what the hook adds to node's own start shows apart from this machine's noise.
 */
export function hookProcessTimes(cli: string, repo: string, samples: number): { hook: number[]; node: number[] } {
  const hook: number[] = [];
  const node: number[] = [];
  for (let i = 0; i < samples; i++) {
    const input = JSON.stringify({ session_id: 'bench', cwd: repo, hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command: 'npm test' }, tool_use_id: `toolu_bench_${i}` });
    let t = performance.now();
    const r = spawnSync(process.execPath, [cli, 'hook', 'PreToolUse'], { input, encoding: 'utf8' });
    hook.push(performance.now() - t);
    if (r.status !== 0) throw new Error(`hook failed: ${r.stderr}`);
    t = performance.now();
    spawnSync(process.execPath, ['-e', ''], { input, encoding: 'utf8' });
    node.push(performance.now() - t);
  }
  return { hook, node };
}

/** Puts a `git` first on PATH that counts its calls, then runs the real one. */
function countingGit(dir: string): { path: string; calls: () => number } {
  const bin = join(dir, 'git-bin');
  const log = join(bin, 'calls.log');
  mkdirSync(bin, { recursive: true });
  const real = spawnSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).stdout.trim();
  writeFileSync(join(bin, 'git'), `#!/bin/sh\necho x >> '${log}'\nexec '${real}' "$@"\n`, { mode: 0o755 });
  writeFileSync(log, '');
  return { path: `${bin}:${process.env.PATH ?? ''}`, calls: () => readFileSync(log, 'utf8').split('\n').filter(Boolean).length };
}

const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

/**
 * `flightdeck ingest claude` as a user runs it (a fresh record each round: the whole history, git facts
 * included), against ccusage reading the same files; alternating rounds, medians reported.
 */
export function ingestCommandThroughput(root: string, repo: string, bytes: number, rounds = 3): {
  ours: number[]; ccusage: number[]; gitCalls: number; sessions: number;
} {
  const cli = join(__dirname, '..', 'dist', 'cli.js');
  const git = countingGit(root);
  const ours: number[] = [];
  const theirs: number[] = [];
  let gitCalls = 0;
  let sessions = 0;
  for (let round = 0; round < rounds; round++) {
    rmSync(join(repo, '.git', 'flightdeck'), { recursive: true, force: true });
    writeFileSync(join(root, 'git-bin', 'calls.log'), '');
    const t = performance.now();
    const r = spawnSync(process.execPath, [cli, 'ingest', 'claude', '--projects-dir', join(root, 'projects'), '--repo', repo, '--json'], {
      encoding: 'utf8', env: { ...process.env, PATH: git.path }, maxBuffer: 1 << 26,
    });
    ours.push(mbps(bytes, performance.now() - t));
    if (r.status !== 0) throw new Error(`flightdeck ingest failed: ${r.stderr}`);
    sessions = (JSON.parse(r.stdout) as { sessions: number }).sessions;
    gitCalls = git.calls();
    theirs.push(ccusageRead(root, bytes));
  }
  return { ours, ccusage: theirs, gitCalls, sessions };
}

export { median };
