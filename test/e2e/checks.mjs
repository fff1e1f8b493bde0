// Named checks for the workbench end-to-end runs: each prints ok or FAIL; the run ends with what failed and the
// closing line `N passed, N failed` that CI reads, after the servers and browsers are cleaned up.
import { cleanupAll } from '../support/vscode-server.mjs';

let passed = 0;
let failed = 0;
const failures = [];

/** One named check in the workbench; a failure keeps its stack for the summary. */
export async function check(name, fn) {
  try {
    await fn();
    passed++;
    console.log(`ok ${name}`);
  } catch (err) {
    failed++;
    failures.push(`${name}\n${err.stack ?? err}`);
    console.log(`FAIL ${name}`);
  }
}

/** Runs a command from the palette by its title, as a user would (the first match is taken). */
export async function runCommand(page, title) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input[type="text"]');
  await input.fill(`>${title}`);
  await page.locator('.quick-input-list .monaco-list-row').first().waitFor();
  await input.press('Enter');
}

/**
 * Runs `main` with a deadline; then cleans up, prints every failure and the closing line, and exits 0 only when
 * something passed and nothing failed. Ctrl-C ends the run the same way.
 */
export function runChecks(label, main, deadlineMs) {
  const finish = async () => {
    clearTimeout(timer);
    await cleanupAll();
    for (const f of failures) console.log(`\n--- ${f}`);
    console.log(`\n${label}: ${passed} passed, ${failed} failed`);
    process.exit(failed === 0 && passed > 0 ? 0 : 1);
  };
  const timer = setTimeout(() => {
    console.error(`${label}: timed out after ${Math.round(deadlineMs / 60_000)} minutes`);
    failed++;
    void finish();
  }, deadlineMs);
  process.once('SIGINT', () => { failed++; void finish(); });
  main().catch((err) => { failed++; failures.push(`setup\n${err.stack ?? err}`); }).finally(finish);
}
