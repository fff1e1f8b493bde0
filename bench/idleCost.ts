// What an idle window costs: CPU seconds per minute of the extension host in the real workbench
// (code-server's VS Code, driven by Playwright in Chromium), with and without Flightdeck, once the board
// is open and the history imported. Read from /proc/<pid>/stat of the extension host process.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { projectFolderName, TranscriptWriter } from '../test/fixtures/claudeTranscript';

export interface IdleCost {
  /** CPU seconds the extension host used per minute of idling. */
  without: number;
  with: number;
  windowSeconds: number;
  /** The extension host's resident memory at the end of the idle window, and its peak, in MB. */
  rssWithoutMb: number;
  rssWithMb: number;
  peakWithoutMb: number;
  peakWithMb: number;
  /** From opening the window again to the board listing the sessions, workbench start included. */
  reopenMs?: number;
  reopenAfterWorkbenchMs?: number;
  reopenAfterClickMs?: number;
}

/** The subset of test/support/vscode-server.mjs used here (it is plain JavaScript). */
export interface Server {
  url(folder: string): string;
  stop(): Promise<void>;
}
export interface Locator {
  first(): Locator;
  click(): Promise<void>;
  waitFor(options?: { state?: string; timeout?: number }): Promise<void>;
  locator(selector: string, options?: { hasText?: string | RegExp }): Locator;
}
export interface Page {
  locator(selector: string): Locator;
  frameLocator(selector: string): { frameLocator(selector: string): Locator };
  close(): Promise<void>;
}
export interface Support {
  repoRoot: string;
  makeTempDir(prefix: string): string;
  makeGitWorkspace(options?: { files?: Record<string, string> }): string;
  createLog(file: string): unknown;
  startServer(options: { extensionDevelopmentPath?: string; env?: Record<string, string>; log?: unknown }): Promise<Server & { userDataDir: string }>;
  launchBrowser(): Promise<{ close(): Promise<void> }>;
  openWorkbench(browser: unknown, url: string, options?: { log?: unknown }): Promise<Page>;
  cleanupAll(): Promise<void>;
}

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** utime + stime of a process, in seconds. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // after "pid (comm) "
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

/** The extension host of the server whose command line names `userDataDir`: same process group, "extensionHost" in its command line. */
export function extensionHostOf(userDataDir: string, not?: number): number | undefined {
  const procs = readdirSync('/proc').filter((p) => /^\d+$/.test(p)).map(Number);
  const read = (pid: number): { cmd: string; pgrp: number } | undefined => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const pgrp = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
      return { cmd: readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' '), pgrp };
    } catch {
      return undefined;
    }
  };
  const server = procs.find((pid) => read(pid)?.cmd.includes(userDataDir));
  const group = server === undefined ? undefined : read(server)?.pgrp;
  return procs.find((pid) => {
    const p = read(pid);
    return pid !== not && p !== undefined && p.pgrp === group && p.cmd.includes('extensionHost');
  });
}

/** A history like a month of use: this workspace's sessions, and many other projects' transcripts. */
function writeProjects(projects: string, workspace: string, sessions: number, otherFiles: number): void {
  const write = (folder: string, id: string, cwd: string, steps: number): void => {
    mkdirSync(join(projects, folder), { recursive: true });
    const w = new TranscriptWriter({ sessionId: id, cwd, start: Date.now() - 86_400_000 - steps * 1000 });
    w.prompt(`work on ${id}`);
    for (let i = 0; i < steps; i++) {
      w.tool('Read', { file_path: `${cwd}/src/file${i}.ts` }, { text: 'export const x = 1;\n'.repeat(50) });
      w.bash('npm test', 0, 'ok\n'.repeat(20));
    }
    writeFileSync(join(projects, folder, `${id}.jsonl`), w.toString());
  };
  for (let i = 0; i < sessions; i++) write(projectFolderName(workspace), `idle-${i}`, workspace, 30);
  for (let i = 0; i < otherFiles; i++) write(`-elsewhere-project-${i % 40}`, `other-${i}`, `/elsewhere/project-${i % 40}`, 30);
}

/** Resident and peak resident memory of a process, in MB (VmRSS, VmHWM of /proc/<pid>/status). */
export function memoryMb(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string): number => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

interface Side {
  cpuPerMinute: number;
  rssMb: number;
  peakMb: number;
  /** With Flightdeck: ms from opening the window again until the board lists the sessions. */
  reopenMs?: number;
  /** The same, from the moment the workbench showed. */
  reopenAfterWorkbenchMs?: number;
  /** From the click on the Flightdeck icon in the reopened window. */
  reopenAfterClickMs?: number;
}

