// V8 flags for the commands that classify thousands of files (risk, review, ingest): set while they run.
import { setFlagsFromString } from 'node:v8';
import { EXIT_HANG_FLAGS } from './noExitHang';

const LONG_RUN = [
  ...EXIT_HANG_FLAGS,
  // The same regular expressions run over thousands of paths and lines: compiled to machine code at once. V8
  // otherwise interprets each at first and compiles it again on a later use, which for the policy's large
  // alternations was about 20 ms of a cold `flightdeck risk`. The hook keeps the default: each of its
  // expressions runs once or twice, where interpreting is the cheaper start.
  '--no-regexp-tier-up',
];

/**
 * `flightdeck risk` also goes without V8's optimizing compiler. A run is short, and with the flags above the
 * compiler works on the main thread: on a 2,000-file change it cost about 50 ms more than its code won back.
 * Baseline (Sparkplug) code stays.
 */
const RISK = [...LONG_RUN, '--no-opt'];

export function setLongRunFlags(): void {
  for (const flag of LONG_RUN) setFlagsFromString(flag);
}

export function setRiskFlags(): void {
  for (const flag of RISK) setFlagsFromString(flag);
}

/**
 * Runs `fn` with V8's own defaults back for its duration. V8 names the flags in force in the compiled code it
 * saves and refuses that code under other flags: code saved while these are set would never match a later
 * process, which loads its bundle before setting them (so that git's diff starts sooner).
 */
export function withDefaultFlags<T>(fn: () => T): T {
  for (const flag of RISK) setFlagsFromString(flag.replace('--no-', '--'));
  try {
    return fn();
  } finally {
    setRiskFlags();
  }
}
