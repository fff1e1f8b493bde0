// End-to-end: the Board in the real web workbench (code-server's VS Code) driven by Playwright in
// Debian's Chromium, on a seeded record. Saves screenshots under test-results/.
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  createLog, defaultUserSettings, launchBrowser, makeGitWorkspace, makeTempDir, openWorkbench, repoRoot, startServer,
} from '../support/vscode-server.mjs';
import { check, runChecks, runCommand } from './checks.mjs';

const results = join(repoRoot, 'test-results');
const cli = join(repoRoot, 'dist', 'cli.js');
const MIGRATION = 'db/migrate/20260301120000_add_expires_at.rb';
const HOSTILE = '<img src=x onerror="window.__pwned=1"></script><script>window.__pwned=2</script>';

/** Waits until `locator` matches exactly `n` elements: a list re-renders after its reply arrives, a moment after the click. */
async function countIs(locator, n, what, timeout = 10_000) {
  const deadline = Date.now() + timeout;
  let seen = await locator.count();
  while (seen !== n) {
    if (Date.now() > deadline) throw new Error(`${what} (saw ${seen}, wanted ${n})`);
    await new Promise((r) => setTimeout(r, 50));
    seen = await locator.count();
  }
}

/** Runs a Node script to completion; its stdout, or an error naming what it printed on stderr. */
function runNode(script, ...args) {
  const r = spawnSync(process.execPath, [script, ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`node ${script} ${args[0] ?? ''} failed: ${r.stderr}`);
  return r.stdout.trim();
}

const note = (workspace, text) => runNode(cli, 'note', text, '--repo', workspace);

async function main() {
  mkdirSync(results, { recursive: true });
  const log = createLog(join(results, 'e2e-server.log'));
  const workspace = makeGitWorkspace({ files: { 'README.md': '# e2e\n', 'api/signup.ts': 'export function signup() {}\n' } });
  const claudeHome = makeTempDir('claude');
  runNode(join(repoRoot, 'dist-test', 'e2e-seed.js'), join(claudeHome, 'projects'), workspace);
  writeFileSync(join(workspace, 'api', 'signup.ts'), 'export function signup(body) {\n  if (!body.email) throw new Error("400");\n}\n');
  // Risky changes for the second eye: a migration with no way back and an auth change with no test.
  mkdirSync(join(workspace, 'db', 'migrate'), { recursive: true });
  writeFileSync(join(workspace, MIGRATION), 'class AddExpiresAt < ActiveRecord::Migration[7.1]\n  def up\n    add_column :sessions, :expires_at, :datetime\n  end\nend\n');
  mkdirSync(join(workspace, 'app', 'auth'), { recursive: true });
  writeFileSync(join(workspace, 'app', 'auth', 'session_policy.rb'), 'class SessionPolicy\n  def active?(session)\n    true\n  end\nend\n');

  const server = await startServer({ extensionDevelopmentPath: repoRoot, log, env: { CLAUDE_CONFIG_DIR: claudeHome },
    userSettings: { ...defaultUserSettings, 'workbench.colorTheme': 'Default Light Modern', 'workbench.preferredLightColorTheme': 'Default High Contrast' } });
  const browser = await launchBrowser();
  const page = await openWorkbench(browser, server.url(workspace), { log });
  const dialogs = [];
  page.on('dialog', (d) => { dialogs.push(d.message()); void d.dismiss(); });
  const board = page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');

  await check('from its first paint the board shows the import coming, then its progress, and never "no sessions"', async () => {
    await page.locator('.activitybar [aria-label*="Flightdeck"]').first().click();
    // Watched from inside the webview from the moment it exists: every paint until the import is over.
    await board.locator('#app').waitFor({ timeout: 60_000 });
    await board.locator('body').evaluate(() => {
      const app = document.getElementById('app');
      const seen = (window.__importSeen = { paints: 0, firstHadImport: undefined, claimedNone: false, progress: [] });
      const look = () => {
        if (!app.querySelector('.board')) return;
        seen.paints++;
        const status = app.querySelector('.import');
        seen.firstHadImport ??= status !== null;
        if (app.textContent.includes('No agent sessions yet')) seen.claimedNone = true;
        if (status) seen.progress.push(status.textContent);
      };
      look();
      new MutationObserver(look).observe(app, { childList: true, subtree: true, characterData: true });
    });
    await board.locator('.import progress[value]').waitFor({ timeout: 30_000 });
    await board.locator('.import', { hasText: /[1-9]\d* sessions? found so far/ }).waitFor({ timeout: 30_000 });
    await page.mouse.move(900, 500);
    await page.locator('.workbench-hover, .monaco-hover').first().waitFor({ state: 'hidden', timeout: 5_000 }).catch(() => undefined);
    await page.screenshot({ path: join(results, 'board-importing.png') });
    await board.locator('.import').waitFor({ state: 'detached', timeout: 90_000 });
    const seen = await board.locator('body').evaluate(() => window.__importSeen);
    if (!seen.firstHadImport) throw new Error(`the first paint did not show the import: ${JSON.stringify(seen).slice(0, 500)}`);
    if (seen.claimedNone) throw new Error('the board said there were no sessions while the import was coming or under way');
    if (!seen.progress.some((t) => /of [\d.]+ MB .*sessions? found so far/.test(t))) throw new Error(`no progress shown: ${seen.progress.slice(-3)}`);
    console.log(`  (${seen.paints} paints; last progress: ${seen.progress.at(-1)})`);
  });

  await check('the Flightdeck icon opens the Board with the seeded record', async () => {
    await board.getByText('Recent activity').waitFor({ timeout: 60_000 });
    await board.locator('.session-title', { hasText: 'add server-side validation to signup endpoint' }).first().waitFor({ timeout: 20_000 });
    await board.getByText(join(workspace, '.git', 'flightdeck'), { exact: false }).first().waitFor();
  });

  await check('hostile record content renders as inert text', async () => {
    note(workspace, 'Boundary: no schema changes, no auth flow changes');
    note(workspace, HOSTILE);
    await board.getByText(HOSTILE, { exact: true }).waitFor({ timeout: 5_000 });
    const imgs = await board.locator('img').count();
    const scripts = await board.locator('main script').count();
    const pwned = await board.locator('body').evaluate(() => window.__pwned ?? 0);
    if (imgs !== 0 || scripts !== 0 || pwned !== 0 || dialogs.length) {
      throw new Error(`markup came alive: img=${imgs} script=${scripts} pwned=${pwned} dialogs=${dialogs}`);
    }
  });

  await check('imported sessions are listed newest first, with failed checks and refusals flagged', async () => {
    const titles = await board.locator('.session-title').allTextContents();
    if (titles[0] !== 'add server-side validation to signup endpoint' || titles[1] !== 'tidy the README <img src=x onerror="window.__pwned=3">') {
      throw new Error(`unexpected session order: ${JSON.stringify(titles)}`);
    }
    await board.locator('.session').nth(0).getByText('1 failed').waitFor();
    await board.locator('.session').nth(0).getByText('2 refused').waitFor();
    // Under its task: lint was required and not run, and api/signup.test.ts is outside the allowed paths.
    await board.locator('.session').nth(0).getByText('1 skipped').waitFor();
    await board.locator('.session').nth(0).getByText('1 out of bounds').waitFor();
    await board.locator('.session').nth(0).getByText(/for \d+ s/).waitFor();
    // The activity bar's tooltip (from clicking the Flightdeck icon) would cover the status filter.
    await page.mouse.move(900, 500);
    await page.locator('.workbench-hover, .monaco-hover').first().waitFor({ state: 'hidden', timeout: 5_000 }).catch(() => undefined);
    await page.screenshot({ path: join(results, 'board-sessions.png') });
  });

  await check('a teammate\'s session, imported by team sync, shows its author', async () => {
    const item = board.locator('.session', { hasText: 'tune the retry backoff' });
    await item.getByText(/by grace@example\.com/).waitFor({ timeout: 5_000 });
    await item.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(results, 'board-team-session.png') });
    await board.locator('.session-title').first().scrollIntoViewIfNeeded();
  });

  await check('sessions are grouped by day, searchable and filterable', async () => {
    await board.locator('h3.day', { hasText: 'Today' }).first().waitFor();
    await board.locator('svg.chart.trend[aria-label="Checks in the last 20 sessions: 2 passed, 1 failed"]').waitFor();
    await board.locator('#session-search').locator('input').pressSequentially('readme', { delay: 30 });
    await board.locator('.session-title').first().getByText('tidy the README', { exact: false }).waitFor();
    await countIs(board.locator('.session'), 1, 'search did not narrow the list to one session');
    await page.screenshot({ path: join(results, 'board-search.png') });
    await board.locator('#session-search').locator('input').fill('');
    // Search covers the whole record: this session is not among the 20 the board has loaded.
    await board.locator('#session-search').locator('input').fill('chore number 22');
    await board.locator('.session-title', { hasText: 'routine chore number 22' }).waitFor({ timeout: 5_000 });
    await board.getByText('Showing 1 of 1 matching sessions').waitFor();
    await board.locator('#session-search').locator('input').fill('');
    await board.locator('#session-file').locator('input').fill('README');
    await board.locator('.session-title', { hasText: 'tidy the README' }).waitFor({ timeout: 5_000 });
    await board.getByText('Showing 1 of 1 matching sessions').waitFor({ timeout: 5_000 });
    await board.locator('#session-file').locator('input').fill('');
    await board.locator('.session').nth(19).waitFor({ timeout: 5_000 });
    await board.locator('#session-status').click();
    await board.locator('vscode-option', { hasText: 'With failed checks' }).click();
    await board.locator('.session-title', { hasText: 'add server-side validation' }).waitFor();
    await board.locator('.session-title', { hasText: 'harden the login lockout' }).waitFor();
    // The signup session, the planned login lockout, and four of a month ago's login work (the seed's Insights sessions).
    await countIs(board.locator('.session'), 6, 'the status filter did not narrow the list');
    await board.locator('#session-status').click();
    await board.locator('vscode-option', { hasText: 'All sessions' }).click();
    await board.locator('.session').nth(1).waitFor();
  });

  await check('older sessions are a click away', async () => {
    await countIs(board.locator('.session'), 20, 'the board should show the newest 20 sessions first');
    await board.locator('#older-sessions').click();
    await board.locator('.session-title', { hasText: 'routine chore number 22' }).waitFor({ timeout: 5_000 });
    if ((await board.locator('#older-sessions').count()) !== 0) throw new Error('no more sessions to page to');
    await board.locator('.session-title').first().scrollIntoViewIfNeeded();
  });

  await check('opening a session shows its whole flight record on the board', async () => {
    await board.locator('.session').nth(0).click();
    await board.locator('.detail-title').getByText('add server-side validation to signup endpoint').waitFor({ timeout: 10_000 });
    await board.locator('svg.chart.activity[aria-label*="failures"]').waitFor();
    await board.getByText('Retry: npm test -- signup: failed 1×, then passed after 2 runs').waitFor();
    await board.getByText('rejection of Bash: git push origin main by user').waitFor();
    await page.screenshot({ path: join(results, 'session-detail.png') });
  });

  await check('a changed file opens in the editor, and its diff against the starting commit in one click', async () => {
    await board.locator('.files button.link', { hasText: 'api/signup.ts' }).first().click();
    await page.locator('.tabs-container .tab', { hasText: 'signup.ts' }).first().waitFor({ timeout: 10_000 });
    // Git's facts arrive a moment after the import; the open detail updates itself.
    await board.locator('dd', { hasText: /^[0-9a-f]{12}$/ }).first().waitFor({ timeout: 15_000 });
    await board.locator('.files li', { hasText: 'api/signup.ts' }).first().locator('button.link', { hasText: 'diff' }).click();
    await page.locator('.tabs-container .tab', { hasText: /signup\.ts \(since [0-9a-f]{8}\)/ }).first().waitFor({ timeout: 10_000 });
    await page.locator('.monaco-diff-editor').first().waitFor({ timeout: 10_000 });
    await page.locator('.monaco-diff-editor .view-lines').getByText('if (!body.email)').first().waitFor({ timeout: 10_000 });
    await page.screenshot({ path: join(results, 'session-diff.png') });
  });

  await check('"Open as Markdown" opens the flight record as a document', async () => {
    await board.locator('vscode-button', { hasText: 'Open as Markdown' }).click();
    await page.locator('.editor-instance .view-lines').getByText('Task: add server-side validation').first().waitFor({ timeout: 10_000 });
    await board.locator('vscode-button', { hasText: 'Sessions' }).click();
    await board.locator('.session-title').first().waitFor();
    // A reply still on its way when the user went back must not reopen the session.
    await board.locator('body').evaluate(() => {
      const empty = { filesRead: [], filesChanged: [], commands: [], checks: [], failures: [], retries: [], skippedChecks: [], dependencyChanges: [],
        configChanges: [], boundaryViolations: [], approvals: [], overrides: [], reviews: [], commits: [] };
      const trail = { ...empty, id: 'e2e-signup-session', agent: 'claude-code', model: '', intent: 'late reply', boundary: '', repo: '', branch: '', startCommit: '',
        endCommit: '', startedAt: '', endedAt: '', diffStat: '', rollback: '' };
      window.postMessage({ type: 'sessionDetail', trail, activity: { start: 0, end: 0, counts: [], failures: [] } }, '*');
    });
    await page.waitForTimeout(500);
    if (await board.locator('.detail-title').count()) throw new Error('a late reply reopened the session after Back');
  });

  await check('a file\'s other sessions are one click from a session\'s flight record', async () => {
    await board.locator('.session').nth(0).click();
    await board.locator('.files li', { hasText: 'api/signup.ts' }).first().locator('button.link', { hasText: 'sessions' }).click();
    await board.getByText('Showing 1 of 1 matching sessions').waitFor({ timeout: 5_000 });
    const value = await board.locator('#session-file').evaluate((el) => el.value);
    if (value !== 'api/signup.ts') throw new Error(`the file filter shows ${JSON.stringify(value)}`);
    await board.locator('.session-title', { hasText: 'add server-side validation' }).waitFor();
    await board.locator('#session-file').locator('input').fill('');
    await board.locator('.session').nth(19).waitFor({ timeout: 5_000 });
  });

  await check('a session\'s plan check answers the reviewer\'s questions, and each turn shows what its prompt caused', async () => {
    await board.locator('#session-search').locator('input').fill('harden the login lockout');
    await board.locator('.session', { hasText: 'harden the login lockout' }).click();
    try {
    await board.locator('.detail-title', { hasText: 'harden the login lockout' }).waitFor({ timeout: 10_000 });
    const plan = board.locator('section[data-key="d-plan-check"]');
    await plan.getByText('Plan: presented with ExitPlanMode', { exact: false }).waitFor();
    await plan.locator('.todos li', { hasText: 'Run the tests and the typecheck <script>' }).waitFor();
    const weakened = plan.locator('[data-answer="weakened"]');
    await weakened.locator('.answer-a', { hasText: /^Yes: 1 weakening right after a failing check/ }).waitFor();
    await weakened.locator('.evidence li', { hasText: /api\/login\.test\.ts at .*skipped: it\.skip\('locks after 5 tries'.* after `npx vitest run` failed/ }).waitFor();
    await plan.locator('[data-answer="unplanned"].answer-concern .evidence li', { hasText: /^lib\/rateLimit\.ts \(created\), changed at \d\d:\d\d:\d\d \(turn 3\)/ }).waitFor();
    await plan.locator('[data-answer="boundary"].answer-unknown').waitFor();
    await board.locator('.breaks li', { hasText: /npx tsc --noEmit fails since turn 3 .*last passed in turn 1/ }).waitFor();
    await plan.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(results, 'session-plan-check.png') });

    const turns = board.locator('section[data-key^="d-turns"]');
    await countIs(turns.locator('details.turn'), 3, 'three prompts, three turns');
    // "What did the third prompt change?" is one click.
    await turns.locator('details.turn[data-turn="3"] summary').click();
    const third = turns.locator('details.turn[data-turn="3"][open]');
    await third.locator('.turn-files button.link', { hasText: 'lib/rateLimit.ts' }).waitFor();
    await third.locator('.turn-checks li.fail', { hasText: 'npx tsc --noEmit' }).waitFor();
    if (await turns.locator('details.turn[data-turn="2"][open]').count()) throw new Error('opening turn 3 opened turn 2 too');
    await turns.locator('details.turn[data-turn="2"] summary').click();
    await turns.locator('details.turn[data-turn="2"][open] .turn-files button.link', { hasText: 'api/login.test.ts' }).waitFor();
    await turns.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(results, 'session-turns.png') });
    if (await board.locator('.todos script').count()) throw new Error('markup in a todo became an element');
    } finally {
      // Back to the list whatever happened: the checks after this one start there.
      await board.locator('#detail-back').click();
    }
    await board.locator('#session-search').locator('input').fill('');
    await board.locator('.session').nth(19).waitFor({ timeout: 5_000 });
  });

  await check('10 MB strings arrive clipped and inert, and the board stays responsive', async () => {
    await board.locator('#session-search').locator('input').fill('enormous paste');
    const item = board.locator('.session', { hasText: 'an enormous paste' });
    await item.waitFor({ timeout: 10_000 });
    const title = await item.locator('.session-title').textContent();
    if ((title ?? '').length > 400) throw new Error(`the list shows ${title?.length} characters of the intent`);
    await item.click();
    await board.locator('.detail-title', { hasText: 'more characters; Open as Markdown shows all' }).waitFor({ timeout: 10_000 });
    const shown = await board.locator('.detail').evaluate((el) => el.textContent.length);
    if (shown > 50_000) throw new Error(`the detail holds ${shown} characters`);
    // Responsive: the webview answers at once, and a click on Back is acted on.
    const started = Date.now();
    await board.locator('body').evaluate(() => document.body.childElementCount);
    await board.locator('#detail-back').click();
    await board.locator('#session-search').waitFor({ timeout: 5_000 });
    const pwned = await board.locator('body').evaluate(() => window.__pwned ?? 0);
    if (pwned !== 0 || (await board.locator('img').count()) !== 0 || dialogs.length) throw new Error(`markup came alive: pwned=${pwned} dialogs=${dialogs}`);
    console.log(`  (the board answered in ${Date.now() - started} ms with the 10 MB session open)`);
    await board.locator('#session-search').locator('input').fill('');
    await board.locator('.session').nth(19).waitFor({ timeout: 5_000 });
  });

  await check('a note from the CLI appears on the open board without a reload, scroll and elements kept', async () => {
    const before = await board.locator('.tile-value').first().textContent();
    // Marks on the live DOM: a re-render would lose them, a patch keeps them.
    const scrolled = await board.locator('body').evaluate(() => {
      document.querySelector('.session').__kept = true;
      window.scrollTo(0, 300);
      return window.scrollY;
    });
    note(workspace, 'ran npm test -- signup: exit 1, duplicate email expected 409');
    await board.getByText('ran npm test -- signup: exit 1, duplicate email expected 409').waitFor({ timeout: 5_000 });
    const after = await board.locator('.tile-value').first().textContent();
    if (Number(after?.replace(/,/g, '')) !== Number(before?.replace(/,/g, '')) + 1) throw new Error(`events ${before} -> ${after}`);
    const kept = await board.locator('body').evaluate(() => ({ kept: document.querySelector('.session').__kept === true, y: window.scrollY }));
    if (!kept.kept) throw new Error('the session list was rebuilt instead of updated');
    if (scrolled > 0 && kept.y !== scrolled) throw new Error(`scroll moved from ${scrolled} to ${kept.y}`);
    await board.locator('body').evaluate(() => window.scrollTo(0, 0));
  });

  await check('"Record a note" on the board asks for the text and records it', async () => {
    await board.locator('vscode-button[data-action="recordNote"]').click();
    const input = page.locator('.quick-input-widget input[type="text"]');
    await input.waitFor({ timeout: 10_000 });
    await input.fill('approved for PR creation, deployment not approved');
    await input.press('Enter');
    await board.getByText('approved for PR creation, deployment not approved').waitFor({ timeout: 5_000 });
  });

  await board.locator('body').evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(results, 'board-light.png') });

  const hideHovers = async () => {
    await page.mouse.move(900, 500);
    await page.locator('.workbench-hover, .monaco-hover').first().waitFor({ state: 'hidden', timeout: 5_000 }).catch(() => undefined);
  };
  await check('the status bar shows the deploy lock held by someone else, with who, why and the queue in its tooltip', async () => {
    const item = page.locator('.statusbar-item', { hasText: /Deploy/ }).first();
    await item.getByText('Deploy free').waitFor({ timeout: 15_000 }).catch(async (err) => {
      const seen = await page.locator('.statusbar-item').evaluateAll((els) => els.map((e) => `${e.id}: ${e.textContent}`));
      throw new Error(`${err.message}\nstatus bar items: ${JSON.stringify(seen)}`);
    });
    await page.locator('.statusbar').screenshot({ path: join(results, 'status-lock-free.png') });
    const teammate = { GIT_CONFIG_COUNT: '2', GIT_CONFIG_KEY_0: 'user.name', GIT_CONFIG_VALUE_0: 'Grace Hopper', GIT_CONFIG_KEY_1: 'user.email', GIT_CONFIG_VALUE_1: 'grace@example.com' };
    const asTeammate = (...args) => {
      const r = spawnSync(process.execPath, [cli, ...args, '--repo', workspace], { encoding: 'utf8', env: { ...process.env, ...teammate } });
      if (r.status !== 0) throw new Error(`flightdeck ${args.join(' ')}: ${r.stdout}${r.stderr}`);
      return r.stdout;
    };
    asTeammate('lock', 'acquire', '--reason', 'release 1.4.2 <b>to production</b>');
    runNode(cli, 'queue', 'join', '--reason', 'signup validation', '--repo', workspace);
    await item.getByText(/Deploy: Grace Hopper \(\d+ s\) · 1 queued/).waitFor({ timeout: 5_000 });
    await page.locator('.statusbar').screenshot({ path: join(results, 'status-lock-held.png') });
    await item.hover();
    const hover = page.locator('.workbench-hover, .monaco-hover').filter({ hasText: 'Held by' }).first();
    await hover.waitFor({ timeout: 10_000 });
    const text = await hover.textContent();
    for (const part of ['Grace Hopper', 'grace@example.com', 'release 1.4.2 <b>to production</b>', 'Ship queue (1)', 'Lock id: lock-']) {
      if (!text.includes(part)) throw new Error(`the tooltip lacks ${part}: ${text}`);
    }
    if (await hover.locator('b').count()) throw new Error('markup in the reason came alive in the tooltip');
    await page.screenshot({ path: join(results, 'status-lock-tooltip.png') });
    await page.mouse.move(900, 500);
  });

  await check('the board\'s Ships section shows the lock (who, why), the ship queue, and recent ships with their rollback command', async () => {
    const section = board.locator('section.ships');
    // Folded by default: its header says how many ships and who holds the lock; Enter on the header opens it.
    const fold = board.locator('#ships-fold');
    await fold.locator('.fold-count', { hasText: /· \d+ · lock: Grace Hopper/ }).waitFor({ timeout: 10_000 });
    if ((await fold.getAttribute('aria-expanded')) !== 'false') throw new Error('Ships should be folded by default');
    if (await section.locator('.ship').count()) throw new Error('a folded Ships section still built its ships');
    await fold.focus();
    await page.keyboard.press('Enter');
    await board.locator('#ships-fold[aria-expanded="true"]').waitFor({ timeout: 10_000 });
    await section.locator('.lock-state.other', { hasText: 'Grace Hopper' }).waitFor({ timeout: 10_000 });
    await section.locator('.lock-reason', { hasText: 'release 1.4.2 <b>to production</b>' }).waitFor();
    if (await section.locator('.lock-reason b').count()) throw new Error('markup in the reason came alive on the board');
    await section.locator('.ship-queue .queued.mine').waitFor();
    const failed = section.locator('.ship.status-failed');
    await failed.locator('.rollback-command', { hasText: 'git switch -c rollback/ship-e2e-2 && git revert --no-edit aaaaaaaaaaaa..ffffffffffff' }).waitFor();
    await failed.getByText('shipped anyway: "lint is broken on main, INC-7"', { exact: false }).waitFor();
    await section.locator('.ship.status-shipped .rollback-command', { hasText: 'git revert --no-edit aaaaaaaaaaaa' }).waitFor();
    await hideHovers();
    await section.evaluate((el) => el.scrollIntoView());
    await page.screenshot({ path: join(results, 'board-ships.png') });
    // Copy puts the recorded command on the clipboard (looked up by the extension, not sent by the webview).
    await failed.locator('vscode-button[data-cmd="copy-rollback"]').click();
    await page.locator('.statusbar', { hasText: 'Rollback command copied' }).waitFor({ timeout: 5_000 });
  });

  await check('the dashboard opens in a browser with JavaScript off and shows the record, inert', async () => {
    const file = join(results, 'dashboard.html');
    runNode(cli, 'dashboard', '--out', file, '--repo', workspace);
    const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1200, height: 900 } });
    const doc = await context.newPage();
    // 26 MB (the 10 MB session's strings, twice): on a busy machine Chromium takes longer than the default 30 s to load it.
    await doc.goto(`file://${file}`, { timeout: 120_000 });
    await doc.getByRole('link', { name: 'add server-side validation to signup endpoint' }).waitFor({ timeout: 5_000 });
    await doc.getByText('Retry: npm test -- signup: failed 1×, then passed after 2 runs').first().waitFor();
    await doc.getByRole('link', { name: 'tidy the README <img src=x onerror="window.__pwned=3">' }).waitFor();
    if (await doc.locator('img').count()) throw new Error('markup from the record came alive in the dashboard');
    await doc.screenshot({ path: join(results, 'dashboard.png'), fullPage: false });
    // The Insights, drawn with JavaScript off: the same panels as the board's.
    const insights = doc.locator('section#insights');
    await insights.getByText('npm test -- login failed 4 of its 7 runs across 4 sessions.').waitFor();
    if ((await insights.locator('svg[role="img"]').count()) < 5) throw new Error('the dashboard\'s Insights have no charts');
    await insights.screenshot({ path: join(results, 'dashboard-insights.png') });
    await context.close();
  });


  await check('Request review from the palette shows the review and its concerns in the board\'s Reviews section', async () => {
    await runCommand(page, 'Flightdeck: Request review');
    const review = board.locator('.review-list .review.status-concerns').first();
    await review.waitFor({ timeout: 30_000 });
    await review.locator('.concern button.link', { hasText: `${MIGRATION}:2` }).waitFor();
    await review.locator('.concern-source', { hasText: 'rules: migration-without-down' }).waitFor();
    await board.locator('.tile', { hasText: 'To review' }).locator('.tile-value', { hasText: /^[1-9]/ }).waitFor();
    await hideHovers();
    await board.locator('section.reviews').evaluate((el) => el.scrollIntoView());
    await page.screenshot({ path: join(results, 'board-reviews.png') });
  });

  await check('the board\'s review buttons act: Re-review puts a new review in the shown one\'s place, Mark resolved closes it', async () => {
    const open = board.locator('.review-list .review.status-concerns').first();
    const first = await open.getAttribute('data-key');
    await open.locator('vscode-button[data-action="rereview"]').click();
    await board.locator(`.review-list .review.status-concerns:not([data-key="${first}"])`).first().waitFor({ timeout: 30_000 });
    if (await board.locator(`.review-list .review.status-concerns[data-key="${first}"]`).count()) throw new Error('the review it replaced is still open');
    const second = await board.locator('.review-list .review.status-concerns').first().getAttribute('data-key');
    await board.locator(`.review[data-key="${second}"] vscode-button[data-action="resolve"]`).click();
    const resolved = board.locator(`.review.status-resolved[data-key="${second}"]`);
    await resolved.locator('.review-resolved', { hasText: 'Resolved by Flightdeck Test' }).waitFor({ timeout: 20_000 });
    await board.locator(`.review.status-resolved[data-key="${first}"] .review-resolved`, { hasText: 'Superseded: the change was reviewed again' }).waitFor();
    await hideHovers();
    await resolved.evaluate((el) => el.scrollIntoView({ block: 'center' }));
    await page.screenshot({ path: join(results, 'board-review-resolved.png') });
    // Reviewed once more from the palette, for the override below.
    await runCommand(page, 'Flightdeck: Request review');
    await board.locator('.review-list .review.status-concerns').first().waitFor({ timeout: 30_000 });
  });

  await check('a concern opens its file at its line, where the diagnostic explains it on hover', async () => {
    await board.locator('.concern button.link', { hasText: `${MIGRATION}:2` }).first().click();
    await page.locator('.tabs-container .tab', { hasText: '20260301120000_add_expires_at.rb' }).first().waitFor({ timeout: 10_000 });
    const squiggle = page.locator('.monaco-editor .squiggly-warning').first();
    await squiggle.waitFor({ timeout: 10_000 });
    // As a person does: the pointer onto the line; if no hover shows (a notification or a late layout took the
    // first move), away and back again.
    const hover = page.locator('.monaco-hover', { hasText: 'Migration has no way back' }).first();
    for (let attempt = 1; ; attempt++) {
      await page.mouse.move(1, 1);
      await page.locator('.monaco-editor .view-line', { hasText: 'def up' }).first().locator('span span').first().hover();
      if (await hover.waitFor({ timeout: 5_000 }).then(() => true, () => false)) break;
      if (attempt === 3) {
        await page.screenshot({ path: join(results, 'diagnostic-hover-failed.png') });
        throw new Error('no hover explaining the concern on its line after three tries');
      }
    }
    await page.waitForTimeout(500); // the hover fades in
    await page.screenshot({ path: join(results, 'diagnostic-hover.png') });
    await hideHovers();
    await runCommand(page, 'View: Focus Problems');
    await page.locator('.markers-panel', { hasText: 'Migration has no way back' }).first().waitFor({ timeout: 10_000 });
    await page.screenshot({ path: join(results, 'problems-panel.png') });
  });

  await check('a broken policy file is an error on its line in the Problems view, saying which policy holds meanwhile', async () => {
    mkdirSync(join(workspace, '.flightdeck'), { recursive: true });
    writeFileSync(join(workspace, '.flightdeck', 'policy.json'), '{\n  "version": 1,\n  "categories": [\n    { "id": "auth", "content": ["(unclosed"] }\n  ]\n}\n');
    const problem = page.locator('.markers-panel .monaco-list-row', { hasText: 'not a valid regular expression' }).first();
    await problem.waitFor({ timeout: 15_000 });
    const text = await problem.textContent();
    if (!/default policy is in force/.test(text ?? '') || !/Ln 4, Col/.test(text ?? '')) throw new Error(`the policy's problem reads: ${text}`);
    await page.screenshot({ path: join(results, 'policy-problem.png') });
    // Fixed (here: removed, with no good copy ever kept): the problem goes.
    rmSync(join(workspace, '.flightdeck'), { recursive: true });
    await problem.waitFor({ state: 'detached', timeout: 15_000 });
    await runCommand(page, 'Notifications: Clear All Notifications');
  });

  await check('the explorer badges the risky file ("!" with its categories and concerns in the tooltip)', async () => {
    await page.locator('.tabs-container .tab', { hasText: '20260301120000_add_expires_at.rb' }).first().click();
    await runCommand(page, 'File: Reveal Active File in Explorer View');
    const row = page.locator('.explorer-folders-view .monaco-list-row', { hasText: '20260301120000_add_expires_at.rb' }).first();
    await row.waitFor({ timeout: 10_000 });
    // The workbench draws decoration badges as CSS content after the label.
    const badges = () => row.evaluate((el) => [...el.querySelectorAll('*')].map((e) => getComputedStyle(e, '::after').content).filter((c) => c && c !== 'none' && c !== 'normal').join(' '));
    const deadline = Date.now() + 10_000;
    let seen = await badges();
    while (!seen.includes('!') && Date.now() < deadline) { await page.waitForTimeout(100); seen = await badges(); }
    if (!seen.includes('!')) throw new Error(`no "!" badge on the migration (saw ${seen})`);
    await row.hover();
    await page.locator('.workbench-hover, .monaco-hover', { hasText: 'Flightdeck: risky change' }).first().waitFor({ timeout: 10_000 });
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(results, 'explorer-badge.png') });
  });

  await check('Override gate… from the palette refuses "ok", then records a reason with an expiry, shown on the board', async () => {
    await hideHovers();
    await runCommand(page, 'Flightdeck: Override gate…');
    const input = page.locator('.quick-input-widget input[type="text"]');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'migrations' }).first().waitFor({ timeout: 10_000 });
    // The gates are offered after the open reviews, each saying what it holds.
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'git push to a protected branch' }).first().waitFor({ timeout: 10_000 });
    await page.screenshot({ path: join(results, 'override-pick.png') });
    await input.press('Escape');
    // The same flow from the review's own button on the board (revealing the file showed the explorer): the review is already picked.
    await page.locator('.activitybar [aria-label*="Flightdeck"]').first().click();
    await board.locator('.review-list .review.status-concerns vscode-button[data-action="override"]').first().click();
    await page.locator('.quick-input-widget', { hasText: 'Override gate (2/3)' }).waitFor({ timeout: 10_000 });
    await input.fill('ok');
    await page.locator('.quick-input-message', { hasText: 'one word' }).waitFor({ timeout: 5_000 });
    await page.screenshot({ path: join(results, 'override-refused.png') });
    await input.press('Enter');
    await page.waitForTimeout(300);
    if (!(await page.locator('.quick-input-widget', { hasText: 'Override gate (2/3)' }).isVisible())) throw new Error('"ok" was accepted');
    await input.fill('migration applied by hand on staging first, rollback script tested');
    await input.press('Enter');
    await page.locator('.quick-input-widget', { hasText: 'Override gate (3/3)' }).waitFor({ timeout: 10_000 });
    await input.fill('1 hour');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: '1 hour' }).first().waitFor();
    await input.press('Enter');
    // With no review open any more, a board shown anew folds Reviews by default: "none open" says why.
    const reviewsFold = board.locator('#reviews-fold');
    await reviewsFold.waitFor({ timeout: 20_000 });
    if ((await reviewsFold.getAttribute('aria-expanded')) === 'false') {
      await reviewsFold.locator('.fold-count', { hasText: /· (none|\d+) open/ }).waitFor();
      await reviewsFold.click();
    }
    const overridden = board.locator('.review.status-overridden .review-override', { hasText: 'migration applied by hand on staging first' });
    await overridden.waitFor({ timeout: 10_000 });
    await overridden.getByText(/Overridden by Flightdeck Test <test@flightdeck\.invalid>/).waitFor();
    await overridden.getByText(/until/).waitFor();
    await hideHovers();
    await board.locator('section.reviews').evaluate((el) => el.scrollIntoView());
    await page.screenshot({ path: join(results, 'board-override.png') });
  });

  await check('Insights open from the board: charts of what fails, what is skipped, where work goes, overrides (the one just given too), tokens', async () => {
    const details = board.locator('section[data-key="insights"]');
    const fold = board.locator('#insights-fold');
    await fold.scrollIntoViewIfNeeded();
    if ((await fold.getAttribute('aria-expanded')) !== 'false') throw new Error('Insights should be folded by default');
    await fold.locator('.fold-count', { hasText: /· \d+ sessions/ }).waitFor();
    if (await board.locator('.insight-panel').count()) throw new Error('Insights are built before they are opened');
    await fold.click();
    const panel = (id) => board.locator(`[data-key="insight:${id}"]`);
    await panel('failing').getByText('npm test -- login failed 4 of its 7 runs across 4 sessions.').waitFor({ timeout: 15_000 });
    await panel('failing').locator('.insight-row', { hasText: 'npm test -- login' }).locator('.insight-note', { hasText: '4 of 7 failed' }).waitFor();
    await panel('boundary').getByText('2 of 4 bounded sessions changed files outside their boundary.').waitFor();
    await panel('skipped').locator('.insight-row', { hasText: 'lint' }).locator('.insight-note', { hasText: 'in 2 sessions' }).waitFor();
    await panel('categories').getByText('Authentication and sessions').first().waitFor();
    await panel('overrides').getByText(/"lint is broken on main, INC-7" \(2×\)/i).waitFor();
    await panel('overrides').locator('.insight-label', { hasText: 'migration applied by hand on staging first, rollback script tested' }).waitFor();
    await panel('recovery').locator('svg.chart.columns').waitFor();
    await panel('tokens').locator('svg.chart.columns g').first().waitFor();
    const styled = await board.locator('section[data-key="insights"] [style]').count();
    if (styled) throw new Error(`${styled} inline styles (the CSP refuses them)`);
    await hideHovers();
    await board.locator('section[data-key="insights"]').screenshot({ path: join(results, 'board-insights.png') });
    // The sidebar shows a few panels at a time: the workbench as a person sees it, at the top, middle and end.
    for (const [where, file] of [['#insights-fold', 'board-insights-workbench.png'], ['[data-key="insight:boundary"]', 'board-insights-files.png'], ['[data-key="insight:tokens"]', 'board-insights-tokens.png']]) {
      await details.locator(where).evaluate((el) => el.scrollIntoView({ block: 'start' }));
      await page.screenshot({ path: join(results, file) });
    }
    // Closed, it stays closed across a live update (and the extension stops building them).
    await fold.click();
    await countIs(board.locator('.insight-panel'), 0, 'closing the section did not hide the panels');
    note(workspace, 'insights closed');
    await board.getByText('insights closed').first().waitFor({ timeout: 5_000 });
    if ((await fold.getAttribute('aria-expanded')) !== 'false' || await board.locator('.insight-panel').count()) throw new Error('a live update reopened the Insights');
  });

  await check('a file with history shows a Flightdeck CodeLens at its top; a click opens its history with the decision', async () => {
    runNode(cli, 'decide', 'Signup validates emails on the server; the client check is only a hint', '--file', 'api/signup.ts', '--repo', workspace);
    await hideHovers();
    // The palette without its ">" is Go to File.
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input[type="text"]');
    await input.fill('api/signup.ts');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'signup.ts' }).first().waitFor({ timeout: 10_000 });
    await input.press('Enter');
    await page.locator('.tabs-container .tab', { hasText: 'signup.ts' }).first().waitFor({ timeout: 10_000 });
    const lens = page.locator('.monaco-editor .codelens-decoration', { hasText: /Flightdeck: changed in \d+ agent sessions? · 1 decision/ }).first();
    await lens.waitFor({ timeout: 20_000 });
    await page.screenshot({ path: join(results, 'file-history-codelens.png') });
    await lens.locator('a').first().click();
    // The Markdown wraps: the decision's first words are on a line of their own.
    const history = page.locator('.monaco-editor .view-line', { hasText: 'Signup validates' }).first();
    await history.waitFor({ timeout: 15_000 }).catch(async (err) => {
      await page.screenshot({ path: join(results, 'file-history-failed.png') });
      throw err;
    });
    await page.locator('.monaco-editor .view-line', { hasText: '# History of api/signup.ts' }).first().waitFor();
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(results, 'file-history.png') });
  });

  await check('"Show on board" sets the board\'s file filter: the file\'s history above its sessions, each entry opening what it names', async () => {
    await page.locator('.tabs-container .tab', { hasText: /^signup\.ts/ }).first().click();
    const onBoard = page.locator('.monaco-editor .codelens-decoration a', { hasText: 'Show on board' }).first();
    await onBoard.waitFor({ timeout: 20_000 });
    await onBoard.click();
    const history = board.locator('.file-history');
    await history.locator('.history-h', { hasText: 'History of api/signup.ts' }).waitFor({ timeout: 20_000 });
    const value = await board.locator('#session-file').evaluate((el) => el.value);
    if (value !== 'api/signup.ts') throw new Error(`the file filter holds ${JSON.stringify(value)}`);
    await history.locator('.history-counts', { hasText: /^\d+ sessions? · 1 decision/ }).waitFor();
    const decision = history.locator('.hist-decision', { hasText: 'Signup validates emails on the server' });
    const session = history.locator('.hist-session', { hasText: 'add server-side validation to signup endpoint' });
    await decision.waitFor();
    await session.waitFor();
    // Newest first: the decision was recorded after the session.
    const kinds = await history.locator('.history > li').evaluateAll((els) => els.map((e) => e.className));
    if (!kinds[0]?.includes('hist-decision')) throw new Error(`the newest entry should be the decision: ${kinds}`);
    // The sessions listed under it are the filter's.
    await board.locator('.session-title', { hasText: 'add server-side validation to signup endpoint' }).waitFor();
    // Folded, a decision shows at most two lines; opened, all of it.
    await decision.locator('summary').click();
    await decision.locator('details[open] .hist-title', { hasText: 'the client check is only a hint' }).waitFor({ timeout: 5_000 });
    const whole = await decision.locator('.hist-title').evaluate((el) => el.scrollHeight <= el.clientHeight + 1);
    if (!whole) throw new Error('an opened decision still cuts its text');
    await hideHovers();
    await board.locator('#session-file').evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await page.screenshot({ path: join(results, 'board-file-history.png') });
    await session.click();
    await board.locator('.detail-title', { hasText: 'add server-side validation to signup endpoint' }).waitFor({ timeout: 10_000 });
    await board.locator('#detail-back').click();
    await history.waitFor({ timeout: 10_000 });
    // A part of a path matching more than one changed file names them; one click shows that file's history.
    await board.locator('#session-file').locator('input').fill('signup');
    const pick = history.locator('.history-candidates button.link', { hasText: /^api\/signup\.ts$/ });
    await pick.waitFor({ timeout: 10_000 });
    await history.getByText(/“signup” matches \d+ changed files/).waitFor();
    await page.screenshot({ path: join(results, 'board-file-candidates.png') });
    await pick.click();
    await history.locator('.history-h', { hasText: 'History of api/signup.ts' }).waitFor({ timeout: 10_000 });
    // A hostile intent in a file's history stays text.
    await board.locator('#session-file').locator('input').fill('README.md');
    await history.locator('.hist-session', { hasText: 'tidy the README <img src=x onerror="window.__pwned=3">' }).waitFor({ timeout: 10_000 });
    const pwned = await board.locator('body').evaluate(() => window.__pwned ?? 0);
    if (pwned !== 0 || (await board.locator('img').count()) !== 0) throw new Error(`markup in a file's history came alive: pwned=${pwned}`);
    // A file no session changed but a review looked at: the review opens to its concerns, each a jump to its line.
    await board.locator('#session-file').locator('input').fill(MIGRATION);
    const review = history.locator('.hist-review').first();
    await review.waitFor({ timeout: 10_000 });
    await history.locator('.hist-override', { hasText: 'migration applied by hand on staging first' }).waitFor();
    await review.locator('summary').click();
    const line = review.locator('.hist-concerns button.link', { hasText: 'line 2' }).first();
    await line.waitFor({ timeout: 5_000 });
    await hideHovers();
    await review.evaluate((el) => el.scrollIntoView({ block: 'center' }));
    await page.screenshot({ path: join(results, 'board-file-history-review.png') });
    await line.click();
    await page.locator('.tabs-container .tab.active', { hasText: '20260301120000_add_expires_at.rb' }).waitFor({ timeout: 10_000 });
    await review.locator('button.link', { hasText: 'Show in Reviews' }).click();
    await board.locator('#reviews-fold[aria-expanded="true"]').waitFor({ timeout: 5_000 });
    const focused = await board.locator('body').evaluate(() => document.activeElement?.closest('.review')?.getAttribute('data-key') ?? '');
    if (!focused.startsWith('review:')) throw new Error(`Show in Reviews did not bring the review into focus (${focused})`);
    await board.locator('#session-file').locator('input').fill('');
    await history.waitFor({ state: 'detached', timeout: 10_000 });
  });

  await check('Ship with a required check unproven asks first; "ok" is no reason to ship anyway; Roll back ship… prepares the revert on a new branch', async () => {
    const git = (...args) => {
      const r = spawnSync('git', ['-C', workspace, ...args], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
      return r.stdout.trim();
    };
    // Grace gives the lock back; this window is next in the queue.
    const grace = { GIT_CONFIG_COUNT: '2', GIT_CONFIG_KEY_0: 'user.name', GIT_CONFIG_VALUE_0: 'Grace Hopper', GIT_CONFIG_KEY_1: 'user.email', GIT_CONFIG_VALUE_1: 'grace@example.com' };
    spawnSync(process.execPath, [cli, 'lock', 'release', '--repo', workspace], { encoding: 'utf8', env: { ...process.env, ...grace } });
    mkdirSync(join(workspace, '.vscode'), { recursive: true });
    writeFileSync(join(workspace, '.vscode', 'tasks.json'), JSON.stringify({ version: '2.0.0', tasks: [{ label: 'deploy-e2e', type: 'shell', command: 'echo deployed' }] }));
    writeFileSync(join(workspace, '.vscode', 'settings.json'), JSON.stringify({ 'flightdeck.deploy.task': 'deploy-e2e', 'flightdeck.deploy.target': 'staging' }));
    mkdirSync(join(workspace, '.flightdeck'), { recursive: true });
    writeFileSync(join(workspace, '.flightdeck', 'policy.json'), JSON.stringify({ deploy: { requiredChecks: ['lint'] } }));
    const first = git('rev-parse', 'HEAD');
    await page.waitForTimeout(1_500);
    await hideHovers();
    const palette = async (title) => {
      await page.keyboard.press('F1');
      const input = page.locator('.quick-input-widget input[type="text"]');
      await input.fill(`>${title}`);
      const row = page.locator('.quick-input-list .monaco-list-row').filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }) }).first();
      await row.waitFor({ timeout: 10_000 });
      await row.click();
    };
    // The policy and the settings are read as they change: wait until Ship sees the lint requirement.
    const dialog = page.locator('.monaco-dialog-box');
    for (let attempt = 0; ; attempt++) {
      await palette('Flightdeck: Ship');
      const seen = await dialog.getByText('Ship refused: the required checks are not proven on this commit.').waitFor({ timeout: 15_000 }).then(() => true, () => false);
      if (seen) break;
      if (attempt === 3) {
        await page.screenshot({ path: join(results, 'ship-anyway-failed.png') });
        const toasts = await page.locator('.notifications-toasts').textContent().catch(() => '');
        throw new Error(`Ship never asked about the unproven lint check; notifications: ${toasts}`);
      }
      await page.keyboard.press('Escape');
    }
    await dialog.getByText(/lint/).first().waitFor();
    await page.screenshot({ path: join(results, 'ship-anyway-dialog.png') });
    await dialog.getByRole('button', { name: 'Ship anyway…' }).click();
    const box = page.locator('.quick-input-widget', { hasText: 'Flightdeck: Ship anyway' });
    await box.waitFor({ timeout: 10_000 });
    const input = page.locator('.quick-input-widget input[type="text"]');
    await input.fill('ok');
    await page.locator('.quick-input-message', { hasText: 'one word' }).waitFor({ timeout: 5_000 });
    await page.screenshot({ path: join(results, 'ship-anyway-refused.png') });
    await input.press('Enter');
    await page.waitForTimeout(300);
    if (!(await box.isVisible())) throw new Error('"ok" was accepted as a reason to ship anyway');
    await input.fill('lint job is down on CI, eslint run by hand: clean');
    await input.press('Enter');
    await page.locator('.notifications-toasts', { hasText: `Shipped: ${first.slice(0, 12)} to staging` }).waitFor({ timeout: 60_000 });
    // The board is still showing unless the task's terminal took the view: a click on its icon would close it.
    if (!(await board.locator('section.ships').isVisible().catch(() => false))) await page.locator('.activitybar [aria-label*="Flightdeck"]').first().click();
    const shipped = board.locator('section.ships .ship.status-shipped', { hasText: 'shipped anyway: "lint job is down on CI, eslint run by hand: clean"' });
    await shipped.waitFor({ timeout: 15_000 }).catch(async (err) => {
      await page.screenshot({ path: join(results, 'board-shipped-anyway-failed.png') });
      const seen = await board.locator('section.ships').textContent().catch(() => '');
      throw new Error(`${err.message}\nthe Ships section: ${seen}`);
    });
    await hideHovers();
    await shipped.evaluate((el) => el.scrollIntoView());
    await page.screenshot({ path: join(results, 'board-shipped-anyway.png') });

    // A second ship to staging (recorded by the CLI after a deploy script), then undo it from the palette.
    git('add', '-A');
    git('commit', '-q', '-m', 'signup validation, session expiry');
    const second = git('rev-parse', 'HEAD');
    runNode(cli, 'ship', '--target', 'staging', '--repo', workspace);
    await palette('Flightdeck: Roll back ship…');
    const pick = page.locator('.quick-input-list .monaco-list-row', { hasText: `${second.slice(0, 12)} to staging` }).first();
    await pick.waitFor({ timeout: 10_000 });
    await page.screenshot({ path: join(results, 'rollback-pick.png') });
    await pick.click();
    await page.locator('.notifications-toasts', { hasText: `Prepared rollback/` }).waitFor({ timeout: 30_000 });
    await page.screenshot({ path: join(results, 'rollback-prepared.png') });
    const branch = git('branch', '--show-current');
    if (!branch.startsWith('rollback/')) throw new Error(`the rollback was not prepared on its own branch: on ${branch}`);
    if (git('rev-parse', 'HEAD~1') !== second) throw new Error('the rollback branch does not start from the shipped commit');
    if (git('rev-parse', 'HEAD^{tree}') !== git('rev-parse', `${first}^{tree}`)) throw new Error('the revert does not bring back what the first ship had');
    git('switch', '-q', '-');
  });

  // Late in the run: it gives the newest session a plan of yours, which no check before this looks for.
  await check('Record plan… from the palette: the plan you type takes the agent\'s place in the session\'s plan check', async () => {
    await runCommand(page, 'Flightdeck: Record plan…');
    const widget = page.locator('.quick-input-widget');
    const input = widget.locator('input[type="text"]');
    const title = widget.locator('.quick-input-title');
    await title.filter({ hasText: /Record plan|which session/ }).waitFor({ timeout: 10_000 });
    // A slow run may have let the seeded session go quiet: then the command asks which session, and it is that one.
    if (/which session/.test((await title.textContent()) ?? '')) {
      await input.fill('server-side validation');
      await page.locator('.quick-input-list .monaco-list-row', { hasText: 'server-side validation' }).first().waitFor();
      await input.press('Enter');
      await title.filter({ hasText: 'Record plan' }).waitFor();
    }
    await input.fill('Only validate the signup email in api/signup.ts and cover it in its test; nothing else');
    await page.screenshot({ path: join(results, 'record-plan-input.png') });
    await input.press('Enter');
    // The files it covers are offered when the tree has changes or editors are open: none picked.
    const files = title.filter({ hasText: 'which files' });
    if (await files.waitFor({ timeout: 3_000 }).then(() => true, () => false)) await input.press('Enter');
    await page.locator('.statusbar', { hasText: 'Plan recorded for session' }).waitFor({ timeout: 10_000 });
    await board.locator('#session-search').locator('input').fill('server-side validation');
    await board.locator('.session', { hasText: 'add server-side validation' }).first().click();
    try {
      const plan = board.locator('section[data-key="d-plan-check"]');
      await plan.getByText(/Plan: plan from you( \(.*\))? at \d{1,2}:\d\d/).waitFor({ timeout: 10_000 });
      await plan.locator('[data-answer="unplanned"] .answer-a', { hasText: /in your plan, the task and prompts/ }).waitFor();
      await plan.locator('.plan-from').evaluate((el) => el.scrollIntoView({ block: 'start' }));
      await page.screenshot({ path: join(results, 'session-plan-yours.png') });
    } finally {
      await board.locator('#detail-back').click();
      await board.locator('#session-search').locator('input').fill('');
    }
  });

  await check('folded sections stay folded after the window reloads; their headers carry counts', async () => {
    await hideHovers();
    await board.locator('body').evaluate(() => window.scrollTo(0, 0));
    for (const id of ['reviews', 'ships']) {
      const fold = board.locator(`#${id}-fold`);
      if ((await fold.getAttribute('aria-expanded')) === 'true') await fold.click();
      await board.locator(`#${id}-fold[aria-expanded="false"]`).waitFor({ timeout: 10_000 });
    }
    await board.locator('#ships-fold .fold-count', { hasText: /· \d+/ }).waitFor();
    if (await board.locator('section.ships .ship, section.reviews .review').count()) throw new Error('folded sections still show their items');
    await page.screenshot({ path: join(results, 'board-folded.png') });
    // Reloaded as a person does it, from the palette.
    const reloaded = page.waitForEvent('framenavigated', { predicate: (f) => f === page.mainFrame(), timeout: 90_000 });
    await runCommand(page, 'Developer: Reload Window');
    await reloaded;
    await page.waitForSelector('.monaco-workbench', { timeout: 90_000 });
    // The sidebar comes back as it was; if not, the Flightdeck icon shows the board.
    const back = await board.locator('#sessions-h').waitFor({ timeout: 60_000 }).then(() => true, () => false);
    if (!back) {
      await page.locator('.activitybar [aria-label*="Flightdeck"]').first().click();
      await board.locator('#sessions-h').waitFor({ timeout: 60_000 });
    }
    for (const id of ['reviews', 'ships', 'insights']) {
      await board.locator(`#${id}-fold[aria-expanded="false"]`).waitFor({ timeout: 20_000 }).catch(async (err) => {
        await page.screenshot({ path: join(results, 'board-folded-reload-failed.png') });
        const seen = await board.locator('button.fold').evaluateAll((els) => els.map((e) => `${e.id}=${e.getAttribute('aria-expanded')}`)).catch(() => []);
        throw new Error(`${err.message}\nafter the reload: ${seen.join(', ')}`);
      });
    }
    await board.locator('#ships-fold .fold-count', { hasText: /· \d+/ }).waitFor();
    // The icon font (preloaded with the page) is there: the fold chevrons are drawn, not blank.
    const iconFont = await board.locator('body').evaluate(async () => {
      await document.fonts.ready;
      return [...document.fonts].filter((f) => f.family.replace(/"/g, '') === 'codicon').map((f) => f.status);
    });
    if (!iconFont.includes('loaded')) throw new Error(`the icon font is not loaded after the reload: ${iconFont.join(', ') || 'no codicon face'}`);
    await hideHovers();
    await page.screenshot({ path: join(results, 'board-folded-reloaded.png') });
    // Opened again, it shows its items (and is remembered open).
    await board.locator('#ships-fold').click();
    await board.locator('section.ships .ship').first().waitFor({ timeout: 10_000 });
  });

  // The light/dark toggle goes to the dark theme, then back to the preferred light one, which this workbench
  // sets to high contrast. The webview restyles from the theme's variables; its body must follow.
  const toggleTheme = (name, workbenchClass, bodyClass) => check(`the board follows a switch to a ${name} theme`, async () => {
    await runCommand(page, 'Preferences: Toggle between Light/Dark Themes');
    await page.locator(`.monaco-workbench.${workbenchClass}`).waitFor({ timeout: 15_000 });
    await board.locator(`body.${bodyClass}`).waitFor({ timeout: 5_000 });
    await page.mouse.move(900, 500);
  });
  await toggleTheme('dark', 'vs-dark', 'vscode-dark');
  await page.screenshot({ path: join(results, 'board-dark.png') });
  await check('a file\'s history on the board in the dark theme', async () => {
    await board.locator('#session-file').locator('input').fill(MIGRATION);
    const history = board.locator('.file-history');
    await history.locator('.hist-review').first().waitFor({ timeout: 10_000 });
    await history.evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await hideHovers();
    await page.screenshot({ path: join(results, 'board-file-history-dark.png') });
    await board.locator('#session-file').locator('input').fill('');
    await history.waitFor({ state: 'detached', timeout: 10_000 });
  });
  await toggleTheme('high-contrast', 'hc-black', 'vscode-high-contrast');
  await page.screenshot({ path: join(results, 'board-high-contrast.png') });
  await check('the Ships section reads in the high-contrast theme: commit range and rollback command in the theme\'s colours', async () => {
    const fold = board.locator('#ships-fold');
    if ((await fold.getAttribute('aria-expanded')) !== 'true') await fold.click();
    const ship = board.locator('section.ships .ship').first();
    await ship.waitFor({ timeout: 10_000 });
    await ship.evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await hideHovers();
    await page.screenshot({ path: join(results, 'board-ships-high-contrast.png') });
    // Text drawn in its own background's colour cannot be read: each code's colour must differ from what is behind it.
    const clashes = await ship.locator('code').evaluateAll((codes) => codes.map((c) => {
      const style = getComputedStyle(c);
      let bg = style.backgroundColor;
      for (let el = c; el && /rgba\(0, 0, 0, 0\)|transparent/.test(bg); el = el.parentElement) bg = getComputedStyle(el).backgroundColor;
      return style.color === bg ? `${c.textContent}: ${style.color} on ${bg}` : '';
    }).filter(Boolean));
    if (clashes.length) throw new Error(`unreadable: ${clashes.join('; ')}`);
  });
}

runChecks('e2e', main, 10 * 60_000);
