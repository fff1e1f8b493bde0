// Whether open reviews hold a ship: in enforce mode an open review (pending, with concerns, failed) holds it
// unless the deploy gate is overridden, and a state that cannot be read holds it too (fail closed); advisory
// mode only says so. From the same on-disk gate state as the agent hook and the pre-push hook.
import { describeReview, gatePolicy } from './decide';
import { gateOverride, openGateReviews, readGateState } from './state';

export interface ShipReviewGate {
  mode: 'advisory' | 'enforce';
  /** The ship waits (enforce mode) unless overridden with a reason. */
  hold: boolean;
  open: number;
  /** The open reviews (or why the state cannot be read) in words; empty when nothing is open. */
  text: string;
  /** An override of the deploy gate in force, which lets the ship go. */
  overriddenBy?: string;
}

export function shipReviewGate(repoRoot: string, recordDir: string, now = Date.now()): ShipReviewGate {
  const { mode, problem } = gatePolicy(repoRoot, recordDir);
  const enforce = mode === 'enforce';
  if (enforce && problem) return { mode, hold: true, open: 0, text: `the policy cannot be read (${problem}); enforce mode fails closed` };
  const read = readGateState(recordDir, now, false);
  if (!read.ok) return { mode, hold: enforce, open: 0, text: `the gate state cannot be read (${read.why})${enforce ? '; enforce mode fails closed (`flightdeck gates` rebuilds it)' : ''}` };
  const open = openGateReviews(read.state, now);
  const count = open.length + read.state.moreOpen;
  if (count === 0) return { mode, hold: false, open: 0, text: '' };
  const more = count - Math.min(open.length, 3);
  const text = open.slice(0, 3).map((r) => describeReview(r, now)).join('; ') + (more > 0 ? `; and ${more} more open review${more === 1 ? '' : 's'}` : '');
  const override = gateOverride(read.state, 'deploy', now);
  if (override) return { mode, hold: false, open: count, text, overriddenBy: `${override.by || 'someone'}: "${override.reason}"` };
  return { mode, hold: enforce, open: count, text };
}
