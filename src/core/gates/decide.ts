// The gate decision for one agent tool call, from what is on disk only (the policy, gates.json and the journal
// after it): no database, no git process, so the Claude Code hook can ask it on every tool call.
//
// Gated: deploy commands and `git push` to a protected branch while a review is open, edits to files the task's
// boundary forbids, and the agent's changes to the owner's policy (.flightdeck/policy.json). Enforce mode denies
// them (and fails closed when the state or policy cannot be read); advisory mode never denies, it tells the agent. Edits to risky files are told in both modes.
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { readFileSync } from 'node:fs';
import { boundaryViolations } from '../capture/task';
import type * as Classify from '../risk/classify';
import { POLICY_FILE, readPolicy } from '../risk/read';
import type { Policy } from '../risk/types';
import { deployCommand, flightdeckFolderChange, personOnlyFlightdeckCommand, protectedPushTargets, unquoted } from './commands';
import { EDIT_TOOLS } from './editTools';
import { isGateName, type GateName } from './gateNames';
import { gateOverride, openGateReviews, reviewConcerns, reviewStatusAt, type GateReview, type GateStateRead } from './state';

export type GateDecision =
  /** `deploy`: the deploy a Bash call runs, found while deciding (the hook then checks it for unreviewed changes). */
  | { action: 'allow'; deploy?: string }
  | { action: 'deny'; gate: GateName; reason: string }
  | { action: 'advise'; gate?: GateName; reason: string };

export interface GateContext {
  repoRoot: string;
  mode: Policy['mode'];
  policy: Policy;
  /** Why the policy in force is not the project's (enforce mode then fails closed on push and deploy). */
  policyProblem?: string;
  state: GateStateRead;
  /** The branch HEAD is on (read only when a command pushes). */
  currentBranch: () => string | undefined;
  now: number;
}

type Json = Record<string, unknown>;
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** Whether a policy file's text, even one that does not parse, asks for enforce mode. */
export const asksForEnforce = (text: string): boolean => /"mode"\s*:\s*"enforce"/.test(text);

/** The policy the gates go by, and its mode. A broken file without a good copy that asks for enforce fails closed. */
export function gatePolicy(repoRoot: string, recordDir: string): { policy: Policy; mode: Policy['mode']; problem?: string } {
  const read = readPolicy(repoRoot, { recordDir });
  if (!read.error || read.source === 'last-good') return { policy: read.policy, mode: read.policy.mode };
  // The file is broken and no good copy exists: the defaults are advisory, but the file may have asked for enforce.
  let text = '';
  try {
    text = readFileSync(read.path, 'utf8');
  } catch {
    // Unreadable: nothing says enforce.
  }
  const problem = `${POLICY_FILE}:${read.error.line}:${read.error.column}: ${read.error.message}`;
  return asksForEnforce(text) ? { policy: { ...read.policy, mode: 'enforce' }, mode: 'enforce', problem } : { policy: read.policy, mode: 'advisory', problem };
}

/** A repository-relative path with forward slashes, or undefined outside the repository. */
function repoPath(repoRoot: string, file: string, cwd?: string): string | undefined {
  const abs = isAbsolute(file) ? file : resolve(cwd ?? repoRoot, file);
  const rel = relative(repoRoot, abs);
  if (!rel || rel.startsWith('..') || isAbsolute(rel)) return undefined;
  return rel.split(sep).join('/');
}

/** Lines an edit adds, as far as the tool call says (content patterns look at them). */
function addedLines(tool: string, input: Json): { line: number; text: string }[] {
  const texts: string[] = [];
  if (tool === 'Write') texts.push(str(input.content) ?? '');
  else if (tool === 'Edit') texts.push(str(input.new_string) ?? '');
  else if (tool === 'MultiEdit' && Array.isArray(input.edits)) for (const e of input.edits) texts.push(str((e as Json | null)?.new_string) ?? '');
  else if (tool === 'NotebookEdit') texts.push(str(input.new_source) ?? '');
  return texts.join('\n').split('\n').slice(0, 2000).map((text, i) => ({ line: i + 1, text }));
}

const quote = (s: string, max = 120): string => (s.length > max ? `${s.slice(0, max - 1)}…` : s);

/** One review in a sentence: "review rev-… of auth: src/auth.ts has 2 open concerns (src/auth.ts:12 Idle sessions never expire; …)". */
export function describeReview(r: GateReview, now: number): string {
  const status = reviewStatusAt(r, now);
  const of = r.subject ? ` of ${quote(r.subject, 80)}` : '';
  const concerns = reviewConcerns(r);
  if (status === 'pending') return `review ${r.id}${of} is pending (no verdict yet)`;
  if (status === 'failed') return `review ${r.id}${of} failed (an engine could not review it; re-run it)`;
  const list = concerns.slice(0, 3).map((c) => `${c.file}${c.line === undefined ? '' : `:${c.line}`} ${quote(c.title, 80)}`).join('; ');
  const more = concerns.length > 3 ? `; ${concerns.length - 3} more` : '';
  return `review ${r.id}${of} has ${concerns.length} open concern${concerns.length === 1 ? '' : 's'}${list ? ` (${list}${more})` : ''}`;
}

