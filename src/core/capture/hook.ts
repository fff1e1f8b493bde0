import type { NewEvent } from '../record/events';
import { planAndWeakening, weakeningEvent, writeTexts } from './planCapture';
import { redactText, redactValue } from './redact';
import { classifyResult, defaultClassifier, realPrompt, succeededBash, toolCallEvent, type CheckClassifier } from './transcript';

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** The Claude Code hook events Flightdeck installs and records. */
export const HOOK_EVENTS = [
  'SessionStart', 'UserPromptSubmit', 'PreToolUse', 'PostToolUse', 'PostToolUseFailure', 'Stop', 'SessionEnd',
] as const;

const TOOL_HOOKS = new Set(['PreToolUse', 'PostToolUse', 'PostToolUseFailure']);

/** Names a payload, so the same delivery twice is one event: two 32-bit FNV-1a style hashes (no secrecy needed). */
function digest(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x9747b28c;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
  }
  return (a >>> 0).toString(36).padStart(7, '0') + (b >>> 0).toString(36).padStart(7, '0');
}

/** What the hook process knows of git at the moment of the event (read from files, without a git process). */
export interface HookGit {
  head?: string;
  branch?: string;
  /** Only worth a git process at session start. */
  dirty?: boolean;
  /** The working tree a check ran on: asked of git only when a check finished. */
  tree?: (() => { tree: string; dirty: boolean } | undefined);
}

/** Which agent ran a hook: Codex's hooks speak Claude Code's payloads, so one reader serves both. */
export type HookAgent = 'claude-code' | 'codex';

/**
 * Turns one hook payload into record events. Tool events use the same ids as the transcript's
 * (`tool:<tool_use_id>`, `tool-result:<tool_use_id>`), so a call seen by both is recorded once.
 * Claude Code 1.0.x sends no `tool_use_id`: such calls are recorded from PostToolUse alone, under an id of their own.
 * Codex's tool calls are left to its rollout (which has their results too): its hooks add the prompt, turn ends
 * and gate decisions as they happen.
 */
export function hookEvents(
  eventName: string,
  payload: unknown,
  at = Date.now(),
  classify: CheckClassifier = defaultClassifier,
  git: HookGit = {},
  agent: HookAgent = 'claude-code',
): NewEvent[] {
  const source = agent === 'codex' ? 'codex-hook' : 'claude-hook';
  if (!isObj(payload)) {
    return [{ kind: 'hook.malformed', at, source, data: { hook: eventName, text: redactText(String(payload).slice(0, 2000)) } }];
  }
  const session = str(payload.session_id);
  const cwd = str(payload.cwd);
  const base = { session: session ?? 'unknown', at, source };
  const seen: NewEvent = {
    ...base,
    id: `hook:${session}:${eventName}:${at}:${digest(JSON.stringify(payload))}`,
    kind: 'hook.received',
    data: { hook: eventName, transcriptPath: str(payload.transcript_path), cwd, permissionMode: str(payload.permission_mode) },
  };
  if (agent === 'codex') seen.data.agent = 'codex';
  const out: NewEvent[] = [seen];
  const tool = str(payload.tool_name);
  const input = isObj(payload.tool_input) ? payload.tool_input : {};
  const givenId = str(payload.tool_use_id);
  // Without an id, Pre and Post cannot be joined: the call is recorded once, from its PostToolUse.
  const toolUseId = givenId ?? (eventName.startsWith('PostToolUse') ? `hook-${digest(`${session}:${tool}:${JSON.stringify(input)}:${at}`)}` : undefined);
  if (agent === 'codex' && TOOL_HOOKS.has(eventName)) {
    seen.data.tool = tool;
    if (typeof input.command === 'string') seen.data.command = redactText(input.command);
    return out;
  }
  switch (eventName) {
    case 'SessionStart':
      out.push({
        ...base,
        id: `hook-session:${session}:${str(payload.source) ?? 'startup'}:${at}`,
        kind: 'session.started',
        data: { agent, cwd, startCommit: git.head, branch: git.branch, dirty: git.dirty, model: str(payload.model) },
      });
      break;
    case 'UserPromptSubmit': {
      const prompt = str(payload.prompt) ?? '';
      seen.data.prompt = redactText(prompt);
      if (realPrompt(prompt) !== undefined) seen.data.isPrompt = true;
      break;
    }
    case 'PreToolUse':
      if (givenId && tool) out.push(toolCallEvent(givenId, tool, input, base, cwd, classify), ...planAndWeakening(givenId, tool, input, base, classify));
      break;
    case 'PostToolUse':
    case 'PostToolUseFailure': {
      if (!toolUseId || !tool) break;
      const call = toolCallEvent(toolUseId, tool, input, base, cwd, classify);
      if (!givenId) out.push({ ...call, at: at - (typeof payload.duration_ms === 'number' ? payload.duration_ms : 0) });
      const failed = eventName === 'PostToolUseFailure';
      const response = isObj(payload.tool_response) ? payload.tool_response : {};
      const result = failed
        ? classifyResult(true, str(payload.error) ?? '', payload.is_interrupt === true)
        : tool === 'Bash' && input.run_in_background !== true ? succeededBash(response.returnCodeInterpretation) : { outcome: 'ok' as const };
      const data: Json = { ...call.data, ...result };
      if (typeof payload.duration_ms === 'number') data.durationMs = payload.duration_ms;
      if (data.check) {
        // The exact tree a check ran on: HEAD, and the working tree's own id when it held changes.
        if (git.head) data.commit = git.head;
        const tree = git.tree?.();
        if (tree) {
          data.tree = tree.tree;
          data.dirty = tree.dirty;
        }
      }
      if (response.type === 'create') data.created = true;
      if (failed) data.output = redactText((str(payload.error) ?? '').slice(0, 2000));
      out.push({ ...base, id: `tool-result:${toolUseId}`, kind: 'tool.result', data });
      // The plan and weakened edits again (the same ids as PreToolUse's), in case PreToolUse was not delivered.
      if (!failed) out.push(...planAndWeakening(toolUseId, tool, input, base, classify));
      const written = failed ? undefined : writeTexts(tool, response);
      const weak = written && weakeningEvent(toolUseId, tool, input, base, classify, written);
      if (weak) out.push(weak);
      break;
    }
    case 'Stop':
      // The end of a turn: HEAD now is the session's end commit until a later turn moves it.
      if (git.head) seen.data.head = git.head;
      break;
    case 'SessionEnd':
      out.push({ ...base, id: `hook-end:${session}:${at}`, kind: 'session.ended', data: { reason: str(payload.reason), endCommit: git.head } });
      break;
    default:
      seen.data.payload = redactValue(payload);
  }
  return out;
}
