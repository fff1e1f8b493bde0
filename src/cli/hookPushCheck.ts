// Enforce mode: an agent's `git push` to a protected branch is checked before it runs as git's pre-push hook would
// check it (`flightdeck check-push`, in the whole CLI, which reads the record's reviews), so a risky change nobody
// reviewed is held even where that hook is not installed. Only such push commands pay for it (git and a process).
import { join } from 'node:path';
import { commitsBeforePushing, protectedPushes, unquoted } from '../core/gates/commands';
import type { GateDecision } from '../core/gates/decide';

const ZERO_SHA = '0'.repeat(40);

/** The commit `rev` names, or undefined (git's answer, read synchronously: the hook decides before the call runs). */
function commitOf(repoRoot: string, rev: string): string | undefined {
  const { execFileSync } = require('node:child_process') as typeof import('node:child_process');
  try {
    return execFileSync('git', ['rev-parse', '--verify', '--quiet', `${rev}^{commit}`], { cwd: repoRoot, encoding: 'utf8', timeout: 5000, stdio: ['ignore', 'pipe', 'ignore'] }).trim() || undefined;
  } catch {
    return undefined;
  }
}

/** What a gate check of the whole CLI said: its exit status, its words (without the `flightdeck: ` prefix), why it did not run. */
export interface GateCheckRun {
  status: number | null;
  said: string;
  error?: string;
}

/**
 * Runs `flightdeck check-push`/`check-deploy` in the whole CLI beside this bundle, within the 10 s Claude Code gives
 * the hook (Connect writes it): a hook that times out blocks nothing, so the caller denies first.
 */
export function runGateCheck(args: readonly string[], repoRoot: string, input?: string): GateCheckRun {
  const { spawnSync } = require('node:child_process') as typeof import('node:child_process');
  const r = spawnSync(process.execPath, [join(__dirname, 'cli.js'), ...args], {
    cwd: repoRoot, input, encoding: 'utf8', timeout: 7_000, env: { ...process.env, NODE_EXTRA_CA_CERTS: '' },
  });
  return { status: r.status, said: (r.stderr ?? '').trim().replace(/^flightdeck: /gm, ''), error: r.error?.message ?? (r.status === null ? `signal ${r.signal}` : undefined) };
}

/** The CLI's refusals name the override command: here the reader is an agent, who asks the user rather than runs it. */
export const askUserToOverride = (said: string): string =>
  /flightdeck override/.test(said) ? ' An override is the user\'s decision: ask them to run it in their own terminal (or `Flightdeck: Override gate…` in VS Code); an agent\'s is refused.' : '';

/**
 * The decision on a Bash command once no open review holds it: undefined when it pushes nothing to a protected branch;
 * in enforce mode a denial with check-push's own words when that refuses it (or cannot run: enforce fails closed); in
 * advisory mode check-push's warning as advice (a risky change nobody reviewed goes out, and the agent should say so).
 */
export function unreviewedPushDecision(command: string, repoRoot: string, currentBranch: string | undefined, protectedBranches: readonly string[], mode: 'advisory' | 'enforce' = 'enforce'): GateDecision | undefined {
  if (!unquoted(command).includes('push')) return undefined;
  const pushes = protectedPushes(command, currentBranch, protectedBranches);
  if (pushes.length === 0) return undefined;
  if (mode === 'enforce' && commitsBeforePushing(command)) {
    const branches = [...new Set(pushes.map((p) => p.branch))].join(', ');
    return { action: 'deny', gate: 'push', reason: `Flightdeck (enforce): this command makes commits and pushes them to ${branches} in one go, so what it pushes cannot be checked before it runs. Commit first, then push in a command of its own: the push is then checked against the record's reviews.` };
  }
  const byRemote = new Map<string, string[]>();
  for (const p of pushes) {
    const local = commitOf(repoRoot, p.source);
    if (!local) continue; // git refuses that push itself
    const remote = p.remote ?? 'origin';
    const line = `${p.source} ${local} refs/heads/${p.branch} ${commitOf(repoRoot, `refs/remotes/${remote}/${p.branch}`) ?? ZERO_SHA}`;
    byRemote.set(remote, [...(byRemote.get(remote) ?? []), line]);
  }
  for (const [remote, lines] of byRemote) {
    const r = runGateCheck(['check-push', remote], repoRoot, lines.join('\n') + '\n');
    const said = r.said;
    if (mode === 'advisory') {
      const told = said.replace(/\s*\n\s*/g, ' ').replace(/([^.!?])$/, '$1.');
      if (said) return { action: 'advise', gate: 'push', reason: `Flightdeck: ${told} Tell the user before this goes out, and run \`flightdeck review\` on it.` };
      continue;
    }
    if (r.status === 0) continue;
    const why = r.status === 1 ? said : `it could not be checked (${r.error ?? (said || `exit ${r.status}`)}); enforce mode fails closed`;
    return { action: 'deny', gate: 'push', reason: `Flightdeck (enforce): ${why}${askUserToOverride(why)}` };
  }
  return undefined;
}
