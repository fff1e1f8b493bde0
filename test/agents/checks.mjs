// Named checks for the agent end-to-end runs: each prints ok or FAIL with what was expected and what was
// there, and finish() prints the closing line `N passed, N failed` that CI reads.
import { isDeepStrictEqual } from 'node:util';

export const show = (v) => JSON.stringify(v);

let passed = 0;
let failed = 0;
const failures = [];

/** One named check; a failure names what was expected and what was there. */
export function check(name, fn) {
  try {
    fn();
    passed++;
    console.log(`ok ${name}`);
  } catch (err) {
    fail(`${name}: ${err.message}`, `FAIL ${name}\n     ${err.message.replace(/\n/g, '\n     ')}`);
  }
}

/** A failure found outside a check (a missing install, a build not there). */
export function fail(summary, printed = `FAIL ${summary}`) {
  failed++;
  failures.push(summary);
  console.log(printed);
}

export function expectEqual(actual, expected, what = '') {
  if (!isDeepStrictEqual(actual, expected)) throw new Error(`${what}expected ${show(expected)}, got ${show(actual)}`);
}

export function expect(cond, message) {
  if (!cond) throw new Error(message);
}

/** Prints the failures and the closing line, and exits: 0 only when something passed and nothing failed. */
export function finish(extra = '') {
  if (extra) console.log(extra);
  if (failures.length) console.log(`\nFailed:\n- ${failures.join('\n- ')}`);
  console.log(`\n${passed} passed, ${failed} failed`);
  process.exit(failed === 0 && passed > 0 ? 0 : 1);
}
