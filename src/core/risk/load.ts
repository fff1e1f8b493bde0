// Which policy is in force (see read.ts), with its content hash: the hash is recorded with every verdict.
import { DEFAULT_POLICY } from './policy';
import { canonicalJson, POLICY_FILE, readPolicy, type LoadOptions } from './read';
import type { Policy, PolicyState } from './types';

export { canonicalJson, LAST_GOOD_FILE, POLICY_FILE, type LoadOptions } from './read';

export function policyHash(policy: Policy): string {
  // Loaded when first hashed (node:crypto takes ms to load): `flightdeck risk` starts git's diff before that.
  const { createHash } = require('node:crypto') as typeof import('node:crypto');
  return createHash('sha256').update(canonicalJson(policy)).digest('hex');
}

/** The defaults as `Flightdeck: Create policy` writes them: every field, ready for editing (VS Code finds the schema by the file's path). */
export function defaultPolicyText(): string {
  return `${JSON.stringify(DEFAULT_POLICY, null, 2)}\n`;
}

/** The policy in force for the repository at `repoRoot`, where it came from, and the file's problem if any. */
export function loadPolicy(repoRoot: string, options: LoadOptions = {}): PolicyState {
  const state = readPolicy(repoRoot, options);
  return { ...state, hash: policyHash(state.policy) };
}

/** One line for people: where the policy came from and, when the file is broken, what is wrong and where. */
export function describePolicyState(state: Pick<PolicyState, 'source' | 'error'>, relativePath = POLICY_FILE): string {
  if (!state.error) return state.source === 'file' ? `policy: ${relativePath}` : 'policy: the defaults (no .flightdeck/policy.json)';
  return `policy: ${relativePath}:${state.error.line}:${state.error.column}: ${state.error.message} (${policyInForce(state)})`;
}

/** Which policy holds while the file is broken: never none. */
export function policyInForce(state: Pick<PolicyState, 'source'>): string {
  return state.source === 'last-good' ? 'the last good version of it is in force' : 'the default policy is in force';
}
