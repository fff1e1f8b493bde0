// Installs the real Claude Code CLI (npm @anthropic-ai/claude-code, one pinned version) into
// .agents-test/claude-code, for the agent end-to-end test (test/agents). Idempotent.
// Recipe: shared/reference/claude-code.md ("Running the real Claude Code offline").
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLAUDE_CODE, claudeBin, installDir as dir, installStamp as stamp } from '../test/agents/claudeCodeVersion.mjs';

// 2.1.x ships a native binary through an optional dependency and declares engines node>=22, which the
// binary does not need (Node 20 here): installed with --engine-strict=false.
const NATIVE = '@anthropic-ai/claude-code-linux-x64';

const say = (msg) => console.log(`install-claude-code: ${msg}`);
const fail = (msg) => { console.error(`install-claude-code: ${msg}`); process.exit(1); };

/** `claude --version` with no network and an empty HOME: what the test will rely on. */
function versionOffline() {
  const home = join(dir, 'version-home');
  mkdirSync(home, { recursive: true });
  const r = spawnSync(claudeBin, ['--version'], {
    encoding: 'utf8', timeout: 30_000,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, DISABLE_AUTOUPDATER: '1', CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1' },
  });
  rmSync(home, { recursive: true, force: true });
  return r.status === 0 ? r.stdout.trim() : `(exit ${r.status ?? r.signal}) ${r.stderr.trim()}`;
}

if (existsSync(stamp) && existsSync(claudeBin)) {
  say(`Claude Code ${CLAUDE_CODE} already installed in ${dir}`);
  process.exit(0);
}
if (process.platform !== 'linux' || process.arch !== 'x64') fail(`only linux-x64 is supported, this is ${process.platform}-${process.arch}`);

const started = Date.now();
try {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  // npm 11 gates install scripts by an allow list: the wrapper's postinstall (install.cjs) puts the
  // native binary in place of bin/claude.exe. The native package itself has no scripts.
  writeFileSync(join(dir, 'package.json'), JSON.stringify({
    name: 'agents-test-claude-code', private: true,
    dependencies: { '@anthropic-ai/claude-code': CLAUDE_CODE },
    allowScripts: { '@anthropic-ai/claude-code': true },
  }, null, 2) + '\n');
  say(`npm install @anthropic-ai/claude-code@${CLAUDE_CODE} (the native binary is ~250 MB; a few minutes the first time)`);
  const r = spawnSync('npm', ['install', '--engine-strict=false', '--no-audit', '--no-fund', '--loglevel=error', '--foreground-scripts'], {
    cwd: dir, stdio: 'inherit', env: { ...process.env, npm_config_unsafe_perm: 'true' },
  });
  if (r.status !== 0) throw new Error(`npm install failed (exit ${r.status ?? r.signal})`);
  const nativePkg = join(dir, 'node_modules', ...NATIVE.split('/'), 'package.json');
  if (!existsSync(nativePkg)) throw new Error(`${NATIVE} was not installed (optional dependencies skipped?)`);
  const nativeVersion = JSON.parse(readFileSync(nativePkg, 'utf8')).version;
  if (nativeVersion !== CLAUDE_CODE) throw new Error(`${NATIVE} is ${nativeVersion}, expected ${CLAUDE_CODE}`);
  const version = versionOffline();
  if (!version.startsWith(CLAUDE_CODE)) throw new Error(`claude --version printed "${version}", expected ${CLAUDE_CODE}`);
  say(`claude --version (offline): ${version}`);
} catch (err) {
  // Leave no half install behind: the stamp must mean "ready".
  rmSync(join(dir, 'node_modules'), { recursive: true, force: true });
  fail(`${err.message}\n  Claude Code is not installed: the agents test cannot run (the other test stages are not affected).`
    + '\n  It needs the npm registry; try again with: node scripts/install-claude-code.mjs');
}
writeFileSync(stamp, new Date().toISOString() + '\n');
say(`installed Claude Code ${CLAUDE_CODE} in ${dir} (${Math.round((Date.now() - started) / 1000)} s)`);
