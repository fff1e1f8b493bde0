// Bundles the extension, the CLI, the board webview and (on request) the tests and the benchmark.
import * as esbuild from 'esbuild';
import { readdirSync, mkdirSync, copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const tests = process.argv.includes('--tests');
const bench = process.argv.includes('--bench');

const node = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  external: ['vscode'],
};

function listTests(dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listTests(path));
    else if (/\.test\.ts$/.test(entry.name)) out.push(path);
  }
  return out;
}

const builds = [
  { ...node, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js' },
  {
    ...node,
    entryPoints: ['src/cli/bin.ts'],
    outfile: 'dist/cli.js',
    banner: { js: '#!/usr/bin/env node' },
    external: ['./cli-main.js', './cli-hook.js'],
  },
  { ...node, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli-main.js' },
  // Loaded on every Claude Code tool call: kept to what the hook needs.
  { ...node, entryPoints: ['src/cli/hookCommand.ts'], outfile: 'dist/cli-hook.js' },
  // Parses transcripts beside the thread that records them (a large first import).
  { ...node, entryPoints: ['src/core/capture/importWorker.ts'], outfile: 'dist/import-worker.js' },
  {
    bundle: true,
    platform: 'browser',
    target: 'es2022',
    format: 'iife',
    sourcemap: production ? false : 'linked',
    minify: production,
    logLevel: 'warning',
    entryPoints: ['webview/main.ts'],
    outfile: 'dist/webview.js',
  },
];

if (tests) {
  builds.push({
    ...node,
    entryPoints: listTests('test/unit'),
    outdir: 'dist-test/unit',
    outbase: 'test/unit',
    external: ['vscode', 'sql.js'],
  });
  builds.push({
    ...node,
    entryPoints: ['test/integration/suite/index.ts'],
    outfile: 'dist-test/integration/index.js',
  });
  builds.push({
    ...node,
    entryPoints: ['test/unit/helpers/writer-process.ts'],
    outfile: 'dist-test/writer-process.js',
  });
  builds.push({ ...node, entryPoints: ['test/e2e/seed.ts'], outfile: 'dist-test/e2e-seed.js' });
}
if (bench) {
  builds.push({ ...node, entryPoints: ['bench/bench.ts'], outfile: 'dist-bench/bench.js', external: ['vscode', 'better-sqlite3', 'sql.js', 'playwright-core'] });
}

function copyAssets() {
  // sql.js loads its WASM from beside the bundle at run time.
  mkdirSync('dist', { recursive: true });
  copyFileSync('node_modules/sql.js/dist/sql-wasm.wasm', 'dist/sql-wasm.wasm');
  copyFileSync('node_modules/@vscode/codicons/dist/codicon.css', 'dist/codicon.css');
  copyFileSync('node_modules/@vscode/codicons/dist/codicon.ttf', 'dist/codicon.ttf');
  copyFileSync('node_modules/@vscode/webview-ui-toolkit/dist/toolkit.min.js', 'dist/toolkit.min.js');
  if (tests) {
    mkdirSync('dist-test', { recursive: true });
    copyFileSync('test/closing-line-reporter.mjs', 'dist-test/closing-line-reporter.mjs');
  }
}

copyAssets();
if (watch) {
  const contexts = await Promise.all(builds.map((b) => esbuild.context(b)));
  await Promise.all(contexts.map((c) => c.watch()));
  console.log('esbuild: watching');
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
  writeFileSync('dist/.built', new Date().toISOString());
}
