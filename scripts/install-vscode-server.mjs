// Installs a code-server release (VS Code server + web workbench) into .vscode-test/, so the integration
// tests can run in a real VS Code without the internet. Idempotent: a stamp per release.
//   node scripts/install-vscode-server.mjs [--code-server 4.99.4|4.93.1]   (or a VS Code version: --code-server 1.93)
// Default 4.99.4 (VS Code 1.99.3) into .vscode-test/code-server; 4.93.1 (VS Code 1.93.1, the oldest that
// engines.vscode accepts) into .vscode-test/code-server-4.93.1. Releases: scripts/vscode-servers.mjs.
// Recipe: shared/reference/vscode-testing.md.
import { spawnSync } from 'node:child_process';
import {
  closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { resolveCodeServer } from './vscode-servers.mjs';

const RG_SOURCE = '@vscode/ripgrep-linux-x64@1.18.0'; // a registry package that ships an rg binary

// npm 11 gates dependency install scripts by an allow list (`npm install-scripts ls` names them).
// 11.19 still runs unlisted ones with a warning, but a stricter npm skips or refuses them, so list them all.
// Outer install: code-server's postinstall (it runs `npm install` in lib/vscode and lib/vscode/extensions)
// and argon2. The nested lists come with each release (scripts/vscode-servers.mjs).
const ALLOW_OUTER = { 'code-server': true, argon2: true };

const say = (msg) => console.log(`install-vscode-server: ${msg}`);
const fail = (msg) => { console.error(`install-vscode-server: ${msg}`); process.exit(1); };

let release;
try {
  const { values } = parseArgs({ options: { 'code-server': { type: 'string' } } });
  release = resolveCodeServer(values['code-server']);
} catch (err) { fail(err.message); }
const { version: CODE_SERVER, vscode: VSCODE, dir, pkgDir, serverMain: marker, stamp } = release;
const RIPGREP = release.ripgrep.pkg;
const RG_ARCHIVE = release.ripgrep.archive;

// npm's root install must not prompt (postinstall calls npx) and must keep permissions as root.
const npmEnv = { ...process.env, npm_config_unsafe_perm: 'true', npm_config_yes: 'true' };

// With `logFile`, the (long: native builds) output goes there and only its tail is shown on failure.
function run(cmd, args, cwd, env = npmEnv, logFile) {
  say(`$ (cd ${cwd} && ${cmd} ${args.join(' ')})${logFile ? ` >> ${logFile}` : ''}`);
  const fd = logFile ? openSync(logFile, 'a') : null;
  const r = spawnSync(cmd, args, { cwd, env, stdio: fd === null ? 'inherit' : ['ignore', fd, fd] });
  if (fd !== null) closeSync(fd);
  if (r.status !== 0) {
    if (logFile) console.error(readFileSync(logFile, 'utf8').split('\n').slice(-40).join('\n'));
    throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status ?? r.signal})`);
  }
}

function ensureDebianPackages() {
  const missing = [];
  if (!existsSync('/usr/bin/chromium')) missing.push('chromium');
  const krb = spawnSync('dpkg-query', ['-W', '-f=${Status}', 'libkrb5-dev'], { encoding: 'utf8' });
  if (!/install ok installed/.test(krb.stdout ?? '')) missing.push('libkrb5-dev');
  for (const [bin, pkg] of [['python3', 'python3'], ['make', 'make'], ['g++', 'g++']]) {
    if (spawnSync('sh', ['-c', `command -v ${bin}`]).status !== 0) missing.push(pkg);
  }
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) fail(`missing Debian packages: run 'sudo apt-get update && sudo apt-get install -y ${missing.join(' ')}'`);
  say(`installing Debian packages: ${missing.join(' ')}`);
  run('apt-get', ['update'], '/', process.env);
  run('apt-get', ['install', '-y', ...missing], '/', { ...process.env, DEBIAN_FRONTEND: 'noninteractive' });
}

function findFile(start, name) {
  for (const entry of readdirSync(start)) {
    const p = join(start, entry);
    if (statSync(p).isDirectory()) { const hit = findFile(p, name); if (hit) return hit; }
    else if (entry === name) return p;
  }
  return null;
}

// @vscode/ripgrep's postinstall downloads from GitHub unless this cached archive exists.
function seedRipgrepCache() {
  const cacheDir = join(tmpdir(), `vscode-ripgrep-cache-${RIPGREP}`);
  const archive = join(cacheDir, RG_ARCHIVE);
  if (existsSync(archive)) return say(`ripgrep cache present: ${archive}`);
  const tmp = mkdtempSync(join(tmpdir(), 'rg-seed-'));
  try {
    writeFileSync(join(tmp, 'package.json'), '{"name":"rg-seed","private":true}\n');
    run('npm', ['install', '--no-save', '--ignore-scripts', '--loglevel=error', RG_SOURCE], tmp);
    const rg = findFile(join(tmp, 'node_modules'), 'rg');
    if (!rg) throw new Error(`no rg binary found in ${RG_SOURCE}`);
    mkdirSync(cacheDir, { recursive: true });
    run('tar', ['czf', archive, '-C', dirname(rg), 'rg'], tmp, process.env);
    say(`seeded ripgrep cache: ${archive}`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

if (existsSync(marker) && existsSync(stamp)) {
  say(`code-server ${CODE_SERVER} (VS Code ${VSCODE}) already installed in ${dir}`);
  process.exit(0);
}
const major = Number(process.versions.node.split('.')[0]);
if (major !== 20) fail(`code-server ${CODE_SERVER} needs Node 20, this is Node ${process.versions.node}`);
if (process.platform !== 'linux' || process.arch !== 'x64') fail(`only linux-x64 is supported, this is ${process.platform}-${process.arch}`);

const started = Date.now();
try {
  ensureDebianPackages();
  seedRipgrepCache();
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({
    name: 'vscode-test-code-server', private: true,
    dependencies: { 'code-server': CODE_SERVER }, allowScripts: ALLOW_OUTER,
  }, null, 2) + '\n');
  // Unpack first without scripts: each nested `npm install` reads its allow list from its own folder's
  // .npmrc, which must exist before code-server's postinstall runs. (An env var or CLI --allow-scripts
  // would make those nested project installs fail with EALLOWSCRIPTS.)
  const logFile = join(dir, 'install.log');
  writeFileSync(logFile, '');
  run('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund'], dir, npmEnv, logFile);
  // The ripgrep cache was seeded for the version named in scripts/vscode-servers.mjs: check the release agrees.
  const pinned = JSON.parse(readFileSync(join(pkgDir, 'lib', 'vscode', 'npm-shrinkwrap.json'), 'utf8'))
    .packages?.['node_modules/@vscode/ripgrep']?.version;
  if (pinned !== RIPGREP) throw new Error(`code-server ${CODE_SERVER} pins @vscode/ripgrep ${pinned}, scripts/vscode-servers.mjs says ${RIPGREP}`);
  for (const [folder, names] of Object.entries(release.nestedAllow)) {
    writeFileSync(join(pkgDir, folder, '.npmrc'), `allow-scripts=${names.join(',')}\n`);
  }
  say('building native modules and VS Code dependencies (about a minute)');
  run('npm', ['rebuild', '--foreground-scripts'], dir, npmEnv, logFile);
  if (!existsSync(join(pkgDir, 'lib', 'vscode', 'node_modules', '@vscode', 'ripgrep', 'bin', 'rg'))) {
    throw new Error('ripgrep was not installed into lib/vscode');
  }
} catch (err) {
  // Leave no half install behind: the marker file must mean "ready".
  rmSync(join(dir, 'node_modules'), { recursive: true, force: true });
  fail(`${err.message}`);
}
writeFileSync(stamp, new Date().toISOString() + '\n');
say(`installed code-server ${CODE_SERVER} (VS Code ${VSCODE}) in ${dir} (${Math.round((Date.now() - started) / 1000)} s)`);
