// End-to-end, Codex on the Board: a workspace whose Codex home holds a real Codex 0.171.0 rollout (the fixture,
// placed in this workspace) and whose Claude Code home holds one Claude Code session. In the real web workbench
// the board must list both with their agent, the agent filter must narrow to Codex, the Codex session's detail
// must show its commands, and `Flightdeck: Connect Codex` must add its hooks to that Codex home's config.toml.
// Saves screenshots under test-results/ (codex-*.png).
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  createLog, defaultUserSettings, launchBrowser, makeGitWorkspace, makeTempDir, openWorkbench, repoRoot, startServer,
} from '../support/vscode-server.mjs';
import { check, runChecks, runCommand } from './checks.mjs';

const results = join(repoRoot, 'test-results');
const CODEX_PROMPT = 'The greeting in src/greet.js is missing its comma and exclamation mark';
const CLAUDE_PROMPT = 'document the greeter in the README';
/** The 0.171.0 fixture as if Codex had worked in `workspace` at its HEAD, an hour ago. */
function placedRollout(workspace) {
  const text = readFileSync(join(repoRoot, 'test', 'fixtures', 'codex', 'codex-0.171.0.jsonl'), 'utf8');
  const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: workspace, encoding: 'utf8' }).trim();
  const commit = /"commit_hash":"([0-9a-f]{40})"/.exec(text)?.[1] ?? '';
  const first = Date.parse(/"timestamp":"([^"]+)"/.exec(text)?.[1] ?? '');
  const shift = Date.now() - 3_600_000 - first;
  return text.split('/tmp/fixture/repo').join(workspace).split(commit).join(head)
    .replace(/"(timestamp|started_at_ms|completed_at_ms)":"?(\d{4}-\d{2}-\d{2}T[^"]+)"/g, (_, k, v) => `"${k}":"${new Date(Date.parse(v) + shift).toISOString()}"`);
}

