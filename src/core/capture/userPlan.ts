// A plan the user types in (flightdeck plan, Flightdeck: Record plan…): the plan check holds the session against it,
// ahead of any plan the agent presented. Redacted before it is stored, like every text the record keeps.
import type { NewEvent } from '../record/events';
import { redactText } from './redact';

export class PlanError extends Error {}

/** A plan is read by people and matched for file names: a page or two, not a document. */
export const MAX_USER_PLAN_CHARS = 20_000;

export interface UserPlanInput {
  text: string;
  /** Repository-relative files the plan covers (see repoRelative). */
  files: readonly string[];
  session: string;
  by?: string;
  source: string;
}

/** The `plan.recorded` event of a plan from the user (`from: 'user'`). */
export function userPlanEvent(input: UserPlanInput): NewEvent {
  const text = input.text.trim().replace(/[ \t]+\n/g, '\n');
  if (!text) throw new PlanError('a plan needs its text: what the session is to do, and the files it may change');
  if (text.length > MAX_USER_PLAN_CHARS) throw new PlanError(`a plan is at most ${MAX_USER_PLAN_CHARS} characters (this one has ${text.length})`);
  if (!input.session) throw new PlanError('a plan belongs to a session: name one with --session ID (flightdeck sessions lists them)');
  const files = [...new Set(input.files)].sort();
  const e: NewEvent = { kind: 'plan.recorded', session: input.session, source: input.source, data: { from: 'user', text: redactText(text), files } };
  if (input.by) e.data.by = input.by;
  return e;
}
