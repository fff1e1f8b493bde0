// Reusable pieces for running the extension in a real VS Code offline: code-server's VS Code server,
// a headless Chromium on its web workbench, a temp git workspace. Used by test/integration and test/e2e.
// Recipe and facts: shared/reference/vscode-testing.md. Install first: node scripts/install-vscode-server.mjs
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_CODE_SERVER, resolveCodeServer } from '../../scripts/vscode-servers.mjs';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The default test host's server (code-server 4.99.4, VS Code 1.99.3). */
export const serverMain = resolveCodeServer(DEFAULT_CODE_SERVER).serverMain;

// Quiet, dialog-free workbench: trust off (the trust modal blocks every click), no gallery traffic.
export const defaultUserSettings = {
  'security.workspace.trust.enabled': false,
  'workbench.startupEditor': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'telemetry.telemetryLevel': 'off',
};

export const chromiumArgs = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

// Everything started here registers its teardown, so a runner can undo it all on exit, timeout or SIGINT.
const cleanups = [];
export function onCleanup(fn) { cleanups.push(fn); }
export async function cleanupAll() {
  while (cleanups.length) {
    try { await cleanups.pop()(); } catch (err) { console.error(`cleanup: ${err.message}`); }
  }
}

export function makeTempDir(prefix) {
  const dir = mkdtempSync(join(tmpdir(), `flightdeck-${prefix}-`));
  onCleanup(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

// A log file plus the last lines in memory, to show on failure without flooding stdout on success.
export function createLog(file, keep = 200) {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, '');
  const lines = [];
  let total = 0;
  return {
    file,
    /** How many lines were written so far: pass it to since() to see only what came after. */
    mark() { return total; },
    since(mark) { return lines.slice(Math.max(0, lines.length - (total - mark))); },
    write(source, text) {
      for (const line of String(text).split(/\r?\n/)) {
        if (!line.trim()) continue;
        const entry = `[${source}] ${line}`;
        appendFileSync(file, entry + '\n');
        lines.push(entry);
        total++;
        if (lines.length > keep) lines.shift();
      }
    },
    tail(n) { return lines.slice(-n); },
  };
}

// A real git repository with one commit, as the extension expects of a workspace.
export function makeGitWorkspace({ files = { 'README.md': '# test workspace\n' } } = {}) {
  const dir = makeTempDir('workspace');
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  const git = (...args) => {
    const r = spawnSync('git', args, { cwd: dir, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  };
  git('init', '-q', '-b', 'main');
  git('config', 'user.name', 'Flightdeck Test');
  git('config', 'user.email', 'test@flightdeck.invalid');
  git('config', 'commit.gpgsign', 'false');
  git('add', '-A');
  git('commit', '-q', '-m', 'initial commit');
  return dir;
}

export function freePort() {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.on('error', fail);
    srv.listen(0, '127.0.0.1', () => { const { port } = srv.address(); srv.close(() => ok(port)); });
  });
}

// The web workbench reads --extensionDevelopmentPath etc. from the page URL's `payload`, as remote URIs.
export function remoteUri(port, path) { return `vscode-remote://127.0.0.1:${port}${path}`; }

/**
 * Starts the VS Code server of the code-server release `codeServer` (a version from scripts/vscode-servers.mjs,
 * default 4.99.4). `env` is added to the server's environment, which the remote extension
 * host inherits. With `extensionDevelopmentPath`, url() puts it in every page's payload.
 * Returns { port, userDataDir, url(folder, payload = []), stop() }.
 */
export async function startServer({ userSettings = defaultUserSettings, env = {}, extensionDevelopmentPath,
  extensionsDir, log, readyTimeoutMs = 60_000, codeServer = DEFAULT_CODE_SERVER } = {}) {
  const release = resolveCodeServer(codeServer);
  const { serverMain } = release;
  if (!existsSync(serverMain) || !existsSync(release.stamp)) {
    throw new Error(`VS Code ${release.vscode} server missing: run node scripts/install-vscode-server.mjs --code-server ${release.version}`);
  }
  const port = await freePort();
  const userDataDir = makeTempDir('user-data');
  const serverDataDir = makeTempDir('server-data');
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  writeFileSync(join(userDataDir, 'User', 'settings.json'), JSON.stringify(userSettings, null, 2));
  const start = release.selfStarting ? [serverMain] : [join(repoRoot, 'test', 'support', 'start-server-main.mjs'), serverMain];
  const args = [...start, '--host', '127.0.0.1', '--port', String(port), '--without-connection-token',
    '--accept-server-license-terms', '--user-data-dir', userDataDir, '--server-data-dir', serverDataDir];
  if (extensionsDir) args.push('--extensions-dir', extensionsDir);
  // Own process group: the server forks the extension host, pty host and file watcher; stop() ends them all.
  // EXTENSIONS_GALLERY={} (read by code-server's server-main.js) turns off the gallery it would query offline.
  const child = spawn(process.execPath, args, { env: { EXTENSIONS_GALLERY: '{}', ...process.env, ...env }, detached: true,
    stdio: ['ignore', 'pipe', 'pipe'] });
  const killGroup = (signal) => { try { process.kill(-child.pid, signal); } catch { /* already gone */ } };
  const exited = new Promise((ok) => child.once('exit', (code, signal) => ok({ code, signal })));
  let running = true;
  exited.then(() => { running = false; });
  const onExit = () => killGroup('SIGKILL'); // last resort if the runner dies without cleanup
  process.once('exit', onExit);
  const stop = async () => {
    process.off('exit', onExit);
    if (running) {
      killGroup('SIGTERM');
      const timer = setTimeout(() => killGroup('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    killGroup('SIGKILL'); // stragglers in the group (e.g. an extension host that ignored SIGTERM)
  };
  onCleanup(stop);

  await new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`VS Code server not ready after ${readyTimeoutMs} ms`)), readyTimeoutMs);
    const watch = (source) => (chunk) => {
      const text = chunk.toString();
      log?.write(source, text);
      if (text.includes('Extension host agent listening on')) { clearTimeout(timer); ok(); }
    };
    child.stdout.on('data', watch('server'));
    child.stderr.on('data', watch('server:err'));
    exited.then(({ code, signal }) => { clearTimeout(timer); fail(new Error(`VS Code server exited early (${code ?? signal})`)); });
  });

  const url = (folder, payload = []) => {
    const pairs = [...payload];
    if (extensionDevelopmentPath && !pairs.some(([k]) => k === 'extensionDevelopmentPath')) {
      pairs.unshift(['extensionDevelopmentPath', remoteUri(port, extensionDevelopmentPath)]);
    }
    const query = [];
    if (folder) query.push(`folder=${encodeURIComponent(folder)}`);
    if (pairs.length) query.push(`payload=${encodeURIComponent(JSON.stringify(pairs))}`);
    return `http://127.0.0.1:${port}/${query.length ? '?' + query.join('&') : ''}`;
  };
  return { port, userDataDir, url, stop, exited, isRunning: () => running };
}

// Headless Debian Chromium driven by playwright-core (no browser download needed).
export async function launchBrowser({ executablePath = '/usr/bin/chromium', args = [] } = {}) {
  const { chromium } = await import('playwright-core');
  // Signals stay with the runner: playwright's own handlers would exit before the runner's cleanup.
  const browser = await chromium.launch({ executablePath, headless: true, args: [...chromiumArgs, ...args],
    handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false });
  onCleanup(() => browser.close().catch(() => {}));
  return browser;
}

// Opens a workbench page; forwards the page's console and errors to the log.
export async function openWorkbench(browser, url, { log, waitForWorkbench = true, timeoutMs = 60_000 } = {}) {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on('console', (msg) => log?.write(`page:${msg.type()}`, msg.text()));
  page.on('pageerror', (err) => log?.write('page:error', err.stack || err.message));
  await page.goto(url);
  if (waitForWorkbench) await page.waitForSelector('.monaco-workbench', { timeout: timeoutMs });
  return page;
}