function openReviewsText(reviews: GateReview[], more: number, now: number): string {
  const shown = reviews.slice(0, 2).map((r) => describeReview(r, now));
  const rest = reviews.length - shown.length + more;
  return shown.join('; ') + (rest > 0 ? `; and ${rest} more open review${rest === 1 ? '' : 's'}` : '');
}

/** Whether reviews hold a push or a deploy: the reason when they do (or the state cannot say, in enforce mode). */
function reviewGate(gate: 'push' | 'deploy', what: string, ctx: GateContext): GateDecision {
  const enforce = ctx.mode === 'enforce';
  if (enforce && ctx.policyProblem) {
    return { action: 'deny', gate, reason: `Flightdeck (enforce): ${what} is gated and the policy cannot be read (${ctx.policyProblem}); enforce mode fails closed. Ask the owner to fix ${POLICY_FILE}, then retry.` };
  }
  if (!ctx.state.ok) {
    if (!enforce) return { action: 'allow' };
    return { action: 'deny', gate, reason: `Flightdeck (enforce): ${what} is gated and the gate state cannot be read (${ctx.state.why}); enforce mode fails closed. Run \`flightdeck gates\` to rebuild it from the record, then retry.` };
  }
  const state = ctx.state.state;
  const open = openGateReviews(state, ctx.now);
  if (open.length === 0 && state.moreOpen === 0) return { action: 'allow' };
  const override = gateOverride(state, gate, ctx.now);
  if (override) return { action: 'allow' };
  const reviews = openReviewsText(open, state.moreOpen, ctx.now);
  const first = open[0]?.id ?? 'REVIEW';
  if (!enforce) {
    return { action: 'advise', gate, reason: `Flightdeck: ${what} while ${reviews}. The project is in advisory mode, so this is not blocked, but tell the user and address the concerns first (re-run \`flightdeck review\`).` };
  }
  return {
    action: 'deny', gate,
    reason: `Flightdeck (enforce): ${what} is gated: ${reviews}. Fix the concerns and re-run \`flightdeck review\`, or ask the user to mark it resolved or override it: that is theirs to do, in their own terminal (\`flightdeck resolve ${first}\`, \`flightdeck override ${first} --reason "…"\`) or with \`Flightdeck: Override gate…\` in VS Code.`,
  };
}

/**
 * An agent's change to the policy (or the folder it is in): the owner's file, so enforce mode denies it unless the
 * boundary gate is overridden, and advisory mode tells the agent; undefined when it goes on without a word.
 */
function policyChangeGate(what: string, ctx: GateContext): GateDecision | undefined {
  if (ctx.mode !== 'enforce') {
    return { action: 'advise', gate: 'boundary', reason: `Flightdeck: ${what} changes the project's policy (${POLICY_FILE}), which is the owner's to change. The project is in advisory mode, so this is not blocked, but ask the user before changing it.` };
  }
  if (ctx.state.ok && gateOverride(ctx.state.state, 'boundary', ctx.now)) return undefined;
  const unread = ctx.state.ok ? '' : ` (the gate state cannot be read: ${ctx.state.why}, so no override can be seen; enforce mode fails closed)`;
  return {
    action: 'deny', gate: 'boundary',
    reason: `Flightdeck (enforce): ${what} is gated: the project's policy (${POLICY_FILE}) is the owner's, not the agent's, to change${unread}. Ask the user to change it themselves; if they want you to do it, they can override the boundary gate (\`flightdeck override --gate boundary --reason "…"\` in their own terminal, or \`Flightdeck: Override gate…\` in VS Code).`,
  };
}

/** An agent running `flightdeck override`/`resolve`: the owner's decision, given by a person, so enforce mode denies it. */
function personOnlyGate(run: { subcommand: string; gate?: string }, ctx: GateContext): GateDecision {
  const gate: GateName = run.gate !== undefined && isGateName(run.gate) ? run.gate : 'push';
  const what = `\`flightdeck ${run.subcommand}\``;
  const why = `an ${run.subcommand === 'override' ? 'override' : 'override or resolution'} is the owner's decision and must be given by a person: run by an agent, the record would show the user's name on it`;
  if (ctx.mode !== 'enforce') {
    return { action: 'advise', gate, reason: `Flightdeck: ${what}: ${why}. The project is in advisory mode, so this is not blocked, but ask the user to run it themselves.` };
  }
  return {
    action: 'deny', gate,
    reason: `Flightdeck (enforce): ${what} is refused to agents: ${why}. Ask the user to run it in their own terminal (\`flightdeck ${run.subcommand} …\`) or with \`Flightdeck: Override gate…\` in VS Code, if they decide to.`,
  };
}

