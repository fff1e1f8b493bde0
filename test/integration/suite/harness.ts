// A small test harness for the extension host: runs tests in order, each with a time limit, and
// writes the counts where the launcher reads them. (Mocha would do; this is all we need of it.)
import { writeFileSync } from 'node:fs';
import * as vscode from 'vscode';

export interface Results {
  vscodeVersion: string;
  passed: number;
  failed: number;
  failures: { name: string; error: string }[];
  passedNames: string[];
}

const tests: { name: string; fn: () => Promise<void>; timeoutMs: number }[] = [];

export function test(name: string, fn: () => Promise<void>, timeoutMs = 30_000): void {
  tests.push({ name, fn, timeoutMs });
}

function withTimeout(p: Promise<void>, ms: number, name: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${name}`)), ms);
  });
  return Promise.race([p, limit]).finally(() => clearTimeout(timer));
}

export async function runAll(resultsPath: string | undefined): Promise<Results> {
  const results: Results = { vscodeVersion: vscode.version, passed: 0, failed: 0, failures: [], passedNames: [] };
  for (const t of tests) {
    try {
      await withTimeout(t.fn(), t.timeoutMs, t.name);
      results.passed++;
      results.passedNames.push(t.name);
    } catch (err) {
      results.failed++;
      results.failures.push({ name: t.name, error: (err as Error).stack ?? String(err) });
    }
  }
  if (resultsPath) writeFileSync(resultsPath, JSON.stringify(results, null, 2));
  return results;
}

/** Resolves with the first event that satisfies `accept`, or rejects after `ms`. */
export function nextEvent<T>(event: vscode.Event<T>, accept: (v: T) => boolean, ms: number, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`no ${what} within ${ms} ms`));
    }, ms);
    const sub = event((v) => {
      if (!accept(v)) return;
      clearTimeout(timer);
      sub.dispose();
      resolve(v);
    });
  });
}

/** Polls until `check` returns a value, or rejects after `ms`. */
export async function eventually<T>(check: () => T | undefined, ms: number, what: string): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
