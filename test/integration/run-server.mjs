// Offline integration launcher: runs the compiled integration suite inside a real VS Code (code-server's
// VS Code server + its web workbench in headless Chromium). Build first: npm run build && node esbuild.mjs --tests.
//   node test/integration/run-server.mjs [--code-server 4.99.4|4.93.1] [--extension-root DIR] [--tests-entry FILE] [--timeout SECONDS]
// --code-server picks the VS Code (scripts/vscode-servers.mjs; a VS Code version such as 1.93 also works):
// 4.99.4 (VS Code 1.99.3) by default, 4.93.1 for VS Code 1.93.1, the oldest that engines.vscode accepts.
// Contract with the test entry (exports run(): Promise<void>): it reads these env vars, which reach the
// remote extension host because it inherits the server's environment (checked with a probe extension):
//   FLIGHTDECK_TEST_RESULTS   file to write: {"vscodeVersion","passed","failed","failures":[{"name","error"}]}
//   FLIGHTDECK_TEST_WORKSPACE the opened workspace folder (a temp git repo with one commit)
//   FLIGHTDECK_REPO_ROOT      the extension root
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  cleanupAll, createLog, defaultUserSettings, launchBrowser, makeGitWorkspace, makeTempDir, openWorkbench, remoteUri, repoRoot, startServer,
} from '../support/vscode-server.mjs';
import { resolveCodeServer } from '../../scripts/vscode-servers.mjs';

const { values: opts } = parseArgs({ options: {
  'code-server': { type: 'string' },
  'extension-root': { type: 'string', default: repoRoot },
  'tests-entry': { type: 'string' },
  timeout: { type: 'string', default: '300' },
} });
const root = resolve(opts['extension-root']);
const testsEntry = resolve(opts['tests-entry'] ?? join(root, 'dist-test', 'integration', 'index.js'));
const timeoutMs = Number(opts.timeout) * 1000;
let release;
try { release = resolveCodeServer(opts['code-server']); } catch (err) {
  console.log(`integration: ${err.message}`);
  process.exit(1);
}
// One log per VS Code, so a run on 1.93 does not overwrite the 1.99 run's log.
const log = createLog(join(repoRoot, 'test-results', `integration-server-${release.vscode}.log`));
const started = Date.now();

function printLogTail() {
  if (log.tail(1).length === 0) return;
  console.log(`--- last 80 lines of ${log.file} ---`);
  for (const line of log.tail(80)) console.log(line);
  console.log('---');
}

async function finish(code, message) {
  if (message) { printLogTail(); console.log(message); }
  await cleanupAll();
  process.exit(code);
}
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => finish(signal === 'SIGINT' ? 130 : 143, `integration: stopped by ${signal}`));

// Resolves with the results, or rejects on timeout / when the extension host ends without writing any.
function waitForResults(file, server, mark) {
  const passStarted = Date.now();
  return new Promise((ok, fail) => {
    let hostExitedAt = 0;
    const timer = setInterval(() => {
      if (existsSync(file)) {
        let results;
        try { results = JSON.parse(readFileSync(file, 'utf8')); } catch { /* half written: retry */ }
        if (results) { clearInterval(timer); return ok(results); }
      }
      if (!server.isRunning()) { clearInterval(timer); return fail(new Error('VS Code server exited before the tests wrote results')); }
      // The host exits when run() settles; allow a few seconds for the file, then stop waiting.
      if (!hostExitedAt && log.since(mark).some((l) => /Extension Host Process exited/i.test(l))) hostExitedAt = Date.now();
      if (hostExitedAt && Date.now() - hostExitedAt > 5000) { clearInterval(timer); return fail(new Error('extension host exited without writing results')); }
      if (Date.now() - passStarted > timeoutMs) { clearInterval(timer); fail(new Error(`no results after ${timeoutMs / 1000} s`)); }
    }, 250);
  });
}

// Two passes in fresh VS Code instances: a trusted workspace, and the same extension in Restricted Mode.
const passes = [
  { name: 'trusted', settings: {}, env: {} },
  { name: 'untrusted', settings: { 'security.workspace.trust.enabled': true }, env: { FLIGHTDECK_TEST_TRUST: 'untrusted' } },
];

async function runPass(pass) {
  const mark = log.mark();
  const workspace = makeGitWorkspace();
  const claudeHome = makeTempDir('claude');
  const resultsFile = join(makeTempDir('results'), 'results.json');
  const server = await startServer({
    log,
    codeServer: release.version,
    userSettings: { ...defaultUserSettings, ...pass.settings },
    extensionDevelopmentPath: root,
    env: { FLIGHTDECK_TEST_RESULTS: resultsFile, FLIGHTDECK_TEST_WORKSPACE: workspace, FLIGHTDECK_REPO_ROOT: root, CLAUDE_CONFIG_DIR: claudeHome, ...pass.env },
  });
  const browser = await launchBrowser();
  await openWorkbench(browser, server.url(workspace, [['extensionTestsPath', remoteUri(server.port, testsEntry)]]),
    { log, waitForWorkbench: false });
  try {
    return await waitForResults(resultsFile, server, mark);
  } finally {
    await browser.close().catch(() => {});
    await server.stop();
  }
}

const label = `integration (VS Code ${release.vscode})`;
try {
  if (!existsSync(testsEntry)) await finish(1, `${label}: no test entry at ${testsEntry} (run: node esbuild.mjs --tests)`);
  let passed = 0;
  let failed = 0;
  let version = 'unknown';
  for (const pass of passes) {
    log.write('launcher', `pass: ${pass.name}`);
    const results = await runPass(pass);
    passed += Number(results.passed) || 0;
    failed += Number(results.failed) || 0;
    version = results.vscodeVersion ?? version;
    for (const name of results.passedNames ?? []) console.log(`ok [${pass.name}] ${name}`);
    for (const f of results.failures ?? []) console.log(`FAIL [${pass.name}] ${f.name}\n  ${String(f.error).replace(/\n/g, '\n  ')}`);
    // The tests report vscode.version from inside the host: a run in some other VS Code must not pass as this one.
    if (results.vscodeVersion !== release.vscode) {
      failed++;
      console.log(`FAIL [${pass.name}] ran in VS Code ${results.vscodeVersion}, expected ${release.vscode} (code-server ${release.version})`);
    }
  }
  if (failed > 0 || passed === 0) printLogTail();
  log.write('launcher', `took ${((Date.now() - started) / 1000).toFixed(1)} s`);
  console.log(`integration (VS Code ${version}): ${passed} passed, ${failed} failed`);
  await finish(failed === 0 && passed > 0 ? 0 : 1);
} catch (err) {
  await finish(1, `${label}: ${err.message}`);
}
