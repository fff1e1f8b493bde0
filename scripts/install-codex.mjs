// Installs the real Codex CLI (npm @openai/codex, one pinned version) into .agents-test/codex, for the
// Codex end-to-end test (test/agents/run-codex.mjs). Idempotent.
// The npm package is a small launcher (bin/codex.js) whose native binary comes in an optional dependency
// aliased to a platform build of the same package (@openai/codex-linux-x64 = @openai/codex@X-linux-x64).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CODEX, codexBin, installDir as dir, installStamp as stamp } from '../test/agents/codexVersion.mjs';

const NATIVE = '@openai/codex-linux-x64';

const say = (msg) => console.log(`install-codex: ${msg}`);
const fail = (msg) => { console.error(`install-codex: ${msg}`); process.exit(1); };

/** `codex --version` with no network and an empty CODEX_HOME: what the test will rely on. */
function versionOffline() {
  const home = join(dir, 'version-home');
  mkdirSync(home, { recursive: true });
  const r = spawnSync(codexBin, ['--version'], {
    encoding: 'utf8', timeout: 30_000,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, CODEX_HOME: home },
  });
  rmSync(home, { recursive: true, force: true });
  return r.status === 0 ? r.stdout.trim() : `(exit ${r.status ?? r.signal}) ${r.stderr.trim()}`;
}

if (existsSync(stamp) && existsSync(codexBin)) {
  say(`Codex ${CODEX} already installed in ${dir}`);
  process.exit(0);
}
if (process.platform !== 'linux' || process.arch !== 'x64') fail(`only linux-x64 is supported, this is ${process.platform}-${process.arch}`);

const started = Date.now();
try {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({
    name: 'agents-test-codex', private: true, dependencies: { '@openai/codex': CODEX },
  }, null, 2) + '\n');
  say(`npm install @openai/codex@${CODEX} (its native binary comes with ${NATIVE}; a minute or two the first time)`);
  const r = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`npm install failed (exit ${r.status ?? r.signal})`);
  const nativePkg = join(dir, 'node_modules', ...NATIVE.split('/'), 'package.json');
  if (!existsSync(nativePkg)) throw new Error(`${NATIVE} was not installed (optional dependencies skipped?)`);
  const nativeVersion = JSON.parse(readFileSync(nativePkg, 'utf8')).version;
  if (!nativeVersion.startsWith(CODEX)) throw new Error(`${NATIVE} is ${nativeVersion}, expected ${CODEX}-linux-x64`);
  const version = versionOffline();
  if (!version.includes(CODEX)) throw new Error(`codex --version printed "${version}", expected ${CODEX}`);
  say(`codex --version (offline): ${version}`);
} catch (err) {
  // Leave no half install behind: the stamp must mean "ready".
  rmSync(join(dir, 'node_modules'), { recursive: true, force: true });
  fail(`${err.message}\n  Codex is not installed: the Codex agent test cannot run (the other test stages are not affected).`
    + '\n  It needs the npm registry; try again with: node scripts/install-codex.mjs');
}
writeFileSync(stamp, new Date().toISOString() + '\n');
say(`installed Codex ${CODEX} in ${dir} (${Math.round((Date.now() - started) / 1000)} s)`);
