import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gitRepo, tempDir } from '../helpers/tmp';
import { SCHEMA_VERSION } from '../../../src/core/record/schema';
import { RecordStore } from '../../../src/core/record/store';

const CLI = join(__dirname, '..', '..', '..', 'dist', 'cli.js');

function fd(args: string[], cwd: string): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8' });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

test('note prints an id, and log and status show it', (t) => {
  const repo = gitRepo(t);
  const note = fd(['note', 'deploy approved by Ana'], repo);
  assert.equal(note.code, 0, note.err);
  const id = note.out.trim();
  assert.match(id, /^[0-9a-z]{9}-[A-Za-z0-9_-]{8}$/);
  const log = fd(['log', '--json'], repo);
  const events = JSON.parse(log.out) as { id: string; kind: string; data: { text: string } }[];
  assert.deepEqual(events.map((e) => [e.id, e.kind, e.data.text]), [[id, 'note', 'deploy approved by Ana']]);
  const status = JSON.parse(fd(['status', '--json', '--repo', repo], '/').out) as {
    dir: string; schemaVersion: number; counts: { events: number; notes: number }; journal: { bytes: number };
  };
  assert.equal(status.dir, join(repo, '.git', 'flightdeck'));
  assert.equal(status.schemaVersion, SCHEMA_VERSION);
  assert.deepEqual([status.counts.events, status.counts.notes], [1, 1]);
  assert.ok(status.journal.bytes > 0);
  const human = fd(['status'], repo);
  assert.match(human.out, /Events: +1 \(notes 1/);
});

test('log lists newest first and filters by kind and limit', (t) => {
  const repo = gitRepo(t);
  for (const text of ['first', 'second', 'third']) assert.equal(fd(['note', text], repo).code, 0);
  const log = fd(['log', '--limit', '2'], repo);
  const lines = log.out.trim().split('\n');
  assert.equal(lines.length, 2);
  assert.match(lines[0] as string, /note +third$/);
  assert.match(lines[1] as string, /note +second$/);
  assert.equal(fd(['log', '--kind', 'ship.recorded'], repo).out.trim(), '(no events)');
});

test('verify is clean on a good record and exits 1 on a damaged one, saying what it set aside', (t) => {
  const repo = gitRepo(t);
  fd(['note', 'one'], repo);
  const ok = fd(['verify'], repo);
  assert.equal(ok.code, 0, ok.out + ok.err);
  assert.match(ok.out, /Result: +ok/);
  const dir = join(repo, '.git', 'flightdeck');
  appendFileSync(join(dir, 'journal.jsonl'), 'not json at all\n');
  writeFileSync(join(dir, 'record.sqlite'), 'SQLite format 3\0 but then garbage, garbage, garbage, garbage, garbage, garbage, garbage, garbage');
  fd(['note', 'two'], repo);
  const bad = fd(['verify'], repo);
  assert.equal(bad.code, 1);
  assert.match(bad.out, /Damaged: +1 unreadable journal line/);
  assert.match(bad.out, /Moved aside: +.*damaged\/record\.sqlite\./);
  assert.match(bad.out, /2 events in the record/);
});

test('user mistakes are one line on stderr with a non-zero exit, never a stack trace', (t) => {
  const plain = tempDir(t);
  const cases: [string[], RegExp][] = [
    [['status'], /is not inside a git repository \(pass --repo PATH\)/],
    [['note'], /note wants the text/],
    [['frobnicate'], /unknown command "frobnicate"/],
    [['log', '--limit', 'many', '--repo', plain], /--limit wants a whole number/],
    [['status', '--bogus'], /Unknown option '--bogus'/],
    [['status', '--repo', join(plain, 'nope')], /no such folder/],
    [[], /a command is needed/],
  ];
  for (const [args, message] of cases) {
    const r = fd(args, plain);
    assert.notEqual(r.code, 0, args.join(' '));
    assert.match(r.err, message);
    assert.equal(r.err.trim().split('\n').length, 1, `one line for ${args.join(' ')}: ${r.err}`);
    assert.doesNotMatch(r.err, /\n\s+at /);
  }
});

/** Runs the CLI with only `bin` on PATH and a fresh HOME, so the machine's own claude (if any) is not found. */
function fdWith(args: string[], cwd: string, bin: string, home: string): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', env: { ...process.env, PATH: bin, HOME: home } });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

/** A folder holding a fake `claude` that prints `output` for --version. */
function fakeClaudeBin(t: { after(fn: () => void): void }, output: string): string {
  const bin = tempDir(t, 'fd-bin-');
  writeFileSync(join(bin, 'claude'), `#!/bin/sh\necho '${output}'\n`);
  chmodSync(join(bin, 'claude'), 0o755);
  return bin;
}

interface ConnectJson {
  settingsPath: string; claude: { version: string | null; path: string | null; assumed: boolean }; connected: string[];
  added: string[]; removed: string[]; leftOut: { event: string; since: string }[]; changed: boolean; hookCommand: string;
}
type Settings = { hooks?: Record<string, { matcher?: string; hooks: { command: string }[] }[]> } & Record<string, unknown>;

test('connect claude adds hooks for the CLI itself, keeps the user\'s settings, and run twice changes nothing', (t) => {
  const repo = gitRepo(t);
  const home = tempDir(t);
  const bin = fakeClaudeBin(t, '2.1.20 (Claude Code)');
  const path = join(repo, '.claude', 'settings.local.json');
  mkdirSync(join(repo, '.claude'));
  const mine = { model: 'opus', permissions: { allow: ['Bash(npm test:*)'] }, hooks: { PreToolUse: [{ matcher: 'Bash', hooks: [{ type: 'command', command: './guard.sh' }] }] } };
  writeFileSync(path, JSON.stringify(mine));
  const r = fdWith(['connect', 'claude', '--json', '--repo', repo], '/', bin, home);
  assert.equal(r.code, 0, r.err);
  const first = JSON.parse(r.out) as ConnectJson;
  assert.equal(first.settingsPath, path);
  assert.deepEqual([first.claude.version, first.claude.path, first.claude.assumed], ['2.1.20', join(bin, 'claude'), false]);
  assert.deepEqual(first.connected, ['SessionStart', 'UserPromptSubmit', 'PreToolUse', 'PostToolUse', 'PostToolUseFailure', 'Stop', 'SessionEnd']);
  assert.deepEqual(first.added, first.connected);
  assert.equal(first.changed, true);
  const settings = JSON.parse(readFileSync(path, 'utf8')) as Settings;
  assert.equal(settings.model, 'opus');
  assert.deepEqual(settings.permissions, mine.permissions);
  assert.equal(settings.hooks?.PreToolUse?.[0]?.hooks[0]?.command, './guard.sh');
  const own = settings.hooks?.PreToolUse?.[1]?.hooks[0]?.command ?? '';
  assert.equal(own, `NODE_EXTRA_CA_CERTS='' FLIGHTDECK_MARK='flightdeck-hook' '${process.execPath}' '${CLI}' hook PreToolUse`, 'the node running the CLI, and its own dist/cli.js; no extra CA certificates to parse');
  const text = readFileSync(path, 'utf8');
  const second = fdWith(['connect', 'claude', '--repo', repo], '/', bin, home);
  assert.equal(second.code, 0, second.err);
  assert.match(second.out, /^Claude Code 2\.1\.20 \(.*\/claude\)$/m);
  assert.match(second.out, /Already connected: .* in .*settings\.local\.json; nothing changed/);
  assert.equal(readFileSync(path, 'utf8'), text, 'the second run changes nothing');
});

test('the hook command connect claude writes really records', (t) => {
  const repo = gitRepo(t);
  const home = tempDir(t);
  const r = fdWith(['connect', 'claude', '--json'], repo, fakeClaudeBin(t, '2.1.20 (Claude Code)'), home);
  const command = (JSON.parse(r.out) as ConnectJson).hookCommand.replace('<event>', 'PreToolUse');
  const payload = JSON.stringify({ session_id: 'cli-hooked', cwd: repo, tool_name: 'Bash', tool_input: { command: 'npm test' }, tool_use_id: 'toolu_cli' });
  const run = spawnSync('/bin/sh', ['-c', command], { cwd: repo, input: payload, encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  const log = JSON.parse(fd(['log', '--json', '--limit', '50'], repo).out) as { kind: string; session?: string }[];
  assert.ok(log.some((e) => e.session === 'cli-hooked'), 'the hook\'s event is in the record');
});

test('an old Claude Code on PATH gets no PostToolUseFailure, and an earlier one is taken out', (t) => {
  const repo = gitRepo(t);
  const home = tempDir(t);
  const path = join(repo, '.claude', 'settings.local.json');
  assert.equal(fdWith(['connect', 'claude'], repo, fakeClaudeBin(t, '2.0.58 (Claude Code)'), home).code, 0);
  assert.ok((JSON.parse(readFileSync(path, 'utf8')) as Settings).hooks?.PostToolUseFailure);
  const old = fdWith(['connect', 'claude', '--json'], repo, fakeClaudeBin(t, '2.0.47 (Claude Code)'), home);
  assert.equal(old.code, 0, old.err);
  const r = JSON.parse(old.out) as ConnectJson;
  assert.equal(r.claude.version, '2.0.47');
  assert.ok(!r.connected.includes('PostToolUseFailure'));
  assert.deepEqual(r.removed, ['PostToolUseFailure']);
  assert.deepEqual(r.leftOut, [{ event: 'PostToolUseFailure', since: '2.0.56' }]);
  const settings = JSON.parse(readFileSync(path, 'utf8')) as Settings;
  assert.deepEqual(Object.keys(settings.hooks ?? {}).sort(), ['PostToolUse', 'PreToolUse', 'SessionEnd', 'SessionStart', 'Stop', 'UserPromptSubmit']);
  const human = fdWith(['connect', 'claude'], repo, fakeClaudeBin(t, '2.0.47 (Claude Code)'), home);
  assert.match(human.out, /Left out PostToolUseFailure \(Claude Code 2\.0\.56 or later\): Claude Code 2\.0\.47 does not know it/);
});

test('without a claude to ask, connect says so and leaves out what an older one would reject; too old writes nothing', (t) => {
  const repo = gitRepo(t);
  const home = tempDir(t);
  const none = fdWith(['connect', 'claude'], repo, tempDir(t), home);
  assert.equal(none.code, 0, none.err);
  assert.match(none.out, /version could not be told \(no claude on PATH.*assumed 1\.0\.85 or later, so PostToolUseFailure is left out/);
  const ancient = gitRepo(t);
  const r = fdWith(['connect', 'claude'], ancient, fakeClaudeBin(t, '1.0.30 (Claude Code)'), home);
  assert.equal(r.code, 1);
  assert.match(r.out, /Claude Code 1\.0\.30 has no hooks \(they came in 1\.0\.38\): nothing was written/);
  assert.ok(!existsSync(join(ancient, '.claude', 'settings.local.json')));
});

test('disconnect claude removes only Flightdeck\'s entries', (t) => {
  const repo = gitRepo(t);
  const home = tempDir(t);
  const bin = fakeClaudeBin(t, '2.1.20 (Claude Code)');
  const path = join(repo, '.claude', 'settings.local.json');
  mkdirSync(join(repo, '.claude'));
  const mine = { env: { A: '1' }, hooks: { Stop: [{ hooks: [{ type: 'command', command: './notify.sh' }] }] } };
  writeFileSync(path, JSON.stringify(mine));
  assert.equal(fdWith(['connect', 'claude'], repo, bin, home).code, 0);
  const r = fdWith(['disconnect', 'claude', '--json'], repo, bin, home);
  assert.equal(r.code, 0, r.err);
  const out = JSON.parse(r.out) as { settingsPath: string; removed: string[]; changed: boolean };
  assert.equal(out.settingsPath, path);
  assert.equal(out.removed.length, 7);
  assert.deepEqual(JSON.parse(readFileSync(path, 'utf8')), mine);
  const again = fdWith(['disconnect', 'claude'], repo, bin, home);
  assert.match(again.out, /No Flightdeck hooks in .*settings\.local\.json; nothing changed/);
});

test('a broken settings file is a clear error and is not overwritten; usage mistakes exit 2', (t) => {
  const repo = gitRepo(t);
  const home = tempDir(t);
  const bin = fakeClaudeBin(t, '2.1.20 (Claude Code)');
  const path = join(repo, '.claude', 'settings.local.json');
  mkdirSync(join(repo, '.claude'));
  writeFileSync(path, '{"hooks": {');
  for (const command of ['connect', 'disconnect']) {
    const r = fdWith([command, 'claude'], repo, bin, home);
    assert.equal(r.code, 1, r.err);
    assert.match(r.err, /settings\.local\.json is not valid JSON .*fix it or move it aside/);
    assert.equal(r.err.trim().split('\n').length, 1);
    assert.equal(readFileSync(path, 'utf8'), '{"hooks": {');
  }
  // Codex's config.toml: a break is named by its line, and the file stays as it was.
  const codexHome = tempDir(t);
  writeFileSync(join(codexHome, 'config.toml'), 'model = "o3"\n[profiles\n');
  const codex = spawnSync(process.execPath, [CLI, 'connect', 'codex'], { cwd: repo, encoding: 'utf8', env: { ...process.env, HOME: home, CODEX_HOME: codexHome } });
  assert.equal(codex.status, 1, codex.stderr);
  assert.match(codex.stderr, /config\.toml:2: a table header is not closed with \]; Flightdeck changed nothing/);
  assert.equal(readFileSync(join(codexHome, 'config.toml'), 'utf8'), 'model = "o3"\n[profiles\n');
  const plain = tempDir(t);
  const cases: [string[], RegExp][] = [
    [['connect'], /connect wants what to connect: flightdeck connect claude/],
    [['disconnect', 'cursor'], /disconnect knows "claude" and "codex", not "cursor"/],
    [['connect', 'claude', '--repo', join(plain, 'nope')], /no such folder/],
    [['connect', 'claude', '--repo', plain], /is not inside a git repository/],
  ];
  for (const [args, message] of cases) {
    const r = fdWith(args, plain, bin, home);
    assert.equal(r.code, 2, args.join(' '));
    assert.match(r.err, message);
  }
});

test('archive --months N takes quiet sessions out of the database into a file; archive list and archive show ID read them back; log shows full payloads', async (t) => {
  const repo = gitRepo(t);
  const dir = join(repo, '.git', 'flightdeck');
  const store = await RecordStore.open(dir);
  const old = Date.now() - 400 * 86_400_000;
  const output = 'PASS api/signup.test.ts\n'.repeat(50);
  store.append([
    { kind: 'session.started', session: 'old-1', at: old, source: 'claude-transcript', data: { intent: 'old work' } },
    { kind: 'tool.result', session: 'old-1', at: old + 1000, source: 'claude-transcript', data: { tool: 'Bash', toolUseId: 't1', outcome: 'ok', output } },
    { kind: 'tool.result', session: 'new-1', at: Date.now(), source: 'claude-transcript', data: { tool: 'Bash', toolUseId: 't2', outcome: 'ok', output } },
  ]);
  store.close();
  const log = JSON.parse(fd(['log', '--json', '--kind', 'tool.result'], repo).out) as { data: { output: string } }[];
  assert.deepEqual(log.map((e) => e.data.output), [output, output], 'log reads the payloads kept out of the database');
  assert.equal(fd(['archive'], repo).code, 2, 'wants --months');
  const run = fd(['archive', '--months', '6', '--json'], repo);
  assert.equal(run.code, 0, run.err);
  const result = JSON.parse(run.out) as { sessions: number; events: number };
  assert.deepEqual([result.sessions, result.events], [1, 2]);
  const list = JSON.parse(fd(['archive', 'list', '--json'], repo).out) as { file: string; sessions: number; events: number }[];
  assert.deepEqual(list.map((a) => [a.sessions, a.events]), [[1, 2]]);
  const shown = JSON.parse(fd(['archive', 'show', 'old-1', '--json'], repo).out) as { kind: string; data: { output?: string } }[];
  assert.deepEqual(shown.map((e) => e.kind), ['session.started', 'tool.result']);
  assert.equal(shown[1]?.data.output, output);
  const after = JSON.parse(fd(['log', '--json', '--kind', 'tool.result'], repo).out) as unknown[];
  assert.equal(after.length, 1, 'the archived event left the database');
});

test('ingest --keep-loaded-days wants a number of days, 0 keeping everything loaded', (t) => {
  const repo = gitRepo(t);
  const projects = tempDir(t, 'fd-claude-');
  for (const bad of ['-1', 'month', '']) {
    const r = fd(['ingest', 'claude', '--projects-dir', projects, `--keep-loaded-days=${bad}`], repo);
    assert.equal(r.code, 2, `--keep-loaded-days ${bad}`);
    assert.match(r.err, /--keep-loaded-days wants a number of days/);
  }
  for (const good of ['0', '30']) {
    const r = fd(['ingest', 'claude', '--projects-dir', projects, '--keep-loaded-days', good], repo);
    assert.equal(r.code, 0, r.err);
    assert.doesNotMatch(r.out, /Archived as it went/, 'nothing to archive in an empty history');
  }
});
