import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..', '..', '..');

test('every file the built extension and CLI load at run time goes into the .vsix', () => {
  const kept = readFileSync(join(root, '.vscodeignore'), 'utf8').split('\n').filter((l) => l.startsWith('!')).map((l) => l.slice(1).trim());
  const loaded = new Set(['dist/extension.js', 'dist/cli.js', 'dist/webview.js', 'dist/sql-wasm.wasm', 'dist/import-worker.js']);
  for (const bundle of ['dist/cli.js', 'dist/extension.js']) {
    // Required, or read through their code cache (src/cli/bundleCache.ts): every sibling script the bundle names.
    for (const m of readFileSync(join(root, bundle), 'utf8').matchAll(/["']\.\/([\w.-]+\.js)["']/g)) loaded.add(`dist/${m[1]}`);
  }
  assert.ok(['cli-hook', 'cli-lock', 'cli-risk', 'cli-main'].every((b) => loaded.has(`dist/${b}.js`)), 'the bin loads its bundles');
  for (const file of loaded) assert.ok(kept.includes(file), `${file} is loaded at run time but .vscodeignore leaves it out`);
});

test('every bundle that opens a record carries the patched sql.js: file growth (64 MB steps, not 12.5% copies), file bytes without a copy, no copy when cut shorter', () => {
  for (const bundle of ['dist/extension.js', 'dist/cli-main.js', 'dist/import-worker.js']) {
    const text = readFileSync(join(root, bundle), 'utf8');
    if (!text.includes('sql-wasm.wasm')) continue; // does not open a record
    assert.match(text, /[\w$] ?\+ ?67108864/, `${bundle} has sql.js's original growth rule`);
    assert.doesNotMatch(text, /\? ?2 ?: ?1\.125\)/, `${bundle} still grows by 12.5%`);
    assert.match(text, /Symbol\.for\(["']flightdeck\.sqlFileGrowth["']\)/, `${bundle} cannot be asked for lean growth (setFileGrowth)`);
    assert.match(text, /\.prototype\.fileBytes ?= ?function/, `${bundle} has no fileBytes: every snapshot would copy the database (db.export())`);
    assert.match(text, /\.Ua\.fill\(0, ?[\w$]+, ?[\w$]+\.Wa\)/, `${bundle} copies the whole file each time it is cut shorter`);
  }
});
