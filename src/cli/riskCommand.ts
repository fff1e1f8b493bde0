// `flightdeck risk [--repo PATH] [--json] [PATH…]`: each risky file with its categories and the rule that
// matched. A report: exit 0 whether or not files are risky.
import { existsSync } from 'node:fs';
import { relative } from 'node:path';
import { locateRecord } from '../core/record/location';
import { activeSessionBase, type SessionBaseFromDb } from '../core/risk/base';
import { filesOnDisk } from '../core/risk/changes';
import { classifyChanges, type ChangedFile } from '../core/risk/classify';
import { describePolicyState, loadPolicy } from '../core/risk/load';
import { riskyChangesSince } from '../core/risk/riskyChanges';
import { redactFileMatches } from '../core/review/secretFiles';
import type { PolicyState, RiskyFile } from '../core/risk/types';
import { UsageError, type CliArgs } from './args';

type Out = (text: string) => void;

export interface RiskReport {
  policy: { source: PolicyState['source']; path: string; hash: string; mode: string; error?: PolicyState['error'] };
  /** diff: the changes since `base`; paths: the given files as they are on disk. */
  scope: 'diff' | 'paths';
  base?: string;
  /** session: the active session's starting commit; head: no session is active. */
  baseSource?: 'session' | 'head';
  session?: string;
  changedFiles: number;
  riskyFiles: RiskyFile[];
}

const short = (commit: string | undefined): string => (commit ? commit.slice(0, 8) : 'the empty tree');
const clip = (s: string, n: number): string => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

export async function riskReport(args: CliArgs, fromDb: SessionBaseFromDb): Promise<RiskReport> {
  if (!existsSync(args.repo)) throw new UsageError(`--repo ${args.repo}: no such folder`);
  const location = locateRecord(args.repo);
  if (!location?.repoRoot) throw new UsageError(`${args.repo} is not inside a git repository (pass --repo PATH)`);
  const { repoRoot, dir } = location;
  let loaded: PolicyState | undefined;
  const policyState = (): PolicyState => (loaded ??= loadPolicy(repoRoot, { recordDir: dir }));
  const describe = (state: PolicyState): RiskReport['policy'] => ({
    source: state.source, path: relative(repoRoot, state.path).split('\\').join('/'), hash: state.hash, mode: state.policy.mode, ...(state.error ? { error: state.error } : {}),
  });
  if (args.positionals.length) {
    for (const p of args.positionals) if (!existsSync(p)) throw new UsageError(`${p}: no such file or folder`);
    let files: ChangedFile[];
    try {
      files = filesOnDisk(repoRoot, args.positionals, process.cwd());
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    const state = policyState();
    return { policy: describe(state), scope: 'paths', changedFiles: files.length, riskyFiles: classifyChanges(state.policy, files) };
  }
  const session = await activeSessionBase(dir, fromDb);
  // Git's diff starts first; the policy is read once it does, and each file classified as git writes it.
  const changes = await riskyChangesSince(repoRoot, session?.commit, () => policyState().policy);
  return {
    policy: describe(policyState()), scope: 'diff', base: changes.base, baseSource: session?.commit ? 'session' : 'head', ...(session ? { session: session.session } : {}),
    changedFiles: changes.changed.length, riskyFiles: changes.risky,
  };
}

export function formatRiskReport(r: RiskReport): string {
  const lines: string[] = [describePolicyState(r.policy, r.policy.path)];
  const scope =
    r.scope === 'paths'
      ? `${r.changedFiles} file${r.changedFiles === 1 ? '' : 's'} as on disk`
      : `${r.changedFiles} changed file${r.changedFiles === 1 ? '' : 's'} since ${short(r.base)} (${r.baseSource === 'session' ? `the starting commit of session ${r.session?.slice(0, 8)}` : 'HEAD: no active session'})`;
  lines.push(`${scope}: ${r.riskyFiles.length === 0 ? 'nothing risky' : `${r.riskyFiles.length} risky`}`);
  for (const f of r.riskyFiles) {
    lines.push('', `${f.path} (${f.change}): ${f.categories.join(', ')}`);
    for (const m of f.matches) {
      const rule = m.line !== undefined ? `line ${m.line}: "${m.match ?? ''}" (${clip(m.rule, 60)})` : clip(m.rule, 90);
      lines.push(`  ${m.category.padEnd(12)} ${rule}`);
    }
  }
  return lines.join('\n');
}

export async function risk(args: CliArgs, out: Out, fromDb: SessionBaseFromDb): Promise<number> {
  const found = await riskReport(args, fromDb);
  // A content match quotes the file (`sk_live_…`), and this output lands in CI logs and agent transcripts.
  const report = { ...found, riskyFiles: redactFileMatches(found.riskyFiles) };
  out(args.json ? JSON.stringify(report, null, 2) : formatRiskReport(report));
  return 0;
}
