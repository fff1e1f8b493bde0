// An agent's deploy command is checked before it runs by `flightdeck check-deploy` (in the whole CLI, which reads
// the record's reviews): a risky change nobody reviewed is held even while no review is open (VS Code closed).
// Only deploy commands pay for it (git and a process); the hook bundle stays small.
import { join } from 'node:path';
import { deployCommand } from '../core/gates/commands';
import type { GateDecision } from '../core/gates/decide';
import type { Policy } from '../core/risk/types';
import { askUserToOverride } from './hookPushCheck';

/**
 * The decision on a Bash command once the open reviews let it go: undefined when it deploys nothing or check-deploy
 * lets it go silently; enforce mode denies with check-deploy's words when it refuses (or cannot run: fails closed);
 * advisory mode only tells what check-deploy said.
 */
export function unreviewedDeployDecision(command: string, repoRoot: string, mode: Policy['mode']): GateDecision | undefined {
  const deploy = deployCommand(command);
  if (!deploy) return undefined;
  const { spawnSync } = require('node:child_process') as typeof import('node:child_process');
  const r = spawnSync(process.execPath, [join(__dirname, 'cli.js'), 'check-deploy'], {
    // Inside the 10 s Claude Code gives the hook (Connect writes it): a hook that times out blocks nothing, so this denies first.
    cwd: repoRoot, encoding: 'utf8', timeout: 7_000, env: { ...process.env, NODE_EXTRA_CA_CERTS: '' },
  });
  const said = (r.stderr ?? '').trim().replace(/^flightdeck: /gm, '');
  if (mode !== 'enforce') return said ? { action: 'advise', gate: 'deploy', reason: `Flightdeck: before \`${deploy}\`: ${said}` } : undefined;
  if (r.status === 0) return undefined;
  const why = r.status === 1 ? said : `the deploy could not be checked (${r.error?.message ?? (said || `exit ${r.status ?? r.signal}`)}); enforce mode fails closed`;
  return { action: 'deny', gate: 'deploy', reason: `Flightdeck (enforce): \`${deploy}\`: ${why}${askUserToOverride(why)}` };
}
