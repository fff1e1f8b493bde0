// `flightdeck review`: the second eye on the risky changes `flightdeck risk` lists, recorded in the flight record.
import { existsSync } from 'node:fs';
import { runGit } from '../core/git';
import type * as AnthropicModule from '../core/review/anthropicEngine';
import { locateRecord } from '../core/record/location';
import { RecordStore } from '../core/record/store';
import { reviewChanges } from '../core/review/reviewChanges';
import type { ReviewOutcome } from '../core/review/reviews';
import { RulesEngine } from '../core/review/rulesEngine';
import { redactFileMatches } from '../core/review/secretFiles';
import { describeSubject, type RiskScanner } from '../core/review/subject';
import type { Concern, ReviewEngine } from '../core/review/types';
import { UsageError, type CliArgs } from './args';
import { scanRisk } from '../core/risk/scan';
import type { Policy } from '../core/risk/types';
import { keepGateState } from '../core/gates/stateWriter';
import { keepMemory } from '../core/report/memoryWriter';

type Out = (text: string) => void;

/** Exit codes: 0 passed (or nothing risky), 1 concerns, 2 an engine failed (never a pass). */
const EXIT = { passed: 0, concerns: 1, failed: 2 } as const;

function engines(args: CliArgs, policy: Policy, env: NodeJS.ProcessEnv): ReviewEngine[] {
  const which = args.engine ?? 'rules';
  if (which !== 'rules' && which !== 'anthropic') throw new UsageError(`--engine wants rules or anthropic, not "${which}"`);
  // Rules always run: offline, deterministic, free.
  const list: ReviewEngine[] = [new RulesEngine(policy)];
  if (which === 'anthropic') {
    const apiKey = env.ANTHROPIC_API_KEY?.trim();
    if (!apiKey) throw new UsageError('--engine anthropic needs an API key: set ANTHROPIC_API_KEY (the base URL comes from ANTHROPIC_BASE_URL)');
    // Loaded only here: the SDK is most of the CLI's size, and every other command would pay for it.
    const { AnthropicEngine } = require('../core/review/anthropicEngine') as typeof AnthropicModule;
    list.push(new AnthropicEngine({ apiKey, model: env.FLIGHTDECK_REVIEW_MODEL?.trim() || undefined }));
  }
  return list;
}

// A model's concern on a file outside the review is attached to none: it still prints, marked so.
const where = (c: Concern): string => `${c.file || '(no file)'}${c.line === undefined ? '' : `:${c.line}`}`;

function human(outcome: ReviewOutcome, subject: string): string {
  const lines = [`Review ${outcome.reviewId} of ${subject}: ${outcome.status}`];
  for (const v of outcome.verdicts) {
    const label = `${v.engine}${v.model ? ` (${v.model})` : ''}`;
    lines.push(`  ${label}: ${v.status}${v.status === 'failed' ? ` — ${v.error ?? 'review failed, retry'}` : v.concerns.length ? ` (${v.concerns.length})` : ''}`);
  }
  const concerns = outcome.verdicts.flatMap((v) => v.concerns.map((c) => ({ ...c, engine: c.engine ?? v.engine })));
  if (concerns.length) lines.push('', 'Concerns:');
  for (const c of concerns) {
    lines.push(`  [${c.severity}] ${where(c)}  ${c.title}  (${[c.engine, c.rule].filter(Boolean).join(': ')})`);
    lines.push(`      ${c.explanation.replace(/\s*\n\s*/g, ' ')}`);
  }
  if (outcome.resolved.length) lines.push('', `Resolved by this review: ${outcome.resolved.join(', ')}`);
  return lines.join('\n');
}

export async function review(args: CliArgs, out: Out, scanner: RiskScanner = scanRisk, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  if (!existsSync(args.repo)) throw new UsageError(`--repo ${args.repo}: no such folder`);
  const location = locateRecord(args.repo);
  if (!location?.repoRoot) throw new UsageError(`${args.repo} is not inside a git repository (pass --repo PATH)`);
  // A ref is recorded as the commit it names: the review's base must mean the same thing later.
  const base = args.base === undefined ? undefined : (await runGit(location.repoRoot, ['rev-parse', '--verify', '--quiet', `${args.base}^{commit}`]).catch(() => '')).trim();
  if (base === '') throw new UsageError(`--base ${args.base}: not a commit in this repository`);
  const store = await RecordStore.open(location.dir);
  // The new review reaches the gates' state before this returns (the hooks read it).
  keepGateState(store);
  const memory = keepMemory(store);
  try {
    const result = await reviewChanges(store, location.repoRoot, { scanner, base, engines: (policy) => engines(args, policy, env) });
    if (result.kind !== 'reviewed') {
      const { scan } = result;
      const closed = result.kind === 'nothing' ? result.closed : [];
      const closedLine = closed.length ? `\nClosed ${closed.length === 1 ? 'review' : 'reviews'} ${closed.join(', ')}: the change ${closed.length === 1 ? 'it' : 'they'} held is gone.` : '';
      out(args.json ? JSON.stringify({ status: 'nothing-to-review', baseCommit: scan.baseCommit, changed: scan.changed.length, closed }, null, 2)
        : `Nothing to review: no risky changes since ${scan.baseCommit.slice(0, 12)} (${scan.changed.length} changed files).${closedLine}`);
      return 0;
    }
    const { outcome, subject } = result;
    const description = describeSubject(subject.files);
    if (args.json) {
      out(JSON.stringify({
        reviewId: outcome.reviewId, status: outcome.status, subject: description, session: subject.session ?? null, baseCommit: subject.baseCommit,
        policyHash: subject.policy.hash, files: redactFileMatches(subject.files), resolved: outcome.resolved,
        verdicts: outcome.verdicts.map((v) => ({ engine: v.engine, status: v.status, model: v.model ?? null, promptVersion: v.promptVersion, inputHash: v.inputHash, error: v.error ?? null })),
        concerns: outcome.verdicts.flatMap((v) => v.concerns.map((c) => ({ ...c, engine: c.engine ?? v.engine }))),
      }, null, 2));
    } else out(human(outcome, description));
    return EXIT[outcome.status];
  } finally {
    memory.dispose();
    store.close();
  }
}
