import { activeSessionFromJournal, DecisionError, repoRelative } from '../core/capture/decision';
import { PlanError, userPlanEvent } from '../core/capture/userPlan';
import { appendToJournal } from '../core/record/appendToJournal';
import type { RecordEvent } from '../core/record/events';
import { RecordStore } from '../core/record/store';
import { sessionsByIdPrefix } from '../core/report/trail';
import { gitIdentity } from '../core/review/reviews';
import { UsageError, type CliArgs } from './args';
import { baseFor, repoOf } from './memoryCommands';

type Out = (text: string) => void;

/**
 * `flightdeck plan "TEXT" [--file PATH…] [--session ID]`: the user's plan for a session (the agent's active one by
 * default), which the plan check holds the session against ahead of the agent's own. Durable once its journal line is.
 */
export async function plan(args: CliArgs, cwd: string, out: Out): Promise<number> {
  const text = args.positionals.join(' ').trim();
  if (!text) throw new UsageError('plan wants the plan: flightdeck plan "TEXT" [--file PATH…] [--session ID]');
  const { dir, repoRoot } = repoOf(args);
  let session = args.session;
  if (session !== undefined) {
    // A mistyped id would record a plan no session is held against.
    const store = await RecordStore.open(dir, { readOnly: true });
    try {
      const known = sessionsByIdPrefix(store.db, session);
      if (known.length === 0) throw new UsageError(`no session "${session}" in this record (flightdeck sessions lists them)`);
      if (known.length > 1 && known[0] !== session) throw new UsageError(`"${session}" names more than one session; give more of its id`);
      session = known[0] as string;
    } finally {
      store.close();
    }
  }
  session ??= activeSessionFromJournal(dir);
  if (!session) throw new UsageError('no agent session is active (none in the last 30 minutes): name one with --session ID (flightdeck sessions lists them)');
  let event: RecordEvent;
  try {
    const files = args.files.map((f) => repoRelative(repoRoot, f, baseFor(repoRoot, cwd)));
    [event] = appendToJournal(dir, [userPlanEvent({ text, files, session, by: await gitIdentity(repoRoot), source: 'cli' })]) as [RecordEvent];
  } catch (e) {
    if (e instanceof DecisionError || e instanceof PlanError) throw new UsageError(e.message);
    throw e;
  }
  out(args.json ? JSON.stringify({ id: event.id, session: event.session ?? null, files: event.data.files }) : `${event.id} (plan for session ${event.session})`);
  return 0;
}
