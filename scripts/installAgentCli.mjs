// Installs one agent CLI from npm (one pinned version) into its own folder under .agents-test, checks its
// native binary and its offline `--version`, and stamps the folder ready. Idempotent; shared by the
// Claude Code and Codex installers, which differ only in the facts passed here.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * @param {{
 *   label: string, script: string, pkg: string, version: string, native: string, bin: string,
 *   dir: string, stamp: string, size: string, stageNote: string,
 *   packageJson?: Record<string, unknown>, npmArgs?: string[], npmEnv?: Record<string, string>,
 *   versionEnv: (home: string) => Record<string, string>,
 *   nativeMatches: (nativeVersion: string) => boolean, versionMatches: (printed: string) => boolean,
 * }} cli
 */
export function installAgentCli(cli) {
  const say = (msg) => console.log(`${cli.script}: ${msg}`);
  const fail = (msg) => { console.error(`${cli.script}: ${msg}`); process.exit(1); };

  if (existsSync(cli.stamp) && existsSync(cli.bin)) {
    say(`${cli.label} ${cli.version} already installed in ${cli.dir}`);
    return;
  }
  if (process.platform !== 'linux' || process.arch !== 'x64') fail(`only linux-x64 is supported, this is ${process.platform}-${process.arch}`);

  const started = Date.now();
  try {
    rmSync(cli.dir, { recursive: true, force: true });
    mkdirSync(cli.dir, { recursive: true });
    writeFileSync(join(cli.dir, 'package.json'), JSON.stringify({
      name: `agents-test-${cli.script.replace(/^install-/, '')}`, private: true,
      dependencies: { [cli.pkg]: cli.version }, ...cli.packageJson,
    }, null, 2) + '\n');
    say(`npm install ${cli.pkg}@${cli.version} (${cli.size})`);
    const r = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...(cli.npmArgs ?? [])], {
      cwd: cli.dir, stdio: 'inherit', env: { ...process.env, ...cli.npmEnv },
    });
    if (r.status !== 0) throw new Error(`npm install failed (exit ${r.status ?? r.signal})`);
    const nativePkg = join(cli.dir, 'node_modules', ...cli.native.split('/'), 'package.json');
    if (!existsSync(nativePkg)) throw new Error(`${cli.native} was not installed (optional dependencies skipped?)`);
    const nativeVersion = JSON.parse(readFileSync(nativePkg, 'utf8')).version;
    if (!cli.nativeMatches(nativeVersion)) throw new Error(`${cli.native} is ${nativeVersion}, expected ${cli.version}`);
    const printed = versionOffline(cli);
    if (!cli.versionMatches(printed)) throw new Error(`--version printed "${printed}", expected ${cli.version}`);
    say(`--version (offline): ${printed}`);
  } catch (err) {
    // Leave no half install behind: the stamp must mean "ready".
    rmSync(join(cli.dir, 'node_modules'), { recursive: true, force: true });
    fail(`${err.message}\n  ${cli.label} is not installed: ${cli.stageNote} (the other test stages are not affected).`
      + `\n  It needs the npm registry; try again with: node scripts/${cli.script}.mjs`);
  }
  writeFileSync(cli.stamp, new Date().toISOString() + '\n');
  say(`installed ${cli.label} ${cli.version} in ${cli.dir} (${Math.round((Date.now() - started) / 1000)} s)`);
}

/** `--version` with no network and an empty home: what the test will rely on. */
function versionOffline(cli) {
  const home = join(cli.dir, 'version-home');
  mkdirSync(home, { recursive: true });
  const r = spawnSync(cli.bin, ['--version'], {
    encoding: 'utf8', timeout: 30_000,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...cli.versionEnv(home) },
  });
  rmSync(home, { recursive: true, force: true });
  return r.status === 0 ? r.stdout.trim() : `(exit ${r.status ?? r.signal}) ${r.stderr.trim()}`;
}
