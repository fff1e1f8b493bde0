// The choices the override flow offers, as plain data: which reviews can be overridden and for how long.
import type { ReviewRow } from './reviewQueries';

export const EXPIRIES = [
  { id: 'none', label: 'No expiry', detail: 'Holds until a newer change is reviewed', ms: undefined },
  { id: '1h', label: '1 hour', detail: 'Break-glass: the gate comes back in an hour', ms: 3_600_000 },
  { id: '1d', label: '1 day', detail: 'The gate comes back tomorrow', ms: 86_400_000 },
] as const;
export type ExpiryId = (typeof EXPIRIES)[number]['id'];

/** When an override chosen `now` lapses, or undefined for none. */
export function expiryAt(id: ExpiryId, now = Date.now()): number | undefined {
  const ms = EXPIRIES.find((e) => e.id === id)?.ms;
  return ms === undefined ? undefined : now + ms;
}

/** One quick-pick line per open review: what it is about, its status, its concerns and engines. */
export function reviewPick(r: ReviewRow): { label: string; description: string; detail: string; reviewId: string } {
  const n = r.concerns.length;
  const engines = r.engines.map((e) => `${e.engine}${e.model ? ` (${e.model})` : ''}: ${e.status}`).join(', ');
  return {
    label: r.subject || r.id,
    description: `${r.status}${n ? ` · ${n} concern${n === 1 ? '' : 's'}` : ''}`,
    detail: [engines, r.concerns[0] ? `${r.concerns[0].file}${r.concerns[0].line ? `:${r.concerns[0].line}` : ''} ${r.concerns[0].title}` : '', r.id].filter(Boolean).join(' · '),
    reviewId: r.id,
  };
}