/** One Claude Code session of the workspace, the way Claude Code writes its transcript. */
function claudeTranscript(workspace) {
  const at = (m) => new Date(Date.now() - m * 60_000).toISOString();
  const base = { sessionId: 'e2e-claude-session', cwd: workspace, version: '2.1.3', gitBranch: 'docs/readme' };
  return [
    { ...base, type: 'user', uuid: 'u1', timestamp: at(30), message: { role: 'user', content: CLAUDE_PROMPT } },
    { ...base, type: 'assistant', uuid: 'a1', timestamp: at(29), message: { role: 'assistant', model: 'claude-sonnet-4-5', content: [{ type: 'tool_use', id: 'toolu_e2e_1', name: 'Bash', input: { command: 'npm test' } }] } },
    { ...base, type: 'user', uuid: 'u2', timestamp: at(28), message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_e2e_1', content: 'ok' }] } },
  ].map((l) => JSON.stringify(l)).join('\n') + '\n';
}

async function main() {
  mkdirSync(results, { recursive: true });
  const log = createLog(join(results, 'e2e-codex-server.log'));
  const workspace = makeGitWorkspace({ files: { 'package.json': '{"name":"greeter","scripts":{"test":"node test/greet.test.js"}}\n', 'src/greet.js': "module.exports = (n) => 'Hello ' + n;\n" } });
  const codexHome = makeTempDir('codex-home');
  const day = join(codexHome, 'sessions', '2026', '12', '02');
  mkdirSync(day, { recursive: true });
  writeFileSync(join(day, 'rollout-2026-12-02T00-30-42-01a23429-2a58-7703-afe9-90f048ce5a3e.jsonl'), placedRollout(workspace));
  const userConfig = '# the user\'s own Codex settings\nmodel = "gpt-5.5"\n\n[profiles.fast]\nmodel = "gpt-5-mini"\n';
  writeFileSync(join(codexHome, 'config.toml'), userConfig);
  const claudeHome = makeTempDir('claude');
  const project = join(claudeHome, 'projects', workspace.replace(/[^A-Za-z0-9]/g, '-'));
  mkdirSync(project, { recursive: true });
  writeFileSync(join(project, 'e2e-claude-session.jsonl'), claudeTranscript(workspace));

  const server = await startServer({ extensionDevelopmentPath: repoRoot, log, env: { CLAUDE_CONFIG_DIR: claudeHome, CODEX_HOME: codexHome },
    userSettings: { ...defaultUserSettings, 'workbench.colorTheme': 'Default Dark Modern' } });
  const browser = await launchBrowser();
  const page = await openWorkbench(browser, server.url(workspace), { log });
  const board = page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');

  await check('the board lists the Codex session beside the Claude Code one, each with its agent', async () => {
    await page.locator('.activitybar [aria-label*="Flightdeck"]').first().click();
    const codex = board.locator('.session', { hasText: CODEX_PROMPT }).first();
    await codex.waitFor({ timeout: 90_000 });
    await board.locator('.session', { hasText: CLAUDE_PROMPT }).first().waitFor({ timeout: 30_000 });
    await codex.getByText('Codex', { exact: false }).first().waitFor();
    const meta = await codex.textContent();
    if (!/Codex/.test(meta) || !/fix\/greeting/.test(meta) || !/3 commands/.test(meta)) throw new Error(`Codex session row: ${meta}`);
    const claude = await board.locator('.session', { hasText: CLAUDE_PROMPT }).first().textContent();
    if (!/Claude Code/.test(claude)) throw new Error(`Claude Code session row: ${claude}`);
    await page.mouse.move(900, 500);
    await page.screenshot({ path: join(results, 'codex-board.png') });
  });

  await check('the agent filter narrows the board to Codex', async () => {
    await board.locator('#session-agent').click();
    await board.locator('vscode-option', { hasText: 'Codex' }).click();
    const deadline = Date.now() + 10_000;
    let titles = [];
    while (Date.now() < deadline) {
      titles = await board.locator('.session-title').allTextContents();
      if (titles.length === 1) break;
      await page.waitForTimeout(100);
    }
    if (titles.length !== 1 || !titles[0].includes(CODEX_PROMPT)) throw new Error(`after filtering to Codex: ${JSON.stringify(titles)}`);
    await page.screenshot({ path: join(results, 'codex-filter.png') });
  });

  await check('the Codex session opens with its commands, exit codes and changed files', async () => {
    await board.locator('.session', { hasText: CODEX_PROMPT }).first().click();
    await board.locator('.detail-title', { hasText: CODEX_PROMPT }).waitFor({ timeout: 10_000 });
    // The Commands list itself (the folded turns hold the same commands out of sight).
    await board.locator('ul.commands li', { hasText: 'node -e "process.exit(3)"' }).first().waitFor({ timeout: 10_000 });
    await board.getByText('CHANGELOG.md', { exact: false }).filter({ visible: true }).first().waitFor();
    await page.screenshot({ path: join(results, 'codex-detail.png') });
  });

  await check('Flightdeck: Connect Codex shows what it adds, then adds only its block to config.toml', async () => {
    await runCommand(page, 'Flightdeck: Connect Codex');
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ timeout: 15_000 });
    const said = await dialog.textContent();
    if (!/SessionStart, UserPromptSubmit, PreToolUse, Stop, SessionEnd/.test(said) || !/config\.toml/.test(said)) throw new Error(`the dialog said: ${said}`);
    await page.screenshot({ path: join(results, 'codex-connect.png') });
    await dialog.getByRole('button', { name: 'Connect' }).click();
    const deadline = Date.now() + 10_000;
    let text = userConfig;
    while (Date.now() < deadline && text === userConfig) {
      await page.waitForTimeout(100);
      text = readFileSync(join(codexHome, 'config.toml'), 'utf8');
    }
    if (!text.startsWith(userConfig)) throw new Error(`the user's settings changed: ${text.slice(0, 300)}`);
    if (!text.includes('[[hooks.PreToolUse.hooks]]') || !text.includes("FLIGHTDECK_AGENT='codex'")) throw new Error(`no Flightdeck hooks in ${text}`);
  });
}

runChecks('e2e codex', main, 4 * 60_000);
