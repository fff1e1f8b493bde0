import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cacheFileFor, loadBundle } from '../../../src/cli/bundleCache';
import { tempDir } from '../helpers/tmp';

const LOADER = join(__dirname, '..', '..', 'bundle-cache-process.js');

// A bundle as esbuild writes one: CommonJS, with functions compiled only when first called.
const bundleText = (n: number): string =>
  `"use strict";\nconst path = require('node:path');\nexports.answer = function () { return ${n}; };\nexports.dir = __dirname;\nexports.file = __filename;\nexports.base = path.basename(__filename);\n`;

/** Loads `file` in a fresh process, as the CLI does: whether V8 took the cache, and what the bundle answered. */
const loadFresh = (file: string, variant?: string): { usedCache: boolean; answer: number } =>
  JSON.parse(execFileSync(process.execPath, [LOADER, file, ...(variant === undefined ? [] : [variant])], { encoding: 'utf8' })) as { usedCache: boolean; answer: number };

test('a bundle loads as a CommonJS module and writes nothing until asked to keep its compiled code', (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'cli-x.js');
  writeFileSync(file, bundleText(41));
  const b = loadBundle<{ answer: () => number; dir: string; file: string; base: string }>(file, require);
  assert.deepEqual([b.exports.answer(), b.exports.dir, b.exports.file, b.exports.base, b.usedCache], [41, dir, file, 'cli-x.js', false]);
  assert.deepEqual(readdirSync(dir), ['cli-x.js']);
});

test('the first run saves the compiled code beside the bundle, whole; the next process uses it', (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'cli-x.js');
  writeFileSync(file, bundleText(41));
  assert.deepEqual(loadFresh(file), { usedCache: false, answer: 41 });
  assert.ok(existsSync(cacheFileFor(file)));
  assert.deepEqual(readdirSync(dir).sort(), ['cli-x.js', cacheFileFor(file).slice(dir.length + 1)], 'no temp file is left behind');
  assert.deepEqual(loadFresh(file), { usedCache: true, answer: 41 });
  assert.deepEqual(loadFresh(file), { usedCache: true, answer: 41 });
});

test('a cache made from other source is never used, even of the same length (which V8 alone would take)', (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'cli-x.js');
  writeFileSync(file, bundleText(41));
  loadFresh(file);
  writeFileSync(file, bundleText(42)); // an update in place: same length, other code
  assert.deepEqual(loadFresh(file), { usedCache: false, answer: 42 });
  assert.deepEqual(loadFresh(file), { usedCache: true, answer: 42 }, 'made again for the new source');
});

test('the cache runs its own copy of the source, and only while the bundle is the same file, unchanged', (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'cli-x.js');
  writeFileSync(file, bundleText(41));
  loadFresh(file);
  assert.deepEqual(loadFresh(file), { usedCache: true, answer: 41 });
  // Another file put in its place (a new install), even of the same size and time, is not the one cached.
  const { mtime } = statSync(file);
  rmSync(file);
  writeFileSync(join(dir, 'other'), 'x'); // so the new file does not get the freed inode back
  writeFileSync(file, bundleText(43));
  utimesSync(file, mtime, mtime);
  assert.deepEqual(loadFresh(file), { usedCache: false, answer: 43 });
  assert.deepEqual(loadFresh(file), { usedCache: true, answer: 43 });
});

test('a bundle with characters beyond ASCII runs them as written, from its cache too', (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'cli-x.js');
  writeFileSync(file, `"use strict";\nexports.answer = function () { return 'ünïcødé ✓'.length; };\n`);
  assert.deepEqual(loadFresh(file), { usedCache: false, answer: 9 });
  assert.deepEqual(loadFresh(file), { usedCache: true, answer: 9 });
});

test('damaged cache files are ignored: the bundle compiles as it would without one, and the cache is made again', (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'cli-x.js');
  writeFileSync(file, bundleText(7));
  const source = readFileSync(file);
  loadFresh(file);
  const made = readFileSync(cacheFileFor(file));
  const header = made.subarray(0, 32);
  const oldFormat = Buffer.alloc(4);
  oldFormat.writeUInt32LE(source.length, 0);
  const damaged: [string, Buffer][] = [
    ['empty', Buffer.alloc(0)],
    ['cut inside the header', header.subarray(0, 20)],
    ['cut inside the source', Buffer.concat([header, source.subarray(0, 10)])],
    ['no compiled code', Buffer.concat([header, source])],
    ['garbage where V8\'s data goes', Buffer.concat([header, source, Buffer.from('not what V8 wrote, not at all')])],
    ['the format before this one', Buffer.concat([oldFormat, source, made.subarray(32 + source.length)])],
  ];
  for (const [what, bytes] of damaged) {
    writeFileSync(cacheFileFor(file), bytes);
    assert.deepEqual(loadFresh(file), { usedCache: false, answer: 7 }, what);
    assert.deepEqual(loadFresh(file), { usedCache: true, answer: 7 }, `${what}: made again`);
  }
});

test('each variant (a hook event, a lock command) keeps its own cache; a variant that is not a plain word names no file of its own', (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'cli-x.js');
  writeFileSync(file, bundleText(5));
  assert.deepEqual(loadFresh(file, 'PreToolUse'), { usedCache: false, answer: 5 });
  assert.deepEqual(loadFresh(file, 'PostToolUse'), { usedCache: false, answer: 5 }, 'not the PreToolUse cache');
  assert.deepEqual([loadFresh(file, 'PreToolUse').usedCache, loadFresh(file, 'PostToolUse').usedCache], [true, true]);
  assert.ok(existsSync(cacheFileFor(file, 'PreToolUse')) && existsSync(cacheFileFor(file, 'PostToolUse')));
  for (const odd of ['../../x', 'a/b', 'x'.repeat(60), '']) assert.equal(cacheFileFor(file, odd), cacheFileFor(file), JSON.stringify(odd));
  assert.deepEqual(loadFresh(file, '../../escape'), { usedCache: false, answer: 5 });
  assert.deepEqual(readdirSync(dir).filter((f) => f.includes('escape')), []);
  assert.ok(existsSync(cacheFileFor(file)), 'an odd variant uses the plain cache');
});
