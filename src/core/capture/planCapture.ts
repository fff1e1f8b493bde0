// The plan an agent presented (Claude Code's ExitPlanMode, its TodoWrite lists) and edits that weaken a check, as
// record events of their own: rare kinds whose data the database keeps whole. Ids come from the tool call's id, so a
// hook (PreToolUse, PostToolUse) and the transcript make one event each.
import type { NewEvent } from '../record/events';
import { redactText } from './redact';
import type { CheckClassifier } from './transcript';
import type * as Weakening from './weakening';

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** A plan longer than this is kept cut: it is read by people, and its file names are near the top. */
const MAX_PLAN = 20_000;
const MAX_TODOS = 100;

interface Base {
  session: string;
  at: number;
  source: string;
}

const event = (base: Base, id: string, kind: string, data: Json): NewEvent => ({ id, kind, at: base.at, session: base.session, source: base.source, data });

/** The plan in a tool call, if it carries one. */
export function planEvent(toolUseId: string, tool: string, input: Json, base: Base): NewEvent | undefined {
  if (tool === 'ExitPlanMode') {
    const plan = str(input.plan);
    if (!plan?.trim()) return undefined;
    const text = plan.length > MAX_PLAN ? `${plan.slice(0, MAX_PLAN)}… (${plan.length - MAX_PLAN} more characters)` : plan;
    return event(base, `plan:${toolUseId}`, 'plan.recorded', { toolUseId, from: 'ExitPlanMode', text: redactText(text) });
  }
  if (tool === 'TodoWrite' && Array.isArray(input.todos)) {
    const todos = input.todos.filter(isObj).slice(0, MAX_TODOS).flatMap((t) => {
      const content = str(t.content) ?? str(t.activeForm);
      return content ? [{ content: redactText(content.slice(0, 500)), status: str(t.status) ?? 'pending' }] : [];
    });
    return event(base, `plan:${toolUseId}`, 'plan.recorded', { toolUseId, from: 'TodoWrite', todos });
  }
  return undefined;
}

/** An edit's before and after text, when its input has both (Edit, MultiEdit); Write's original comes with its result. */
function editTexts(tool: string, input: Json): { before: string; after: string } | undefined {
  if (tool === 'Edit') {
    const before = str(input.old_string);
    const after = str(input.new_string);
    return before === undefined || after === undefined ? undefined : { before, after };
  }
  if (tool === 'MultiEdit' && Array.isArray(input.edits)) {
    const edits = input.edits.filter(isObj);
    return { before: edits.map((e) => str(e.old_string) ?? '').join('\n'), after: edits.map((e) => str(e.new_string) ?? '').join('\n') };
  }
  return undefined;
}

/** Signals that an edit weakens a check (see weakening.ts), as one event; none for an edit that does not. */
export function weakeningEvent(
  toolUseId: string,
  tool: string,
  input: Json,
  base: Base,
  classify: CheckClassifier,
  original?: { before: string; after: string },
): NewEvent | undefined {
  const path = str(input.file_path);
  const texts = original ?? editTexts(tool, input);
  if (!path || !texts) return undefined;
  // Loaded for an edit only: the hook records every Bash call without it.
  const { weakenings } = require('./weakening') as typeof Weakening;
  const found = weakenings(path, texts.before, texts.after, classify);
  if (found.length === 0) return undefined;
  return event(base, `weak:${toolUseId}`, 'edit.weakened', {
    toolUseId, tool, path, signals: found.map((w) => ({ kind: w.kind, detail: redactText(w.detail), ...(w.check ? { check: w.check } : {}) })),
  });
}

/** A Write's file before and after, from the structured result Claude Code gives (transcript and PostToolUse alike). */
export function writeTexts(tool: string, response: unknown): { before: string; after: string } | undefined {
  if (tool !== 'Write' || !isObj(response)) return undefined;
  const before = str(response.originalFile);
  const after = str(response.content);
  return before === undefined || after === undefined ? undefined : { before, after };
}

/** Everything a tool call adds to the record beside the call itself. */
export function planAndWeakening(toolUseId: string, tool: string, input: Json, base: Base, classify: CheckClassifier): NewEvent[] {
  const out: NewEvent[] = [];
  const plan = planEvent(toolUseId, tool, input, base);
  if (plan) out.push(plan);
  const weak = weakeningEvent(toolUseId, tool, input, base, classify);
  if (weak) out.push(weak);
  return out;
}
