import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { readCheckRules } from '../core/capture/checkRules';
import { classifyCheck } from '../core/capture/classify';
import { hookEvents, type HookGit } from '../core/capture/hook';
import { completeEvent } from '../core/record/events';
import { JournalWriter } from '../core/record/journal';
import { workingTree } from '../core/capture/workingTree';
import { locateRecord, readHead } from '../core/record/location';
import { parseCliArgs, UsageError, type CliArgs } from './args';

// `flightdeck hook`: run by Claude Code on every tool call, so it is bundled on its own (dist/cli-hook.js)
// with only what it needs: no database, no git library.

type Out = (text: string) => void;

/** Hook events that carry a tool call: the ones that classify checks. */
const TOOL_EVENTS = new Set(['PreToolUse', 'PostToolUse', 'PostToolUseFailure']);
/** Hook events that record HEAD: a session's starting commit and branch, the commit a check ran on, the end commit. */
const HEAD_EVENTS = new Set(['SessionStart', 'PostToolUse', 'PostToolUseFailure', 'Stop', 'SessionEnd']);

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
export function hook(args: CliArgs, err: Out, stdin: () => string = () => readFileSync(0, 'utf8')): number {
  const [eventName] = args.positionals;
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
    mkdirSync(location.dir, { recursive: true });
    // Read only for the events that record them: this runs on every tool call.
    const repoRoot = location.repoRoot;
    const head = repoRoot && HEAD_EVENTS.has(eventName) ? readHead(repoRoot) : {};
    const git: HookGit = { head: head.commit, branch: head.branch };
    if (eventName === 'SessionStart' && repoRoot) git.dirty = treeIsDirty(repoRoot);
    if (repoRoot && TOOL_EVENTS.has(eventName)) git.tree = () => workingTree(repoRoot);
    const writer = new JournalWriter(location.dir);
    try {
      const rules = TOOL_EVENTS.has(eventName) ? readCheckRules(location.dir) : [];
      const classify = (command: string) => classifyCheck(command, rules)?.kind;
      writer.append(hookEvents(eventName, payload, Date.now(), classify, git).map(completeEvent));
    } finally {
      writer.close();
    }
  } catch (e) {
    err(`flightdeck hook: ${(e as Error).message} (the agent was not blocked)`);
  }
  return 0;
}

/** The bin's entry for `flightdeck hook …`. */
export function runHook(argv: string[], cwd: string, err: Out): number {
  try {
    return hook(parseCliArgs(argv, cwd), err);
  } catch (e) {
    err(`flightdeck hook: ${(e as Error).message} (the agent was not blocked)`);
    return 0;
  }
}
