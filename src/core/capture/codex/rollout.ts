import { statSync } from 'node:fs';
import type { NewEvent } from '../../record/events';
import { redactText } from '../redact';
import { clip, defaultClassifier, parseJsonLine, sessionEvent, shellWrites, type Base, type CheckClassifier, type TranscriptStats } from '../transcript';
import type { FormatContext, TranscriptFormat } from '../transcriptFormat';
import { commitPlacer } from './commits';
import { patchedFiles, patchInCommand, type PatchedFile } from './patch';

// Codex CLI rollouts ($CODEX_HOME/sessions/YYYY/MM/DD/rollout-<time>-<uuid>.jsonl), two shapes:
// - since ~0.3x: `{timestamp, type: session_meta|response_item|event_msg|turn_context|compacted|…, payload}`
// - before: a first line `{id, timestamp, instructions, git?}`, then bare response items and `{record_type: "state"}`
//   lines, with no time per line and (up to at least 0.20) no working directory at all.

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

interface PendingCall {
  tool: string;
  at: number;
  command?: string;
  check?: string;
  writes?: PatchedFile[];
  /** From an exec end event, which comes before the output item. */
  exitCode?: number;
  durationMs?: number;
  patchFailed?: boolean;
}

/** A command Codex left running (unified exec) whose end a later write_stdin or item says. */
interface RunningCall extends PendingCall {
  callId: string;
}