function decideBash(command: string, ctx: GateContext): GateDecision {
  // The cheap tests first: most commands neither touch the policy, nor push, nor deploy.
  const plain = unquoted(command);
  if (plain.includes('override') || plain.includes('resolve')) {
    const run = personOnlyFlightdeckCommand(command);
    if (run) return personOnlyGate(run, ctx);
  }
  let policyAdvice: GateDecision | undefined;
  if (plain.includes('.flightdeck')) {
    const change = flightdeckFolderChange(command);
    const d = change === undefined ? undefined : policyChangeGate(`\`${quote(change, 80)}\``, ctx);
    if (d?.action === 'deny') return d;
    policyAdvice = d;
  }
  if (plain.includes('push')) {
    const targets = protectedPushTargets(command, ctx.currentBranch(), ctx.policy.protectedBranches);
    if (targets.length) {
      const d = reviewGate('push', `git push to ${targets.join(', ')}`, ctx);
      if (d.action !== 'allow') return d;
    }
  }
  const deploy = deployCommand(command);
  const decided = deploy ? reviewGate('deploy', `a deploy (\`${deploy}\`)`, ctx) : undefined;
  if (decided && decided.action !== 'allow') return decided;
  return policyAdvice ?? (deploy ? { action: 'allow', deploy } : { action: 'allow' });
}

function decideEdit(tool: string, input: Json, cwd: string | undefined, ctx: GateContext): GateDecision {
  const file = str(input[EDIT_TOOLS[tool] as string]);
  const path = file === undefined ? undefined : repoPath(ctx.repoRoot, file, cwd);
  if (!path) return { action: 'allow' };
  // Compared without case: on macOS and Windows `.Flightdeck/Policy.json` is the same file.
  if (path.toLowerCase() === POLICY_FILE) {
    const d = policyChangeGate(`editing ${path}`, ctx);
    if (d) return d;
  }
  const enforce = ctx.mode === 'enforce';
  if (!ctx.state.ok && enforce) {
    return { action: 'deny', gate: 'boundary', reason: `Flightdeck (enforce): editing ${path} is gated and the task's boundary cannot be read (${ctx.state.why}); enforce mode fails closed. Run \`flightdeck gates\` to rebuild the gate state, then retry.` };
  }
  const task = ctx.state.ok ? ctx.state.state.task : undefined;
  const violations = task ? boundaryViolations([path], task) : [];
  if (violations.length && task && ctx.state.ok && !gateOverride(ctx.state.state, 'boundary', ctx.now)) {
    const why = violations.map((v) => v.slice(path.length + 2)).join('; ');
    const intent = task.intent ? ` The task: "${quote(task.intent)}".` : '';
    if (enforce) {
      return { action: 'deny', gate: 'boundary', reason: `Flightdeck (enforce): editing ${path} is gated: the task's boundary forbids it (${why}).${intent} Leave this file alone and do the task within its boundary, or ask the user to change the task or to override the boundary gate themselves (\`flightdeck override --gate boundary --reason "…"\` in their own terminal).` };
    }
    return { action: 'advise', gate: 'boundary', reason: `Flightdeck: ${path} is outside the task's boundary (${why}).${intent} Stay within the boundary, or ask the user before changing this file.` };
  }
  // Loaded on an edit only: a Bash decision (most tool calls) neither loads nor runs the classifier and its word tables.
  const { compilePolicyForFewFiles, riskOf } = require('../risk/classify') as typeof Classify;
  const risky = riskOf(compilePolicyForFewFiles(ctx.policy), { path, change: 'modified', added: addedLines(tool, input) });
  if (!risky) return { action: 'allow' };
  const rules = risky.matches.slice(0, 3).map((m) => `${m.category}: ${quote(m.rule, 60)}`).join('; ');
  const then = enforce ? ' Pushes to protected branches wait until that review passes or is overridden.' : '';
  return {
    action: 'advise',
    reason: `Flightdeck: ${path} is risky (${rules}). A change here gets a second-eye review against the task's intent: keep it to what the task needs, cover it with a test, and run \`flightdeck review\` when done.${then}`,
  };
}

/** The decision for a PreToolUse call. */
export function decidePreToolUse(tool: string, input: Json, cwd: string | undefined, ctx: GateContext): GateDecision {
  if (tool === 'Bash') return decideBash(str(input.command) ?? '', ctx);
  if (tool in EDIT_TOOLS) return decideEdit(tool, input, cwd, ctx);
  return { action: 'allow' };
}

/** After an edit: open concerns on the file just changed, so the agent can address them in the same session. */
export function advisePostToolUse(tool: string, input: Json, cwd: string | undefined, ctx: GateContext): GateDecision {
  if (!(tool in EDIT_TOOLS) || !ctx.state.ok) return { action: 'allow' };
  const file = str(input[EDIT_TOOLS[tool] as string]);
  const path = file === undefined ? undefined : repoPath(ctx.repoRoot, file, cwd);
  if (!path) return { action: 'allow' };
  for (const r of openGateReviews(ctx.state.state, ctx.now)) {
    const here = reviewConcerns(r).filter((c) => c.file === path);
    if (here.length === 0) continue;
    const list = here.slice(0, 5).map((c) => `[${c.severity}]${c.line === undefined ? '' : ` line ${c.line}:`} ${quote(c.title)}`).join('; ');
    return { action: 'advise', reason: `Flightdeck: review ${r.id} has open concerns on ${path}: ${list}. Address them, then re-run \`flightdeck review\`.` };
  }
  return { action: 'allow' };
}
