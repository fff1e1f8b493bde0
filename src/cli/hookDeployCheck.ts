// An agent's deploy command is checked before it runs by `flightdeck check-deploy` (in the whole CLI, which reads
// the record's reviews): a risky change nobody reviewed is held even while no review is open (VS Code closed).
// Only deploy commands pay for it (git and a process); the hook bundle stays small.
import type { GateDecision } from '../core/gates/decide';
import type { Policy } from '../core/risk/types';
import { askUserToOverride, runGateCheck } from './hookPushCheck';

/**
 * The decision on a deploy (`kubectl apply`, found by the gate) once the open reviews let it go: undefined when
 * check-deploy lets it go silently; enforce mode denies with check-deploy's words when it refuses (or cannot run:
 * fails closed); advisory mode only tells what check-deploy said.
 */
export function unreviewedDeployDecision(deploy: string, repoRoot: string, mode: Policy['mode']): GateDecision | undefined {
  const r = runGateCheck(['check-deploy'], repoRoot);
  if (mode !== 'enforce') return r.said ? { action: 'advise', gate: 'deploy', reason: `Flightdeck: before \`${deploy}\`: ${r.said}` } : undefined;
  if (r.status === 0) return undefined;
  const why = r.status === 1 ? r.said : `the deploy could not be checked (${r.error ?? (r.said || `exit ${r.status}`)}); enforce mode fails closed`;
  return { action: 'deny', gate: 'deploy', reason: `Flightdeck (enforce): \`${deploy}\`: ${why}${askUserToOverride(why)}` };
}
