// V8 flags a command sets while it runs: for the commands that classify thousands of files (risk, review, ingest).
import { setFlagsFromString } from 'node:v8';
import { appliedV8Flags } from './appliedV8Flags';

/**
 * Node 20 can hang at exit when a background TurboFan job waits for a garbage collection that the exiting
 * main thread never runs (nodejs/node#54918): a short-lived process compiles on its main thread instead.
 */
export const EXIT_HANG_FLAGS = ['--no-concurrent-recompilation', '--no-concurrent-osr'];

const LONG_RUN = [
  ...EXIT_HANG_FLAGS,
  // The same regular expressions run over thousands of paths and lines: compiled to machine code at once. V8
  // otherwise interprets each at first and compiles it again on a later use, which for the policy's large
  // alternations was about 20 ms of a cold `flightdeck risk`.
  '--no-regexp-tier-up',
];

/**
 * `flightdeck risk` also goes without V8's optimizing compiler. A run is short, and with the flags above the
 * compiler works on the main thread: on a 2,000-file change it cost about 50 ms more than its code won back.
 * Baseline (Sparkplug) code stays.
 */
const RISK = [...LONG_RUN, '--no-opt'];

function set(flags: readonly string[]): void {
  for (const flag of flags) {
    setFlagsFromString(flag);
    appliedV8Flags().add(flag);
  }
}

export const setLongRunFlags = (): void => set(LONG_RUN);
export const setRiskFlags = (): void => set(RISK);

/** Runs `fn` with V8's own defaults back for its duration (saving compiled code: bundleCache.ts). */
export function withDefaultFlags<T>(fn: () => T): T {
  const applied = [...appliedV8Flags()];
  for (const flag of applied) setFlagsFromString(flag.replace('--no-', '--'));
  try {
    return fn();
  } finally {
    for (const flag of applied) setFlagsFromString(flag);
  }
}
