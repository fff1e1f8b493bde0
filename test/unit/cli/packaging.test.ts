import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..', '..', '..');

test('every file the built extension and CLI load at run time goes into the .vsix', () => {
  const kept = readFileSync(join(root, '.vscodeignore'), 'utf8').split('\n').filter((l) => l.startsWith('!')).map((l) => l.slice(1).trim());
  const loaded = new Set(['dist/extension.js', 'dist/cli.js', 'dist/webview.js', 'dist/sql-wasm.wasm', 'dist/import-worker.js']);
  for (const bundle of ['dist/cli.js', 'dist/extension.js']) {
    for (const m of readFileSync(join(root, bundle), 'utf8').matchAll(/require\("\.\/([\w.-]+)"\)/g)) loaded.add(`dist/${m[1]}`);
  }
  assert.ok(loaded.has('dist/cli-hook.js') && loaded.has('dist/cli-main.js'), 'the bin loads its two halves');
  for (const file of loaded) assert.ok(kept.includes(file), `${file} is loaded at run time but .vscodeignore leaves it out`);
});
