// Runs the same integration suite in desktop VS Code via @vscode/test-electron. Online only: it downloads
// VS Code into .vscode-test/ (not part of `npm test`; the offline host is run-server.mjs). On a Linux machine
// without a display run it under `xvfb-run -a`. Same test-entry contract as run-server.mjs.
//   node test/integration/run-electron.mjs [--extension-root DIR] [--tests-entry FILE] [--vscode-version VERSION]
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { downloadAndUnzipVSCode, runTests } from '@vscode/test-electron';
import { cleanupAll, defaultUserSettings, makeGitWorkspace, makeTempDir, repoRoot } from '../support/vscode-server.mjs';

const { values: opts } = parseArgs({ options: {
  'extension-root': { type: 'string', default: repoRoot },
  'tests-entry': { type: 'string' },
  'vscode-version': { type: 'string', default: 'stable' },
} });
const root = resolve(opts['extension-root']);
const testsEntry = resolve(opts['tests-entry'] ?? join(root, 'dist-test', 'integration', 'index.js'));

async function finish(code, message) {
  if (message) console.log(message);
  await cleanupAll();
  process.exit(code);
}
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => finish(signal === 'SIGINT' ? 130 : 143, `integration: stopped by ${signal}`));

if (!existsSync(testsEntry)) await finish(1, `integration: no test entry at ${testsEntry} (run: node esbuild.mjs --tests)`);
// A quiet reporter: one line per real event instead of test-electron's spinner (which fails noisily offline).
const reporter = {
  report(r) {
    if (r.stage === 'resolvedVersion') console.log(`integration (electron): VS Code ${r.version}`);
    if (r.stage === 'downloading' && r.bytesSoFar === 0) console.log(`integration (electron): downloading ${r.url}`);
    if (r.stage === 'retrying') console.log(`integration (electron): download failed, retrying: ${r.error?.message ?? r.error}`);
  },
  error() {},
  flush() {},
};
let vscodeExecutablePath;
try {
  vscodeExecutablePath = await downloadAndUnzipVSCode({ version: opts['vscode-version'],
    cachePath: join(repoRoot, '.vscode-test'), timeout: 30_000, reporter });
} catch (err) {
  await finish(1, `integration (electron): cannot download VS Code ${opts['vscode-version']} (needs the internet): ${String(err.message ?? err).split('\n')[0]}`);
}

const workspace = makeGitWorkspace();
const resultsFile = join(makeTempDir('results'), 'results.json');
// Same user settings as the server host; passing --user-data-dir keeps test-electron from using its shared one.
const userDataDir = makeTempDir('user-data');
mkdirSync(join(userDataDir, 'User'), { recursive: true });
writeFileSync(join(userDataDir, 'User', 'settings.json'), JSON.stringify(defaultUserSettings, null, 2));
try {
  await runTests({
    vscodeExecutablePath,
    extensionDevelopmentPath: root,
    extensionTestsPath: testsEntry,
    launchArgs: [workspace, '--disable-extensions', `--user-data-dir=${userDataDir}`],
    extensionTestsEnv: { FLIGHTDECK_TEST_RESULTS: resultsFile, FLIGHTDECK_TEST_WORKSPACE: workspace, FLIGHTDECK_REPO_ROOT: root },
  });
} catch (err) {
  console.log(`integration (electron): VS Code exited with an error: ${err.message ?? err}`);
}
if (!existsSync(resultsFile)) await finish(1, 'integration (electron): the tests wrote no results');
const results = JSON.parse(readFileSync(resultsFile, 'utf8'));
const passed = Number(results.passed) || 0;
const failed = Number(results.failed) || 0;
for (const f of results.failures ?? []) console.log(`FAIL ${f.name}\n  ${String(f.error).replace(/\n/g, '\n  ')}`);
console.log(`integration (VS Code ${results.vscodeVersion ?? 'unknown'}): ${passed} passed, ${failed} failed`);
await finish(failed === 0 && passed > 0 ? 0 : 1);
