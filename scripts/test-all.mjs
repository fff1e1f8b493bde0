// The whole test suite, as CI runs it: build, typecheck, unit, the real Claude Code against a scripted
// model (agents), the real Codex CLI against a scripted Responses API (agents (Codex)), integration (inside VS Code 1.99.3), e2e, and integration again inside VS Code 1.93.1,
// the oldest that engines.vscode accepts.
// Every stage runs even if an earlier one failed, so one run shows everything that is wrong.
import { spawnSync } from 'node:child_process';
import { OLDEST_CODE_SERVER } from './vscode-servers.mjs';

const stages = [
  ['build', ['node', 'esbuild.mjs', '--tests']],
  ['typecheck', ['npx', 'tsc', '--noEmit', '-p', '.']],
  ['typecheck webview', ['npx', 'tsc', '--noEmit', '-p', 'webview']],
  ['unit', ['node', '--test', '--test-concurrency=1', '--test-reporter=./dist-test/closing-line-reporter.mjs', 'dist-test/unit/']],
  // A failed download of Claude Code fails only these two stages: the VS Code stages still run.
  ['install Claude Code (npm)', ['node', 'scripts/install-claude-code.mjs'], { alone: true }],
  ['agents', ['node', 'test/agents/run-claude.mjs'], { needs: 'install Claude Code (npm)' }],
  ['agents: gates', ['node', 'test/agents/run-claude-gates.mjs'], { needs: 'install Claude Code (npm)' }],
  // The same for Codex: a failed download fails only its two stages.
  ['install Codex (npm)', ['node', 'scripts/install-codex.mjs'], { alone: true }],
  ['agents (Codex)', ['node', 'test/agents/run-codex.mjs'], { needs: 'install Codex (npm)' }],
  ['agents (Codex): gates', ['node', 'test/agents/run-codex-gates.mjs'], { needs: 'install Codex (npm)' }],
  ['install VS Code (offline)', ['node', 'scripts/install-vscode-server.mjs']],
  ['integration (VS Code 1.99)', ['node', 'test/integration/run-server.mjs']],
  ['e2e', ['node', 'test/e2e/run-e2e.mjs']],
  ['e2e (Codex)', ['node', 'test/e2e/run-e2e-codex.mjs']],
  // The oldest VS Code the manifest accepts: its own install (cached by its stamp) and the same suite.
  // A failed 1.93 install fails only these two stages.
  ['install VS Code 1.93 (offline)', ['node', 'scripts/install-vscode-server.mjs', '--code-server', OLDEST_CODE_SERVER], { alone: true }],
  ['integration (VS Code 1.93)', ['node', 'test/integration/run-server.mjs', '--code-server', OLDEST_CODE_SERVER],
    { needs: 'install VS Code 1.93 (offline)' }],
];

const outcome = [];
const failedStages = new Set();
for (const [name, [cmd, ...args], { alone = false, needs } = {}] of stages) {
  const started = Date.now();
  console.log(`\n=== ${name}`);
  if (needs && failedStages.has(needs)) {
    console.log(`skipped: "${needs}" failed (see above)`);
    outcome.push(`FAIL ${name} (skipped: ${needs} failed)`);
    continue;
  }
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, FLIGHTDECK_STAGE: name } });
  const ok = r.status === 0;
  if (!ok) failedStages.add(name);
  outcome.push(`${ok ? 'ok  ' : 'FAIL'} ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  // Without a build or VS Code, later stages can only fail for the same reason.
  if (!ok && !alone && (name === 'build' || name.startsWith('install'))) break;
}
console.log(`\n=== summary\n${outcome.join('\n')}`);
process.exit(outcome.every((l) => l.startsWith('ok')) ? 0 : 1);
