import type { NewEvent } from '../record/events';
import { redactText, redactValue } from './redact';
import { classifyResult, defaultClassifier, toolCallEvent, type CheckClassifier } from './transcript';

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** The Claude Code hook events Flightdeck installs and records. */
export const HOOK_EVENTS = [
  'SessionStart', 'UserPromptSubmit', 'PreToolUse', 'PostToolUse', 'PostToolUseFailure', 'Stop', 'SessionEnd',
] as const;

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

/**
 * Turns one hook payload into record events. Tool events use the same ids as the transcript's
 * (`tool:<tool_use_id>`, `tool-result:<tool_use_id>`), so a call seen by both is recorded once.
 */
/** What the hook process knows of git at the moment of the event (read from files, without a git process). */
export interface HookGit {
  head?: string;
  /** Only worth a git process at session start. */
  dirty?: boolean;
}

export function hookEvents(
  eventName: string,
  payload: unknown,
  at = Date.now(),
  classify: CheckClassifier = defaultClassifier,
  git: HookGit = {},
): NewEvent[] {
  if (!isObj(payload)) {
    return [{ kind: 'hook.malformed', at, source: 'claude-hook', data: { hook: eventName, text: redactText(String(payload).slice(0, 2000)) } }];
  }
  const session = str(payload.session_id);
  const cwd = str(payload.cwd);
  const base = { session: session ?? 'unknown', at, source: 'claude-hook' };
  const seen: NewEvent = {
    ...base,
    id: `hook:${session}:${eventName}:${at}:${digest(JSON.stringify(payload))}`,
    kind: 'hook.received',
    data: { hook: eventName, transcriptPath: str(payload.transcript_path), cwd, permissionMode: str(payload.permission_mode) },
  };
  const out: NewEvent[] = [seen];
  const toolUseId = str(payload.tool_use_id);
  const tool = str(payload.tool_name);
  const input = isObj(payload.tool_input) ? payload.tool_input : {};
  switch (eventName) {
    case 'SessionStart':
      out.push({
        ...base,
        id: `hook-session:${session}:${str(payload.source) ?? 'startup'}:${at}`,
        kind: 'session.started',
        data: { agent: 'claude-code', cwd, startCommit: git.head, dirty: git.dirty },
      });
      break;
    case 'UserPromptSubmit':
      seen.data.prompt = redactText(str(payload.prompt) ?? '');
      break;
    case 'PreToolUse':
      if (toolUseId && tool) out.push(toolCallEvent(toolUseId, tool, input, base, cwd, classify));
      break;
    case 'PostToolUse':
    case 'PostToolUseFailure': {
      if (!toolUseId || !tool) break;
      const call = toolCallEvent(toolUseId, tool, input, base, cwd, classify);
      const failed = eventName === 'PostToolUseFailure';
      const result = failed
        ? classifyResult(true, str(payload.error) ?? '', payload.is_interrupt === true)
        : { outcome: 'ok' as const, exitCode: tool === 'Bash' && input.run_in_background !== true ? 0 : undefined };
      const response = isObj(payload.tool_response) ? payload.tool_response : {};
      const data: Json = { ...call.data, ...result };
      if (typeof payload.duration_ms === 'number') data.durationMs = payload.duration_ms;
      if (git.head && data.check) data.commit = git.head; // the exact tree a check ran on
      if (response.type === 'create') data.created = true;
      if (failed) data.output = redactText((str(payload.error) ?? '').slice(0, 2000));
      out.push({ ...base, id: `tool-result:${toolUseId}`, kind: 'tool.result', data });
      break;
    }
    case 'SessionEnd':
      out.push({ ...base, id: `hook-end:${session}:${at}`, kind: 'session.ended', data: { reason: str(payload.reason) } });
      break;
    default:
      seen.data.payload = redactValue(payload);
  }
  return out;
}
