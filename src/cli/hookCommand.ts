import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { readCheckRules } from '../core/capture/checkRules';
import { classifyCheck } from '../core/capture/classify';
import { hookEvents, type HookAgent, type HookGit } from '../core/capture/hook';
import { advisePostToolUse, decidePreToolUse, gatePolicy, type GateContext, type GateDecision } from '../core/gates/decide';
import { concernNews, readTold, writeTold } from '../core/gates/concernNews';
import { EDIT_TOOLS } from '../core/gates/editTools';
import { gateOverride, readGateState, type GateStateRead } from '../core/gates/state';
import { completeEvent, type NewEvent } from '../core/record/events';
import { JournalWriter } from '../core/record/journal';
import { workingTree } from '../core/capture/workingTree';
import { locateRecord, readHead } from '../core/record/location';
import { memoryFor, readMemoryFile } from '../core/report/memoryFile';
import { parseHookArgs, UsageError, type CliArgs } from './args';
import { writeFd } from './fdWrite';
import { unreviewedDeployDecision } from './hookDeployCheck';
import { unreviewedPushDecision } from './hookPushCheck';

// `flightdeck hook`: run by Claude Code on every tool call, so it is bundled on its own (dist/cli-hook.js)
// with only what it needs: no database, no git library.

type Out = (text: string) => void;

/** Hook events that carry a tool call: the ones that classify checks. */
const TOOL_EVENTS = new Set(['PreToolUse', 'PostToolUse', 'PostToolUseFailure']);
/** Hook events that record HEAD: a session's starting commit and branch, the commit a check ran on, the end commit. */
const HEAD_EVENTS = new Set(['SessionStart', 'PostToolUse', 'PostToolUseFailure', 'Stop', 'SessionEnd']);

/** The gate's word on a tool call; in enforce mode a failure to decide is a denial (fail closed). */
function gateDecision(eventName: string, payload: unknown, recordDir: string, repoRoot: string, gateState: () => GateStateRead): GateDecision {
  if (typeof payload !== 'object' || payload === null) return { action: 'allow' };
  const p = payload as { tool_name?: unknown; tool_input?: unknown; cwd?: unknown };
  const tool = typeof p.tool_name === 'string' ? p.tool_name : '';
  if (tool !== 'Bash' && !(tool in EDIT_TOOLS)) return { action: 'allow' };
  if (eventName === 'PostToolUse' && tool === 'Bash') return { action: 'allow' };
  const input = typeof p.tool_input === 'object' && p.tool_input !== null ? (p.tool_input as Record<string, unknown>) : {};
  const cwd = typeof p.cwd === 'string' ? p.cwd : undefined;
  const { policy, mode, problem } = gatePolicy(repoRoot, recordDir);
  try {
    const now = Date.now();
    const ctx: GateContext = {
      repoRoot, mode, policy, policyProblem: problem, now, state: gateState(), currentBranch: () => readHead(repoRoot).branch,
    };
    if (eventName !== 'PreToolUse') return advisePostToolUse(tool, input, cwd, ctx);
    const decided = decidePreToolUse(tool, input, cwd, ctx);
    if (decided.action !== 'allow' || tool !== 'Bash' || typeof input.command !== 'string') return decided;
    const push = unreviewedPushDecision(input.command, repoRoot, ctx.currentBranch(), policy.protectedBranches, mode);
    if (push) return push;
    // An override of the deploy gate lets every deploy go: no process to start for it.
    if (!decided.deploy || (ctx.state.ok && gateOverride(ctx.state.state, 'deploy', now))) return decided;
    return unreviewedDeployDecision(decided.deploy, repoRoot, mode) ?? decided;
  } catch (e) {
    if (mode !== 'enforce' || eventName !== 'PreToolUse') return { action: 'allow' };
    return { action: 'deny', gate: tool === 'Bash' ? 'deploy' : 'boundary', reason: `Flightdeck (enforce): could not decide whether this call is gated (${(e as Error).message}); enforce mode fails closed.` };
  }
}

/** Concerns a review raised on the session's change since the agent last heard (all still open, on a new prompt). */
function concernsToTell(eventName: string, payload: unknown, recordDir: string, gateState: () => GateStateRead): GateDecision {
  try {
    const session = typeof payload === 'object' && payload !== null ? (payload as { session_id?: unknown }).session_id : undefined;
    const now = Date.now();
    const read = gateState();
    if (!read.ok) return { action: 'allow' };
    const told = readTold(recordDir);
    const news = concernNews(read.state, typeof session === 'string' ? session : undefined, now, told, eventName === 'UserPromptSubmit');
    if (!news) return { action: 'allow' };
    writeTold(recordDir, news.told);
    return { action: 'advise', reason: news.text };
  } catch {
    return { action: 'allow' }; // telling is a courtesy: never a reason to fail the hook
  }
}

/** The decision as a record event: who was told or refused what. */
function decisionEvent(d: GateDecision, eventName: string, payload: unknown, at: number, agent: HookAgent): NewEvent | undefined {
  if (d.action === 'allow') return undefined;
  const p = payload as { session_id?: unknown; tool_name?: unknown; tool_use_id?: unknown };
  return {
    kind: d.action === 'deny' ? 'gate.denied' : 'gate.advised', at, source: agent === 'codex' ? 'codex-hook' : 'claude-hook',
    session: typeof p.session_id === 'string' ? p.session_id : undefined,
    data: { hook: eventName, gate: d.gate, tool: p.tool_name, toolUseId: p.tool_use_id, reason: d.reason },
  };
}