async function idleSide(support: Support, flightdeck: boolean, windowMs: number): Promise<Side> {
  const workspace = support.makeGitWorkspace({ files: { 'README.md': '# idle\n' } });
  const claudeHome = support.makeTempDir('claude');
  writeProjects(join(claudeHome, 'projects'), workspace, 200, 800);
  const log = support.createLog(join(support.repoRoot, 'test-results', `bench-idle-${flightdeck ? 'with' : 'without'}.log`));
  const server = await support.startServer({ extensionDevelopmentPath: flightdeck ? support.repoRoot : undefined, env: { CLAUDE_CONFIG_DIR: claudeHome }, log });
  const browser = await support.launchBrowser();
  try {
    const page = await support.openWorkbench(browser, server.url(workspace), { log });
    if (flightdeck) {
      // The board open, the history imported, the idle snapshot and git's facts (15 s after an import) done.
      await page.locator('.activitybar [aria-label*="Flightdeck"]').first().click();
      const board = page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
      await board.locator('.session-title', { hasText: 'work on idle-' }).first().waitFor({ timeout: 120_000 });
      await board.locator('.import').waitFor({ state: 'detached', timeout: 120_000 });
    }
    let pid = extensionHostOf(server.userDataDir);
    for (let tries = 0; pid === undefined && tries < 60; tries++) {
      await sleep(500); // the workbench starts its extension host a moment after it shows
      pid = extensionHostOf(server.userDataDir);
    }
    if (pid === undefined) throw new Error('no extension host process found');
    // FD_IDLE_TRACE=1 prints the host's CPU in 5 s steps for two minutes first: where the cost comes from, over time.
    if (process.env.FD_IDLE_TRACE) {
      for (let i = 0; i < 24; i++) {
        const b = cpuSeconds(pid);
        await sleep(5000);
        console.log(`${flightdeck ? 'with' : 'without'} t=${(i + 1) * 5}s cpu ${(cpuSeconds(pid) - b).toFixed(2)} s`);
      }
    }
    await sleep(20_000);
    const before = cpuSeconds(pid);
    await sleep(windowMs);
    const cpuPerMinute = ((cpuSeconds(pid) - before) / windowMs) * 60_000;
    const mem = memoryMb(pid);
    let reopenMs: number | undefined;
    let reopenAfterWorkbenchMs: number | undefined;
    let reopenAfterClickMs: number | undefined;
    if (flightdeck) {
      // Reopening the window: a new extension host opens the record (its snapshot and journal tail) and paints the board.
      await page.close();
      const started = Date.now();
      const again = await support.openWorkbench(browser, server.url(workspace), { log });
      const shown = Date.now();
      // As a user does after reopening: click the Flightdeck icon, then wait for the sessions.
      await again.locator('.activitybar [aria-label*="Flightdeck"]').first().click();
      const clicked = Date.now();
      const board = again.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
      await board.locator('.session-title', { hasText: 'work on idle-' }).first().waitFor({ timeout: 120_000 });
      reopenAfterClickMs = Date.now() - clicked;
      reopenMs = Date.now() - started;
      reopenAfterWorkbenchMs = Date.now() - shown;
    }
    return { cpuPerMinute, rssMb: mem.rss, peakMb: mem.peak, reopenMs, reopenAfterWorkbenchMs, reopenAfterClickMs };
  } finally {
    await support.cleanupAll();
  }
}

/** Both sides, without Flightdeck first; undefined (with the reason) when the workbench is not installed. */
export async function idleCost(windowMs = 25_000): Promise<IdleCost | string> {
  const root = resolve(__dirname, '..');
  if (!existsSync(join(root, '.vscode-test', 'code-server'))) return 'no .vscode-test (node scripts/install-vscode-server.mjs)';
  if (!existsSync('/usr/bin/chromium')) return 'no /usr/bin/chromium';
  const support = (await import(pathToFileURL(join(root, 'test', 'support', 'vscode-server.mjs')).href)) as Support;
  const without = await idleSide(support, false, windowMs);
  const withIt = await idleSide(support, true, windowMs);
  return {
    without: without.cpuPerMinute, with: withIt.cpuPerMinute, windowSeconds: windowMs / 1000,
    rssWithoutMb: without.rssMb, rssWithMb: withIt.rssMb, peakWithoutMb: without.peakMb, peakWithMb: withIt.peakMb, reopenMs: withIt.reopenMs, reopenAfterWorkbenchMs: withIt.reopenAfterWorkbenchMs, reopenAfterClickMs: withIt.reopenAfterClickMs,
  };
}
