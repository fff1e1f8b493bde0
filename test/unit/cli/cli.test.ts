import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gitRepo, tempDir } from '../helpers/tmp';
import { SCHEMA_VERSION } from '../../../src/core/record/schema';

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
