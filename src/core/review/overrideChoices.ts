// The choices the override flow offers, as plain data: which reviews and gates can be overridden and for how long.
import { ago } from '../gates/describe';
import { GATE_NAMES, gateHolds, type GateName } from '../gates/gateNames';
import { GATE_OVERRIDE_DEFAULT_MS, type GateOverride } from '../gates/state';
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

/** The expiry choices for a review or a gate: a gate override without an expiry still lapses after the default. */
export function expiryPicks(target: 'review' | 'gate'): { label: string; detail: string; id: ExpiryId }[] {
  return EXPIRIES.map((e) => (target === 'gate' && e.id === 'none'
    ? { label: `Default (${ago(GATE_OVERRIDE_DEFAULT_MS)})`, detail: 'A gate override always lapses: break-glass, not a switch left off', id: e.id }
    : { label: e.label, detail: e.detail, id: e.id }));
}

/** One quick-pick line per gate: what it holds and, when an override of it is in force, by whom and until when. */
export function gatePicks(protectedBranches: readonly string[], overrides: readonly GateOverride[], now: number): { label: string; description: string; detail?: string; gate: GateName }[] {
  return GATE_NAMES.map((gate) => {
    const pick = { label: `${gate} gate`, description: gateHolds(gate, protectedBranches), gate };
    const inForce = overrides.filter((o) => o.gate === gate && o.until > now).sort((a, b) => b.until - a.until)[0];
    if (!inForce) return pick;
    const until = new Date(inForce.until).toTimeString().slice(0, 5);
    return { ...pick, detail: `Overridden until ${until} (${ago(inForce.until - now)} left) by ${inForce.by || 'someone'}: "${inForce.reason}"` };
  });
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