/** Whether tracked files have uncommitted changes; unknown (undefined) when git cannot say in time. */
function treeIsDirty(repoRoot: string): boolean | undefined {
  try {
    // Loaded here, not at the top: only SessionStart asks git, and every hook call pays for what loads.
    const { execFileSync } = require('node:child_process') as typeof import('node:child_process');
    return execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: repoRoot, encoding: 'utf8', timeout: 2000 }).trim().length > 0;
  } catch {
    return undefined;
  }
}

/**
 * Called by Claude Code for each hook event, with JSON on stdin. Records durably and returns fast;
 * in advisory mode it never blocks the agent, not even on its own errors (it exits 0 and says why on stderr).
 */
export function hook(
  args: CliArgs,
  err: Out,
  stdin: () => string = () => readFileSync(0, 'utf8'),
  // Written to the descriptor directly: creating process.stdout loads node's streams.
  out: Out = (text) => writeFd(1, text),
): number {
  const [eventName] = args.positionals;
  // Set in the command Connect Codex writes (connect.ts): Codex's hooks send Claude Code's payloads.
  const agent: HookAgent = process.env.FLIGHTDECK_AGENT === 'codex' ? 'codex' : 'claude-code';
  let decision: GateDecision = { action: 'allow' };
  let handOff = '';
  try {
    if (!eventName) throw new UsageError('hook wants the event name, e.g. flightdeck hook PreToolUse');
    const text = stdin();
    let payload: unknown;
    try {
      payload = JSON.parse(text);
    } catch {
      payload = text;
    }
    const cwd = (typeof payload === 'object' && payload !== null && typeof (payload as { cwd?: unknown }).cwd === 'string'
      ? (payload as { cwd: string }).cwd
      : undefined) ?? process.env.CLAUDE_PROJECT_DIR ?? args.repo;
    const location = locateRecord(existsSync(cwd) ? cwd : args.repo);
    if (!location) return 0; // Not a repository: nothing to record into without VS Code.
    // Codex's hooks are the user's, for every folder: a repository that keeps no record does not get one from them.
    if (agent === 'codex' && !existsSync(location.dir)) return 0;
    // Decided before anything is written: a record that cannot be written to still gets its gates.
    // Read once, when first asked: the gate decision and the concerns told after an edit look at the same state.
    let state: GateStateRead | undefined;
    const gateState = (): GateStateRead => (state ??= readGateState(location.dir, Date.now()));
    if (location.repoRoot && (eventName === 'PreToolUse' || eventName === 'PostToolUse')) {
      decision = gateDecision(eventName, payload, location.dir, location.repoRoot, gateState);
    }
    if (location.repoRoot && decision.action === 'allow' && (eventName === 'PostToolUse' || eventName === 'UserPromptSubmit')) {
      decision = concernsToTell(eventName, payload, location.dir, gateState);
    }
    mkdirSync(location.dir, { recursive: true });
    // Read only for the events that record them: this runs on every tool call.
    const repoRoot = location.repoRoot;
    const head = repoRoot && HEAD_EVENTS.has(eventName) ? readHead(repoRoot) : {};
    const git: HookGit = { head: head.commit, branch: head.branch };
    // What earlier sessions left for this one: built ahead of time beside the record (memoryWriter.ts), only read here.
    if (eventName === 'SessionStart') {
      const memory = readMemoryFile(location.dir);
      if (memory) handOff = memoryFor(memory, head.branch);
    }
    if (eventName === 'SessionStart' && repoRoot) git.dirty = treeIsDirty(repoRoot);
    if (repoRoot && TOOL_EVENTS.has(eventName)) git.tree = () => workingTree(repoRoot);
    const at = Date.now();
    const writer = new JournalWriter(location.dir);
    try {
      const rules = TOOL_EVENTS.has(eventName) ? readCheckRules(location.dir) : [];
      const classify = (command: string) => classifyCheck(command, rules)?.kind;
      const events = hookEvents(eventName, payload, at, classify, git, agent);
      const told = decisionEvent(decision, eventName, payload, at, agent);
      if (told) events.push(told);
      writer.append(events.map(completeEvent));
    } finally {
      writer.close();
    }
  } catch (e) {
    // A gated call stays denied even when recording it failed; anything else is never blocked by our errors.
    if (decision.action !== 'deny') err(`flightdeck hook: ${(e as Error).message} (the agent was not blocked)`);
  }
  if (decision.action === 'deny') {
    // Exit 2: Claude Code (and Codex) does not run the call and shows stderr to the agent.
    err(decision.reason);
    return 2;
  }
  if (decision.action === 'advise') {
    // Context the agent reads, without a permission decision: the user's own permission flow is untouched.
    out(JSON.stringify({ hookSpecificOutput: { hookEventName: eventName, additionalContext: decision.reason } }));
  } else if (handOff) {
    out(JSON.stringify({ hookSpecificOutput: { hookEventName: eventName, additionalContext: handOff } }));
  }
  return 0;
}

/** The bin's entry for `flightdeck hook …`. */
export function runHook(argv: string[], cwd: string, err: Out, stdin?: () => string): number {
  try {
    return hook(parseHookArgs(argv, cwd), err, stdin);
  } catch (e) {
    err(`flightdeck hook: ${(e as Error).message} (the agent was not blocked)`);
    return 0;
  }
}
