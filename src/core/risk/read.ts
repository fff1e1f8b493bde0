// Which policy is in force: `.flightdeck/policy.json` when it is good; when it breaks, the last good copy
// kept beside the record (so the CLI and hooks see the same one as the extension); else the defaults.
// Never "no policy" because of a typo. No node:crypto here: the Claude Code hook reads the policy on every tool call.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { locateRecord } from '../record/location';
import { DEFAULT_POLICY } from './policy';
import type { PolicyState } from './types';
import { parsePolicy } from './validate';

export const POLICY_FILE = '.flightdeck/policy.json';
export const LAST_GOOD_FILE = 'policy.last-good.json';

/** A policy read without its hash. */
export type PolicyRead = Omit<PolicyState, 'hash'>;

/** JSON with object keys sorted at every level: the same policy always gives the same text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw e;
  }
}

export interface LoadOptions {
  /** The record folder, where the last good copy lives (default: the repository's record). */
  recordDir?: string;
  /** Whether a good file is copied beside the record (false in an untrusted or read-only workspace). */
  persist?: boolean;
}

/** The policy in force for the repository at `repoRoot`, where it came from, and the file's problem if any (no hash: see loadPolicy). */
export function readPolicy(repoRoot: string, options: LoadOptions = {}): PolicyRead {
  const path = join(repoRoot, POLICY_FILE);
  const recordDir = options.recordDir ?? locateRecord(repoRoot)?.dir;
  const lastGoodPath = recordDir ? join(recordDir, LAST_GOOD_FILE) : undefined;
  let text: string | undefined;
  try {
    text = read(path);
  } catch (e) {
    return fallback(path, lastGoodPath, { message: `cannot read ${POLICY_FILE}: ${(e as Error).message}`, line: 1, column: 1 });
  }
  const lastGood = lastGoodPath ? safeRead(lastGoodPath) : undefined;
  if (text === undefined) {
    // A policy deleted or moved away (by an agent, or a checkout) is not a switch back to the defaults: its last good copy holds.
    if (lastGood === undefined) return { policy: DEFAULT_POLICY, source: 'default', path };
    return fallback(path, lastGoodPath, {
      message: `${POLICY_FILE} is missing (deleted or moved); to go back to the defaults on purpose, delete ${lastGoodPath} too`,
      line: 1,
      column: 1,
    });
  }
  // The same text as the last good copy passed the strict parse when it was kept: JSON.parse reads it at once.
  const parsed = parsePolicy(text, DEFAULT_POLICY, text === lastGood);
  if ('problem' in parsed) return fallback(path, lastGoodPath, parsed.problem);
  if (lastGoodPath && options.persist !== false && text !== lastGood) keepLastGood(recordDir as string, lastGoodPath, text);
  return { policy: parsed.policy, source: 'file', path };
}

function fallback(path: string, lastGoodPath: string | undefined, error: PolicyState['error'] & object): PolicyRead {
  const text = lastGoodPath ? safeRead(lastGoodPath) : undefined;
  const parsed = text === undefined ? undefined : parsePolicy(text, DEFAULT_POLICY);
  if (parsed && 'policy' in parsed) return { policy: parsed.policy, source: 'last-good', path, error };
  return { policy: DEFAULT_POLICY, source: 'default', path, error };
}

function safeRead(path: string): string | undefined {
  try {
    return read(path);
  } catch {
    return undefined;
  }
}

/** Copies a good file beside the record (it differs from the copy there); a failure only loses the copy. */
function keepLastGood(recordDir: string, lastGoodPath: string, text: string): void {
  try {
    mkdirSync(recordDir, { recursive: true });
    const tmp = `${lastGoodPath}.${process.pid}.tmp`;
    writeFileSync(tmp, text);
    renameSync(tmp, lastGoodPath);
  } catch {
    // The policy in force is still the good file; only the fallback copy is stale.
  }
}

