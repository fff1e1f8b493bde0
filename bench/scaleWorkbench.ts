// The extension host's memory in the real workbench (code-server's VS Code, driven by Playwright) on a record of a
// heavy user's year: the board open on 1M real-shaped events, with this build's record and, given
// FLIGHTDECK_BENCH_BEFORE=<rev>, that commit's, beside a window without Flightdeck.
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { extensionHostOf, memoryMb, sleep, type Support } from './idleCost';

export interface WorkbenchSide {
  label: string;
  rssMb: number;
  peakMb: number;
  /** The window opened again on the same record (a new extension host): the steady state, once the first open's work is done. */
  reopened?: { rssMb: number; peakMb: number };
  /** From the workbench showing to the board listing sessions. */
  boardMs?: number;
}

/** One window on a workspace whose record is `record` (moved into its git dir), Flightdeck from `extensionRoot` or none. */
async function side(support: Support, label: string, extensionRoot: string | undefined, record: string | undefined): Promise<WorkbenchSide> {
  const workspace = support.makeGitWorkspace({ files: { 'README.md': '# scale\n' } });
  if (record) renameSync(record, join(workspace, '.git', 'flightdeck'));
  const claudeHome = support.makeTempDir('claude');
  mkdirSync(join(claudeHome, 'projects'), { recursive: true });
  const log = support.createLog(join(support.repoRoot, 'test-results', `bench-scale-workbench-${label}.log`));
  const server = await support.startServer({ extensionDevelopmentPath: extensionRoot, env: { CLAUDE_CONFIG_DIR: claudeHome }, log });
  const browser = await support.launchBrowser();
  try {
    const page = await support.openWorkbench(browser, server.url(workspace), { log });
    const shown = Date.now();
    let boardMs: number | undefined;
    if (extensionRoot) {
      await page.locator('.activitybar [aria-label*="Flightdeck"]').first().click();
      const board = page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
      await board.locator('.session-title').first().waitFor({ timeout: 180_000 });
      boardMs = Date.now() - shown;
      // A session opened, as a user would look at one.
      await board.locator('.session-title').first().click();
    }
    let pid = extensionHostOf(server.userDataDir);
    for (let tries = 0; pid === undefined && tries < 60; tries++) {
      await sleep(500);
      pid = extensionHostOf(server.userDataDir);
    }
    if (pid === undefined) throw new Error('no extension host process found');
    await sleep(20_000); // settled: any snapshot or import at start done
    const mem = memoryMb(pid);
    let reopened: WorkbenchSide['reopened'];
    if (extensionRoot) {
      // A first open also does one-off work (git facts for every session, archiving): a window opened again shows the steady state.
      await sleep(40_000);
      await page.close();
      const again = await support.openWorkbench(browser, server.url(workspace), { log });
      const board = again.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
      const listed = board.locator('.session-title').first();
      await listed.waitFor({ timeout: 5_000 }).catch(async () => {
        await again.locator('.activitybar [aria-label*="Flightdeck"]').first().click();
        await listed.waitFor({ timeout: 180_000 });
      });
      await listed.click();
      let next = extensionHostOf(server.userDataDir, pid);
      for (let tries = 0; next === undefined && tries < 60; tries++) {
        await sleep(500);
        next = extensionHostOf(server.userDataDir, pid);
      }
      if (next !== undefined) {
        await sleep(20_000);
        const m = memoryMb(next);
        reopened = { rssMb: m.rss, peakMb: m.peak };
      }
    }
    return { label, rssMb: mem.rss, peakMb: mem.peak, boardMs, reopened };
  } finally {
    await support.cleanupAll();
  }
}

/**
 * `build(dir, script)` writes a large record at dir with the given bench script (this build's or an earlier one's).
 * Returns the sides measured, or the reason none could be.
 */
export async function scaleWorkbench(
  builds: { label: string; extensionRoot: string; buildRecord: (dir: string) => void }[],
  scratch: string,
): Promise<WorkbenchSide[] | string> {
  const root = resolve(__dirname, '..');
  if (!existsSync(join(root, '.vscode-test', 'code-server'))) return 'no .vscode-test (node scripts/install-vscode-server.mjs)';
  if (!existsSync('/usr/bin/chromium')) return 'no /usr/bin/chromium';
  const support = (await import(pathToFileURL(join(root, 'test', 'support', 'vscode-server.mjs')).href)) as Support;
  const out: WorkbenchSide[] = [await side(support, 'without Flightdeck', undefined, undefined)];
  for (const b of builds) {
    const dir = join(scratch, `workbench-${b.label}`);
    b.buildRecord(dir);
    out.push(await side(support, b.label, b.extensionRoot, dir));
  }
  writeFileSync(join(scratch, 'workbench.json'), JSON.stringify(out));
  return out;
}