const UUID = /([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.jsonl$/i;

/**
 * What one rollout file has said so far: Codex names the session, its folder and git state once, on the
 * first line, so later lines (and an import resumed mid-file, see `resume`) rely on it.
 */
export class RolloutContext implements FormatContext {
  readonly stats: TranscriptStats = { lines: 0, entries: 0, events: 0, malformed: 0, skippedTypes: {}, otherWorkspace: 0 };
  readonly startedSessions = new Set<string>();
  readonly pending = new Map<string, PendingCall>();
  /** Calls that make no event of their own (write_stdin): their outputs make none either. */
  readonly ignored = new Set<string>();
  /** Commands still running, by the unified-exec session id Codex gave them. */
  readonly running = new Map<string, RunningCall>();
  /** write_stdin calls, by call id: the unified-exec session each one continues. */
  readonly stdinOf = new Map<string, string>();
  session: string | undefined;
  startedAt = 0;
  cwd: string | undefined;
  /** The workspace root once the session is placed; null when it is placed elsewhere. */
  root: string | null | undefined;
  version: string | undefined;
  branch: string | undefined;
  commit: string | undefined;
  model: string | undefined;
  announcedModel: string | undefined;
  prompted = false;
  legacy = false;
  private span: { size: number; end: number } | undefined;

  constructor(
    readonly rootOf: (cwd: string) => string | undefined = (cwd) => cwd,
    readonly classify: CheckClassifier = defaultClassifier,
    readonly file = '',
    /** Places a rollout that names no folder (older Codex) by its starting commit: the root holding it, if any. */
    readonly rootOfCommit?: (sha: string) => string | undefined,
  ) {
    this.session = UUID.exec(file)?.[1];
  }

  skip(type: string): void {
    this.stats.skippedTypes[type] = (this.stats.skippedTypes[type] ?? 0) + 1;
  }

  /**
   * Older rollouts carry no time per line: each line is placed between the session's start and the file's
   * last write in proportion to its byte offset, which keeps their order and roughly their pace.
   */
  legacyTime(offset: number): number {
    if (!this.span) {
      try {
        const st = statSync(this.file);
        this.span = { size: Math.max(1, st.size), end: Math.max(st.mtimeMs, this.startedAt) };
      } catch {
        this.span = { size: 1, end: this.startedAt };
      }
    }
    return Math.round(this.startedAt + ((this.span.end - this.startedAt) * Math.min(offset, this.span.size)) / this.span.size);
  }
}

/** Texts Codex puts in the conversation as a user message that a person did not type. */
const INJECTED = /^(<(environment_context|user_instructions|INSTRUCTIONS|permissions instructions|skills_instructions|user_shell_command|turn_aborted|subagent_notification|collaboration_mode|apps_instructions|model_switch|personality_spec)\b|# AGENTS\.md instructions)/;

function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((b) => (isObj(b) && typeof b.text === 'string' ? b.text : '')).filter(Boolean).join('\n');
}

/** A shell command's argv as the line a person would type: `bash -lc SCRIPT` is SCRIPT. */
export function commandLine(argv: readonly string[]): string {
  const [sh, flag, script] = argv;
  if (argv.length === 3 && typeof script === 'string' && /(^|\/)(ba|z|da)?sh$/.test(sh ?? '') && (flag === '-lc' || flag === '-c')) return script;
  return argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

interface Parsed {
  exitCode?: number;
  durationMs?: number;
  body: string;
  running?: boolean;
}

/** What a tool output says of how it ended: JSON with metadata (older), or Codex's text headers (newer). */
export function readOutput(text: string): Parsed {
  if (text.startsWith('{')) {
    try {
      const o: unknown = JSON.parse(text);
      if (isObj(o) && isObj(o.metadata)) {
        const seconds = num(o.metadata.duration_seconds);
        return { exitCode: num(o.metadata.exit_code), durationMs: seconds === undefined ? undefined : Math.round(seconds * 1000), body: str(o.output) ?? '' };
      }
    } catch {
      // Not JSON after all: read it as text.
    }
  }
  const head = text.slice(0, 400);
  const code = /^(?:Exit code: |Process exited with code )(-?\d+)\s*$/m.exec(head);
  const wall = /^Wall time: ([\d.]+) seconds?\s*$/m.exec(head);
  const at = text.indexOf('\nOutput:\n');
  const body = code || wall ? (at === -1 ? '' : text.slice(at + '\nOutput:\n'.length)) : text;
  return {
    exitCode: code?.[1] === undefined ? undefined : Number(code[1]),
    durationMs: wall?.[1] === undefined ? undefined : Math.round(Number(wall[1]) * 1000),
    body,
    running: !code && /^Process running with session ID/m.test(head),
  };
}

function outputText(output: unknown): { text: string; success?: boolean } {
  if (typeof output === 'string') return { text: output };
  if (Array.isArray(output)) return { text: contentText(output) };
  if (isObj(output)) {
    const success = typeof output.success === 'boolean' ? output.success : undefined;
    return { text: typeof output.content === 'string' ? output.content : contentText(output.content ?? output.body), success };
  }
  return { text: '' };
}

function durationOf(d: unknown): number | undefined {
  if (isObj(d)) return Math.round((num(d.secs) ?? 0) * 1000 + (num(d.nanos) ?? 0) / 1e6);
  return num(d);
}

const REJECTED = /^(exec command|patch) rejected by user\b/;
const DENIED = /rejected by user approval settings|^(exec command|command) (was )?(blocked|forbidden)/i;

export function parseRolloutLine(line: string, ctx: RolloutContext, offset: number): NewEvent[] {
  return parseJsonLine(line, ctx.stats, (entry) => parseRolloutEntry(entry, ctx, offset));
}

/** One rollout line's events, with ids made from Codex's session id and its call ids (or the line's offset). */
export function parseRolloutEntry(entry: Json, ctx: RolloutContext, offset: number): NewEvent[] {
  const type = str(entry.type);
  if (type !== undefined && isObj(entry.payload) && typeof entry.timestamp === 'string') {
    const at = Date.parse(entry.timestamp) || Date.now();
    const payload = entry.payload;
    if (type === 'session_meta') return meta(payload, ctx, at);
    if (type === 'turn_context') return turnContext(payload, ctx, at);
    if (type === 'response_item') return placed(ctx) ? responseItem(payload, ctx, at, offset) : elsewhere(ctx);
    if (type === 'event_msg') return placed(ctx) ? eventMsg(payload, ctx, at) : elsewhere(ctx);
    ctx.skip(type); // compacted, world_state, token_usage_record (token_count says the same), newer kinds
    return [];
  }
  // Older rollouts: the first line is the session, the rest bare response items and state lines.
  if (type === undefined && typeof entry.id === 'string' && typeof entry.timestamp === 'string' && entry.record_type === undefined) {
    ctx.legacy = true;
    return meta(entry, ctx, Date.parse(entry.timestamp) || Date.now());
  }
  if (entry.record_type !== undefined || type === undefined) {
    ctx.skip(str(entry.record_type) ?? 'unknown');
    return [];
  }
  ctx.legacy = true;
  const at = ctx.legacyTime(offset);
  // Some older versions named the folder only in an injected <environment_context> message.
  if (ctx.root === undefined && type === 'message' && entry.role === 'user') placeBy(ctx, envCwd(contentText(entry.content)), at);
  return placed(ctx) ? responseItem(entry, ctx, at, offset) : elsewhere(ctx);
}

function placed(ctx: RolloutContext): boolean {
  return typeof ctx.root === 'string' && ctx.session !== undefined;
}

function elsewhere(ctx: RolloutContext): NewEvent[] {
  ctx.stats.otherWorkspace++;
  return [];
}

const envCwd = (text: string): string | undefined => (text.startsWith('<environment_context>') ? /<cwd>([^<]+)<\/cwd>/.exec(text)?.[1] : undefined);

function base(ctx: RolloutContext, at: number): Base {
  return { session: ctx.session ?? '', at, source: 'codex-rollout' };
}

/** Learns the session from its first line; `emit` is false when resuming mid-file (it was recorded then). */
function meta(p: Json, ctx: RolloutContext, at: number, emit = true): NewEvent[] {
  ctx.session = str(p.id) ?? str(p.session_id) ?? ctx.session;
  ctx.startedAt = Date.parse(str(p.timestamp) ?? '') || at;
  ctx.version = str(p.cli_version) ?? ctx.version;
  const git = isObj(p.git) ? p.git : {};
  ctx.branch = str(git.branch) || undefined;
  ctx.commit = str(git.commit_hash) || undefined;
  const cwd = str(p.cwd);
  if (cwd !== undefined) return placeBy(ctx, cwd, ctx.startedAt, emit);
  // No folder (older Codex): the commit it started at says whether it worked in this repository.
  const root = ctx.commit ? ctx.rootOfCommit?.(ctx.commit) : undefined;
  if (root !== undefined) {
    ctx.root = root;
    return emit ? started(ctx, ctx.startedAt) : [];
  }
  return [];
}

function placeBy(ctx: RolloutContext, cwd: string | undefined, at: number, emit = true): NewEvent[] {
  if (cwd === undefined) return [];
  ctx.cwd = cwd;
  ctx.root = ctx.rootOf(cwd) ?? null;
  if (ctx.root === null) {
    ctx.stats.otherWorkspace++;
    return [];
  }
  return emit ? started(ctx, Math.min(at, ctx.startedAt || at)) : [];
}

function started(ctx: RolloutContext, at: number): NewEvent[] {
  if (!ctx.session) return [];
  ctx.stats.entries++;
  ctx.startedSessions.add(ctx.session);
  return [sessionEvent(base(ctx, at), `cx-session:${ctx.session}`, 'session.started', {
    agent: 'codex', version: ctx.version, branch: ctx.branch, cwd: ctx.cwd, repo: ctx.root ?? undefined, startCommit: ctx.commit,
  })];
}

function turnContext(p: Json, ctx: RolloutContext, at: number): NewEvent[] {
  const model = str(p.model);
  if (model) ctx.model = model;
  if (!placed(ctx)) return elsewhere(ctx);
  ctx.stats.entries++;
  if (!model || model === ctx.announcedModel) return [];
  ctx.announcedModel = model;
  return [sessionEvent(base(ctx, at), `cx-model:${ctx.session}:${model}`, 'session.started', { agent: 'codex', model })];
}

function responseItem(p: Json, ctx: RolloutContext, at: number, offset: number): NewEvent[] {
  const type = str(p.type) ?? 'unknown';
  ctx.stats.entries++;
  switch (type) {
    case 'message':
      return p.role === 'user' ? prompt(contentText(p.content), ctx, at, offset) : [];
    case 'function_call': {
      let args: Json = {};
      try {
        const parsed: unknown = JSON.parse(str(p.arguments) ?? '{}');
        if (isObj(parsed)) args = parsed;
      } catch {
        // Arguments cut short: the call is still recorded, by name.
      }
      return call(str(p.call_id) ?? str(p.id), str(p.name) ?? 'unknown', args, ctx, at);
    }
    case 'custom_tool_call': {
      const name = str(p.name) ?? 'unknown';
      return call(str(p.call_id) ?? str(p.id), name, name === 'apply_patch' ? { input: str(p.input) ?? '' } : {}, ctx, at);
    }
    case 'local_shell_call': {
      const action = isObj(p.action) ? p.action : {};
      return call(str(p.call_id) ?? str(p.id), 'local_shell', { command: action.command, workdir: action.working_directory }, ctx, at);
    }
    case 'function_call_output':
    case 'custom_tool_call_output':
      return result(str(p.call_id), p.output, ctx, at);
    default:
      ctx.skip(type); // reasoning (left out on purpose), web searches, compaction summaries
      return [];
  }
}

function prompt(raw: string, ctx: RolloutContext, at: number, offset: number): NewEvent[] {
  const text = raw.trim();
  if (!text || INJECTED.test(text)) return [];
  const followUp = ctx.prompted;
  ctx.prompted = true;
  return [sessionEvent(base(ctx, at), `cx:${ctx.session}:${offset}`, 'prompt.submitted', { text: redactText(text), followUp })];
}

const SHELLS = new Set(['shell', 'container.exec', 'local_shell', 'shell_command', 'exec_command']);

function call(callId: string | undefined, name: string, args: Json, ctx: RolloutContext, at: number): NewEvent[] {
  if (!callId) return [];
  if (name === 'write_stdin') {
    ctx.ignored.add(callId);
    const sid = args.session_id;
    if (typeof sid === 'number' || typeof sid === 'string') ctx.stdinOf.set(callId, String(sid));
    ctx.skip('write_stdin'); // more input to a running command: not a command of its own
    return [];
  }
  const toolUseId = `${ctx.session}:${callId}`;
  const cwd = str(args.workdir) ?? ctx.cwd;
  const data: Json = { toolUseId, tool: name };
  const pending: PendingCall = { tool: name, at };
  let patch = name === 'apply_patch' ? str(args.input) ?? str(args.patch) : undefined;
  if (SHELLS.has(name) && patch === undefined) {
    const argv = Array.isArray(args.command) && args.command.every((a) => typeof a === 'string') ? (args.command as string[]) : undefined;
    const line = argv ? commandLine(argv) : str(args.command) ?? str(args.cmd) ?? '';
    patch = patchInCommand(argv, line);
    if (patch === undefined) {
      pending.command = data.command = redactText(line);
      const check = ctx.classify(line);
      if (check) pending.check = data.check = check;
      if (cwd) data.cwd = cwd;
      const writes = shellWrites(line, cwd);
      if (writes.length) pending.writes = data.writes = writes;
    }
  }
  if (patch !== undefined) {
    pending.tool = data.tool = 'apply_patch';
    const writes = patchedFiles(patch, cwd);
    if (writes.length) pending.writes = data.writes = writes;
  }
  ctx.pending.set(callId, pending);
  return [sessionEvent(base(ctx, at), `cx-tool:${toolUseId}`, 'tool.called', data)];
}

function result(callId: string | undefined, output: unknown, ctx: RolloutContext, at: number): NewEvent[] {
  if (!callId) return [];
  if (ctx.ignored.has(callId)) return continued(callId, output, ctx, at);
  // No call: it came before this import's cursor (Codex was still working). The result alone updates
  // the command recorded then, by id.
  const pending = ctx.pending.get(callId) ?? { tool: '', at };
  ctx.pending.delete(callId);
  const toolUseId = `${ctx.session}:${callId}`;
  const { text, success } = outputText(output);
  const parsed = readOutput(text);
  const data: Json = { toolUseId };
  if (pending.tool) data.tool = pending.tool;
  const exitCode = parsed.exitCode ?? pending.exitCode;
  let outcome: string;
  if (REJECTED.test(text.trim())) outcome = 'rejected';
  else if (DENIED.test(text.trim())) outcome = 'denied';
  else if (exitCode !== undefined) outcome = exitCode === 0 ? 'ok' : 'error';
  else if (pending.patchFailed || success === false) outcome = 'error';
  else outcome = 'ok';
  data.outcome = outcome;
  if (exitCode !== undefined && outcome !== 'rejected' && outcome !== 'denied') data.exitCode = exitCode;
  const durationMs = parsed.durationMs ?? pending.durationMs ?? (pending.tool ? Math.max(0, at - pending.at) : undefined);
  if (durationMs !== undefined) data.durationMs = durationMs;
  if (pending.command !== undefined) data.command = pending.command;
  if (pending.check !== undefined) data.check = pending.check;
  if (pending.writes !== undefined) data.writes = pending.writes;
  if (parsed.running) {
    data.background = true;
    const sid = RUNNING.exec(text.slice(0, 400))?.[1];
    if (sid && pending.tool) ctx.running.set(sid, { ...pending, callId });
  }
  if (outcome !== 'ok') data.output = clip(parsed.body || text);
  return [sessionEvent(base(ctx, at), `cx-result:${toolUseId}`, 'tool.result', data)];
}

const RUNNING = /^Process running with session ID (\S+)/m;

/**
 * A write_stdin's output: when it says the command it continued has ended, that command's one final result
 * (its exit code, and its duration from the first call), under an id of its own that updates the same command.
 */
function continued(callId: string, output: unknown, ctx: RolloutContext, at: number): NewEvent[] {
  const sid = ctx.stdinOf.get(callId);
  ctx.stdinOf.delete(callId);
  const call = sid === undefined ? undefined : ctx.running.get(sid);
  if (!call || sid === undefined) return [];
  const parsed = readOutput(outputText(output).text);
  if (parsed.exitCode === undefined) return []; // Still running: a later write_stdin tells.
  ctx.running.delete(sid);
  return finalResult(call, parsed.exitCode, Math.max(0, at - call.at), parsed.body, ctx, at);
}

function finalResult(call: RunningCall, exitCode: number, durationMs: number, body: string, ctx: RolloutContext, at: number): NewEvent[] {
  const toolUseId = `${ctx.session}:${call.callId}`;
  const data: Json = { toolUseId, tool: call.tool, outcome: exitCode === 0 ? 'ok' : 'error', exitCode, durationMs };
  if (call.command !== undefined) data.command = call.command;
  if (call.check !== undefined) data.check = call.check;
  if (call.writes !== undefined) data.writes = call.writes;
  if (exitCode !== 0) data.output = clip(body);
  return [sessionEvent(base(ctx, at), `cx-result-end:${toolUseId}`, 'tool.result', data)];
}

function eventMsg(p: Json, ctx: RolloutContext, at: number): NewEvent[] {
  const type = str(p.type) ?? 'unknown';
  if (type === 'token_count') return usage(p, ctx, at);
  // How a command ended, written before its output item (newer Codex); the output item makes the event.
  const item = type === 'item_completed' && isObj(p.item) ? p.item : undefined;
  if (type === 'exec_command_end' || item?.type === 'CommandExecution') {
    const src = item ?? p;
    const id = str(src.call_id) ?? str(src.id) ?? '';
    const pending = ctx.pending.get(id);
    if (pending) {
      pending.exitCode = num(src.exit_code) ?? pending.exitCode;
      pending.durationMs = durationOf(src.duration) ?? pending.durationMs;
      return [];
    }
    // The end of a command left running: Codex says it once the process exits (a write_stdin may say it too).
    const exitCode = num(src.exit_code);
    const running = [...ctx.running].find(([, r]) => r.callId === id);
    if (!running || exitCode === undefined) return [];
    ctx.running.delete(running[0]);
    return finalResult(running[1], exitCode, Math.max(0, at - running[1].at), str(src.aggregated_output) ?? '', ctx, at);
  }
  if (type === 'patch_apply_end' || item?.type === 'FileChange') {
    const src = item ?? p;
    const pending = ctx.pending.get(str(src.call_id) ?? str(src.id) ?? '');
    if (pending) {
      if (src.success === false || src.status === 'failed' || src.status === 'declined') pending.patchFailed = true;
      // The files Codex says it changed, when it says: they replace what the patch's headers promised.
      const changes = isObj(src.changes) ? Object.entries(src.changes) : [];
      if (changes.length) {
        const files: PatchedFile[] = [];
        for (const [path, change] of changes) {
          const kind = isObj(change) ? str(change.type) : undefined;
          const move = isObj(change) ? str(change.move_path) : undefined;
          const abs = patchedFiles(`*** Update File: ${path}`, ctx.cwd)[0]?.path ?? path;
          if (move) files.push({ path: abs, change: 'deleted' }, { path: patchedFiles(`*** Update File: ${move}`, ctx.cwd)[0]?.path ?? move, change: 'modified' });
          else files.push({ path: abs, change: kind === 'add' ? 'created' : kind === 'delete' ? 'deleted' : 'modified' });
        }
        pending.writes = files;
      }
    }
    return [];
  }
  ctx.skip(`event_msg:${type}`);
  return [];
}

function usage(p: Json, ctx: RolloutContext, at: number): NewEvent[] {
  const info = isObj(p.info) ? p.info : undefined;
  const last = info && isObj(info.last_token_usage) ? info.last_token_usage : undefined;
  const total = info && isObj(info.total_token_usage) ? info.total_token_usage : undefined;
  if (!last || !total) return [];
  const n = (o: Json, k: string): number => num(o[k]) ?? 0;
  // Codex repeats a count (after rate-limit news, on resume): the running total names each one once.
  const id = `cx-usage:${ctx.session}:${n(total, 'total_tokens')}:${n(total, 'input_tokens')}`;
  const cached = n(last, 'cached_input_tokens');
  return [sessionEvent(base(ctx, at), id, 'usage.recorded', {
    model: ctx.model,
    // OpenAI counts cached input inside input_tokens; the record keeps them apart, as Anthropic reports them.
    inputTokens: Math.max(0, n(last, 'input_tokens') - cached),
    outputTokens: n(last, 'output_tokens'),
    cacheReadTokens: cached,
    cacheCreationTokens: n(last, 'cache_write_input_tokens'),
  })];
}

/** Resuming mid-file: the first line says which session and folder the rest belongs to. */
function resume(firstLine: string, ctx: RolloutContext): void {
  let entry: unknown;
  try {
    entry = JSON.parse(firstLine);
  } catch {
    return;
  }
  if (!isObj(entry)) return;
  if (entry.type === 'session_meta' && isObj(entry.payload)) meta(entry.payload, ctx, Date.parse(str(entry.timestamp) ?? '') || 0, false);
  else if (entry.type === undefined && typeof entry.id === 'string') {
    ctx.legacy = true;
    meta(entry, ctx, Date.parse(str(entry.timestamp) ?? '') || 0, false);
  }
  if (ctx.session && typeof ctx.root === 'string') ctx.startedSessions.add(ctx.session);
}

/** Codex CLI's rollouts, for the shared importer (see agents.ts). */
export const codexFormat: TranscriptFormat = {
  id: 'codex',
  context: (rootOf, classify, file, roots) => new RolloutContext(rootOf, classify, file, roots?.length ? commitPlacer(roots) : undefined),
  parseLine: (line, ctx, offset) => (ctx instanceof RolloutContext ? parseRolloutLine(line, ctx, offset) : []),
  resume: (line, ctx) => {
    if (ctx instanceof RolloutContext) resume(line, ctx);
  },
};
