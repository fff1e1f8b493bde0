// The extension host's memory in the real workbench (code-server's VS Code, driven by Playwright) on a record of a
// heavy user's year: the board open on 1M real-shaped events, with this build's record and, given
// FLIGHTDECK_BENCH_BEFORE=<rev>, that commit's, beside a window without Flightdeck.
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { extensionHostOf, memoryMb, sleep, type Support } from './idleCost';

export interface WorkbenchSide {
  label: string;
  rssMb: number;
  peakMb: number;
  /** The window opened again on the same record (a new extension host): the steady state, once the first open's work is done. */
  reopened?: { rssMb: number; peakMb: number };
  /** The first window a minute later, its one-off work (git facts for every session, archiving) done. */
  settledMb?: number;
  /** From the workbench showing to the board listing sessions. */
  boardMs?: number;
  /** The extension host's own memory log (FLIGHTDECK_MEMORY_LOG) by stage, the last line of each, per extension host. */
  stages?: Record<string, Record<string, number | string>>[];
}

/** The memory log's lines, grouped by extension host (pid) in order of appearance, last line of each stage. */
function readStages(file: string): Record<string, Record<string, number | string>>[] {
  if (!existsSync(file)) return [];
  const byPid = new Map<number, Record<string, Record<string, number | string>>>();
  for (const text of readFileSync(file, 'utf8').split('\n')) {
    if (!text) continue;
    const line = JSON.parse(text) as Record<string, number | string>;
    const pid = Number(line.pid);
    if (!byPid.has(pid)) byPid.set(pid, {});
    (byPid.get(pid) as Record<string, Record<string, number | string>>)[String(line.stage)] = line;
  }
  return [...byPid.values()];
}

/** One window on a workspace whose record is `record` (moved into its git dir), Flightdeck from `extensionRoot` or none. */
async function side(support: Support, label: string, extensionRoot: string | undefined, record: string | undefined): Promise<WorkbenchSide> {
  const workspace = support.makeGitWorkspace({ files: { 'README.md': '# scale\n' } });
  if (record) renameSync(record, join(workspace, '.git', 'flightdeck'));
  const claudeHome = support.makeTempDir('claude');
  mkdirSync(join(claudeHome, 'projects'), { recursive: true });
  const log = support.createLog(join(support.repoRoot, 'test-results', `bench-scale-workbench-${label}.log`));
  const memLog = join(support.makeTempDir('memlog'), 'memory.jsonl');
  const server = await support.startServer({ extensionDevelopmentPath: extensionRoot, env: { CLAUDE_CONFIG_DIR: claudeHome, FLIGHTDECK_MEMORY_LOG: memLog }, log });
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
    let settledMb: number | undefined;
    if (extensionRoot) {
      // A first open also does one-off work (git facts for every session, archiving): a window opened again shows the steady state.
      await sleep(40_000);
      settledMb = memoryMb(pid).rss;
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
    // FLIGHTDECK_BENCH_WORKBENCH_LOG=<file>: the extension hosts' whole memory logs are kept beside it, one a side and round.
    const keep = process.env.FLIGHTDECK_BENCH_WORKBENCH_LOG;
    if (keep && existsSync(memLog)) copyFileSync(memLog, `${keep}.${label.replace(/\W+/g, '-')}-${Date.now()}.jsonl`);
    return { label, rssMb: mem.rss, peakMb: mem.peak, boardMs, reopened, settledMb, stages: readStages(memLog) };
  } finally {
    await support.cleanupAll();
  }
}

/**
 * `build(dir, script)` writes a large record at dir with the given bench script (this build's or an earlier one's).
 * Returns the sides measured, or the reason none could be.
 */
export async function scaleWorkbench(
  builds: { label: string; extensionRoot: string; buildRecord: (dir: string) => Promise<void> | void }[],
  scratch: string,
  rounds = 1,
): Promise<WorkbenchSide[][] | string> {
  const root = resolve(__dirname, '..');
  if (!existsSync(join(root, '.vscode-test', 'code-server'))) return 'no .vscode-test (node scripts/install-vscode-server.mjs)';
  if (!existsSync('/usr/bin/chromium')) return 'no /usr/bin/chromium';
  const support = (await import(pathToFileURL(join(root, 'test', 'support', 'vscode-server.mjs')).href)) as Support;
  // Rounds of every side one after the other, so that all see the machine's drift alike: one list of rounds per side.
  const out: WorkbenchSide[][] = [[], ...builds.map(() => [])];
  for (let r = 0; r < rounds; r++) {
    // FLIGHTDECK_BENCH_NO_BASELINE=1 leaves the window without Flightdeck out (a quicker look at one build).
    if (!process.env.FLIGHTDECK_BENCH_NO_BASELINE) out[0]?.push(await side(support, 'without Flightdeck', undefined, undefined));
    for (const [i, b] of builds.entries()) {
      const dir = join(scratch, `workbench-${b.label}`);
      await b.buildRecord(dir);
      out[i + 1]?.push(await side(support, b.label, b.extensionRoot, dir));
    }
    writeFileSync(join(scratch, 'workbench.json'), JSON.stringify(out));
    if (process.env.FLIGHTDECK_BENCH_WORKBENCH_LOG) writeFileSync(process.env.FLIGHTDECK_BENCH_WORKBENCH_LOG, JSON.stringify(out, null, 1));
  }
  return out;
}
