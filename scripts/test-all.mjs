// The whole test suite, as CI runs it: build, typecheck, unit, integration (inside VS Code), e2e.
// Every stage runs even if an earlier one failed, so one run shows everything that is wrong.
import { spawnSync } from 'node:child_process';

const stages = [
  ['build', ['node', 'esbuild.mjs', '--tests']],
  ['typecheck', ['npx', 'tsc', '--noEmit', '-p', '.']],
  ['typecheck webview', ['npx', 'tsc', '--noEmit', '-p', 'webview']],
  ['unit', ['node', '--test', '--test-concurrency=1', '--test-reporter=./dist-test/closing-line-reporter.mjs', 'dist-test/unit/']],
  ['install VS Code (offline)', ['node', 'scripts/install-vscode-server.mjs']],
  ['integration', ['node', 'test/integration/run-server.mjs']],
  ['e2e', ['node', 'test/e2e/run-e2e.mjs']],
];

const outcome = [];
for (const [name, [cmd, ...args]] of stages) {
  const started = Date.now();
  console.log(`\n=== ${name}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, FLIGHTDECK_STAGE: name } });
  const ok = r.status === 0;
  outcome.push(`${ok ? 'ok  ' : 'FAIL'} ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  // Without a build or VS Code, later stages can only fail for the same reason.
  if (!ok && (name === 'build' || name.startsWith('install'))) break;
}
console.log(`\n=== summary\n${outcome.join('\n')}`);
process.exit(outcome.every((l) => l.startsWith('ok')) ? 0 : 1);
