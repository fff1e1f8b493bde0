// Telling the agent that its change opened concerns: a review runs after the agent's edit (when the change rests,
// or when its turn ends), so the edit's own hook call cannot say it. The next hook call of the session does, once per
// verdict; a new prompt from the user repeats what is still open. What was told is kept beside the record.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openGateReviews, reviewConcerns, reviewStatusAt, type GateReview, type GateState } from './state';

export const TOLD_FILE = 'told.json';
/** Reviews remembered as told; older entries are dropped (their reviews have long closed). */
const MAX_TOLD = 200;

/** Review id → the verdict time last told to the agent. */
export type Told = Record<string, number>;

const verdictAt = (r: GateReview): number => Math.max(0, ...Object.values(r.engines).map((e) => e.at));
const clip = (s: string, max: number): string => (s.length > max ? `${s.slice(0, max - 1)}…` : s);

export function readTold(recordDir: string): Told {
  try {
    const parsed: unknown = JSON.parse(readFileSync(join(recordDir, TOLD_FILE), 'utf8'));
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Told) : {};
  } catch {
    return {}; // none yet, or torn: at worst a concern is told twice
  }
}

export function writeTold(recordDir: string, told: Told): void {
  const kept = Object.entries(told).sort((a, b) => b[1] - a[1]).slice(0, MAX_TOLD);
  const tmp = join(recordDir, `${TOLD_FILE}.${process.pid}`);
  writeFileSync(tmp, JSON.stringify(Object.fromEntries(kept)));
  renameSync(tmp, join(recordDir, TOLD_FILE));
}

/**
 * What to tell the agent of session `session` about open reviews with concerns on its change: with `all`, every one
 * still open (a new prompt); else only verdicts not told before. Undefined when there is nothing to say.
 */
export function concernNews(state: GateState, session: string | undefined, now: number, told: Told, all: boolean): { text: string; told: Told } | undefined {
  const mine = openGateReviews(state, now).filter((r) => reviewStatusAt(r, now) === 'concerns' && (r.session === undefined || r.session === session));
  const news = all ? mine : mine.filter((r) => told[r.id] !== verdictAt(r));
  if (news.length === 0) return undefined;
  const lines = news.slice(0, 3).map((r) => {
    const concerns = reviewConcerns(r);
    const list = concerns.slice(0, 5).map((c) => `[${c.severity}] ${c.file}${c.line === undefined ? '' : `:${c.line}`} ${clip(c.title, 100)}`).join('; ');
    const more = concerns.length > 5 ? `; ${concerns.length - 5} more` : '';
    return `review ${r.id}${r.subject ? ` of ${clip(r.subject, 80)}` : ''}: ${list}${more}`;
  });
  const rest = news.length > 3 ? ` (and ${news.length - 3} more reviews)` : '';
  const text = `Flightdeck: the second-eye review of this change has open concerns — ${lines.join(' | ')}${rest}. Address them, or tell the user why they do not apply, then run \`flightdeck review\` again.`;
  const next = { ...told };
  for (const r of news) next[r.id] = verdictAt(r);
  return { text, told: next };
}
