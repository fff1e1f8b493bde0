// Bundles the extension, the CLI, the board webview and (on request) the tests and the benchmark.
import * as esbuild from 'esbuild';
import { readdirSync, readFileSync, mkdirSync, copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const tests = process.argv.includes('--tests');
const bench = process.argv.includes('--bench');

/**
 * sql.js keeps the database file in memory and, past 1 MB, grows it by 12.5% at a time, copying the whole
 * file each time: filling a 50 MB record copied ~430 MB (a tenth of the time spent recording). Growing by
 * up to 64 MB at a time (doubling below that) copies a few times the file instead, at most 64 MB unused.
 * A process that keeps a record open for hours (the extension host) asks for lean steps instead (sqlite.ts's
 * setFileGrowth): 64 MB unused there, for the life of the window, was a quarter of its memory.
 * It also gives a database its file's own bytes (fileBytes, for store.ts's snapshot): db.export() copies the whole
 * database, a third of an import's peak memory. And a file cut shorter (archived sessions' pages given back) keeps
 * its array unless growing back would not have made one that large.
 * Pinned to sql.js 1.16.0's text: the build fails if a patched text is not found exactly once.
 */
const sqlJsFileGrowth = {
  name: 'sql-js-file-growth',
  setup(build) {
    build.onLoad({ filter: /sql\.js[\\/]dist[\\/]sql-wasm\.js$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      const rule = 'm*(m<1048576?2:1.125)>>>0';
      if (text.split(rule).length !== 2) throw new Error(`sql.js changed: its file growth rule was not found in ${args.path}`);
      const growth = (m) => `(globalThis[Symbol.for('flightdeck.sqlFileGrowth')]?.(${m})??(${m}<1048576?2*${m}:Math.max(1.125*${m},Math.min(2*${m},${m}+67108864))))`;
      const chosen = `${growth('m')}>>>0`;
      // A file cut shorter (an archive's pages given back) keeps its array when no larger than growing back would make
      // it: sql.js copied the whole file into an exact-size one, then again as it grew back (tail zeroed, as a new one is).
      const truncate = 'a.Wa!=b&&(d=a.Ua,a.Ua=new Uint8Array(b)';
      if (text.split(truncate).length !== 2) throw new Error(`sql.js changed: its file truncation was not found in ${args.path}`);
      const keep = `a.Wa!=b&&!(b<a.Wa&&a.Ua.length<=${growth('b')}&&(a.Ua.fill(0,b,a.Wa),a.Wa=b,1))&&(d=a.Ua,a.Ua=new Uint8Array(b)`;
      // A fresh instance when asked (sqlite.ts): its memory is its own, and goes once the older one is unused.
      const cached = 'if (initSqlJsPromise){';
      if (text.split(cached).length !== 2) throw new Error(`sql.js changed: its instance cache was not found in ${args.path}`);
      // The database file's own bytes, without a copy (store.ts's snapshot): the MEMFS node's contents up to its size.
      const pinned = ['var r=B(f).node,', 'u=new Uint8Array(r.Ua.buffer,r.Ua.byteOffset,r.Wa);', 'g.prototype.close=function(){'];
      for (const p of pinned) if (text.split(p).length !== 2) throw new Error(`sql.js changed: its export (${p}) was not found in ${args.path}`);
      const fileBytes = 'g.prototype.fileBytes=function(){if(!this.db)throw Error("Database closed");var n=B(this.filename).node;return n.Ua.subarray(0,n.Wa)};';
      return {
        contents: text
          .replace(rule, chosen)
          .replace(truncate, keep)
          .replace(cached, 'if (initSqlJsPromise && !(moduleConfig && moduleConfig.fresh)){')
          .replace(pinned[2], fileBytes + pinned[2]),
        loader: 'js',
      };
    });
  },
};

const node = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  external: ['vscode'],
  plugins: [sqlJsFileGrowth],
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
  // The Anthropic SDK is most of a bundle: the extension loads it only for its first model review.
  { ...node, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode', './anthropic-engine.js'] },
  { ...node, entryPoints: ['src/core/review/anthropicEngine.ts'], outfile: 'dist/anthropic-engine.js' },
  {
    ...node,
    entryPoints: ['src/cli/bin.ts'],
    outfile: 'dist/cli.js',
    banner: { js: '#!/usr/bin/env node' },
    external: ['./cli-main.js', './cli-hook.js', './cli-lock.js', './cli-risk.js'],
  },
  { ...node, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli-main.js' },
  // Loaded on every Claude Code tool call: kept to what the hook needs.
  { ...node, entryPoints: ['src/cli/hookCommand.ts'], outfile: 'dist/cli-hook.js' },
  // `flightdeck lock` / `queue`, run around every deploy: the gate code only.
  { ...node, entryPoints: ['src/cli/lockMain.ts'], outfile: 'dist/cli-lock.js' },
  // `flightdeck risk`, run on every save: policy, diff and classifier, without the database.
  { ...node, entryPoints: ['src/cli/riskMain.ts'], outfile: 'dist/cli-risk.js' },
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
    // Each test file runs in its own process: the same guard against an exit hang as the CLI (src/cli/noExitHang.ts).
    banner: { js: "require('node:v8').setFlagsFromString('--no-concurrent-recompilation'); require('node:v8').setFlagsFromString('--no-concurrent-osr');" },
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
  builds.push({ ...node, entryPoints: ['test/unit/helpers/gate-process.ts'], outfile: 'dist-test/gate-process.js' });
  builds.push({ ...node, entryPoints: ['test/unit/helpers/compact-process.ts'], outfile: 'dist-test/compact-process.js' });
  builds.push({ ...node, entryPoints: ['test/unit/helpers/bundle-cache-process.ts'], outfile: 'dist-test/bundle-cache-process.js' });
}
if (bench) {
  builds.push({ ...node, entryPoints: ['bench/bench.ts'], outfile: 'dist-bench/bench.js', external: ['vscode', 'better-sqlite3', 'playwright-core'] });
}

function copyAssets() {
  // sql.js loads its WASM from beside the bundle at run time.
  mkdirSync('dist', { recursive: true });
  copyFileSync('node_modules/sql.js/dist/sql-wasm.wasm', 'dist/sql-wasm.wasm');
  // The font's plain name, so the board can preload it by the same address (the icons draw with the first paint).
  const codiconCss = readFileSync('node_modules/@vscode/codicons/dist/codicon.css', 'utf8');
  const fontUrl = /url\("\.\/codicon\.ttf\?[0-9a-f]+"\)/;
  if (!fontUrl.test(codiconCss)) throw new Error('codicon.css no longer names its font as ./codicon.ttf?<hash>: update esbuild.mjs');
  writeFileSync('dist/codicon.css', codiconCss.replace(fontUrl, 'url("./codicon.ttf")'));
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
