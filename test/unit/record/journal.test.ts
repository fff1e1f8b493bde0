import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { completeEvent, type RecordEvent } from '../../../src/core/record/events';
import { encodeJournalLines, JOURNAL_FILE, JournalTail, JournalWriter, type JournalDamage } from '../../../src/core/record/journal';
import { tempDir } from '../helpers/tmp';

const note = (text: string): RecordEvent => completeEvent({ kind: 'note', data: { text } });

function readAll(dir: string): { events: RecordEvent[]; damage: JournalDamage[]; tail: JournalTail } {
  const tail = new JournalTail(dir);
  const events: RecordEvent[] = [];
  const damage: JournalDamage[] = [];
  tail.read((e) => events.push(e), (d) => damage.push(d));
  return { events, damage, tail };
}

test('appended events are on disk, one line each, after a header', (t) => {
  const dir = tempDir(t);
  const w = new JournalWriter(dir);
  w.append([note('a'), note('b')]);
  w.append([note('c')]);
  w.close();
  const lines = readFileSync(join(dir, JOURNAL_FILE), 'utf8').trimEnd().split('\n');
  assert.equal(lines.length, 4);
  assert.equal(JSON.parse(lines[0] as string).gen, 1);
  const { events, damage } = readAll(dir);
  assert.deepEqual(events.map((e) => e.data.text), ['a', 'b', 'c']);
  assert.equal(damage.length, 0);
});

test('an unterminated last line is left unread, and the next append keeps its own line whole', (t) => {
  const dir = tempDir(t);
  const w = new JournalWriter(dir);
  w.append([note('before')]);
  appendFileSync(join(dir, JOURNAL_FILE), '{"id":"torn","kind":"note","at":1,"da');
  let r = readAll(dir);
  assert.deepEqual(r.events.map((e) => e.data.text), ['before']);
  assert.equal(r.damage.length, 0, 'a torn tail is not damage yet: it may still be being written');
  w.append([note('after')]);
  w.close();
  r = readAll(dir);
  assert.deepEqual(r.events.map((e) => e.data.text), ['before', 'after']);
  assert.equal(r.damage.length, 1);
  assert.match(r.damage[0]?.text ?? '', /"id":"torn"/);
});

test('a garbage line in the middle is skipped and counted, the lines around it survive', (t) => {
  const dir = tempDir(t);
  const w = new JournalWriter(dir);
  w.append([note('one')]);
  appendFileSync(join(dir, JOURNAL_FILE), 'this is not json\n{"valid json":"but not an event"}\n');
  w.append([note('two')]);
  w.close();
  const { events, damage } = readAll(dir);
  assert.deepEqual(events.map((e) => e.data.text), ['one', 'two']);
  assert.deepEqual(damage.map((d) => d.reason), ['not JSON (a torn or corrupted line)', 'not an event']);
});

test('a tail follows appends and a rotation made elsewhere without losing or skipping events', (t) => {
  const dir = tempDir(t);
  const w = new JournalWriter(dir);
  w.append([note('1'), note('2')]);
  const tail = new JournalTail(dir);
  const seen: string[] = [];
  const read = (): void => tail.read((e) => seen.push(String(e.data.text)), () => assert.fail('no damage expected'));
  read();
  w.append([note('3')]);
  const other = new JournalWriter(dir);
  // Rotate at the current end minus nothing: generation 2 starts empty after the header.
  const size = readFileSync(join(dir, JOURNAL_FILE)).length;
  assert.equal(other.rotate(1, size), true);
  w.append([note('4')]);
  read();
  assert.deepEqual(seen, ['1', '2', '3', '4']);
  assert.equal(tail.gen, 2);
  assert.equal(other.rotate(1, 0), false, 'a stale rotation request is refused');
  w.close();
  other.close();
  tail.close();
});

test('a lock left by a writer that died is broken at once', (t) => {
  const dir = tempDir(t);
  const lockDir = join(dir, 'journal.lock');
  mkdirSync(lockDir);
  // Owner 2^22+1 is far above the default pid_max of live processes in tests: it is dead.
  writeFileSync(join(lockDir, 'owner'), `4194305 ${hostname()} ${Date.now()} deadbeef`);
  const w = new JournalWriter(dir);
  const started = Date.now();
  w.append([note('through a stale lock')]);
  assert.ok(Date.now() - started < 2000);
  w.close();
  assert.equal(readAll(dir).events.length, 1);
});

test('journal lines are byte for byte each event as JSON, with each data span exact', () => {
  const events = [
    { id: 'a', kind: 'note', at: 1, data: { text: 'héllo ✓ 🚀' } },
    { id: 'b', kind: 'tool.called', at: 2, session: 's', source: 'claude-transcript', data: { command: 'echo "quoted"\n', n: 3 } },
  ];
  const { journal, spans } = encodeJournalLines(events);
  // JSON.stringify drops the keys left undefined (no session, no source), as the journal does.
  const asJson = (e: RecordEvent): string => `${JSON.stringify({ id: e.id, kind: e.kind, at: e.at, session: e.session, source: e.source, data: e.data })}\n`;
  assert.equal(journal.toString('utf8'), events.map(asJson).join(''));
  for (const [i, e] of events.entries()) assert.equal(journal.subarray(spans[2 * i], spans[2 * i + 1]).toString('utf8'), JSON.stringify(e.data));
});

test('journal lines quote ids, kinds, sessions and sources exactly as JSON does, in all-ASCII batches and others', () => {
  const odd = ['plain-id_1', 'with "quotes"', 'back\\slash', 'tab\there', 'nul\u0000', 'lone \ud800 surrogate', 'pair 🚀', 'é', 'line\u2028sep'];
  // Each string alone (so ASCII-only batches take their own path), then all of them in one batch.
  const batches = [...odd.map((s) => [s]), odd];
  for (const strings of batches) {
    const events = strings.map((s, i) => ({ id: `${s}#${i}`, kind: s, at: i, session: s, source: s, data: { s } }));
    const { journal, spans } = encodeJournalLines(events);
    const expected = events
      .map((e) => `{"id":${JSON.stringify(e.id)},"kind":${JSON.stringify(e.kind)},"at":${e.at},"session":${JSON.stringify(e.session)},"source":${JSON.stringify(e.source)},"data":${JSON.stringify(e.data)}}\n`)
      .join('');
    assert.equal(journal.toString('utf8'), expected);
    for (const [i, e] of events.entries()) assert.deepEqual(JSON.parse(journal.subarray(spans[2 * i], spans[2 * i + 1]).toString('utf8')), e.data);
  }
});
