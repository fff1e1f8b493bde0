// Ships as the record keeps them (the ship.recorded events, newest first), with the command that undoes each:
// read by the board, the dashboard, `flightdeck rollback` and Roll back ship….
import type { Database } from 'sql.js';

export interface RecordedCheck {
  kind: string;
  status: string;
}

export interface RecordedShip {
  id: string;
  at: number;
  commit: string;
  previousCommit: string | null;
  target: string;
  status: string;
  by: string;
  /** Imported from a teammate's record (team sync): their git email. Absent: shipped from this machine's record. */
  author?: string;
  lockId: string | null;
  /** The commits that went out (previous..commit), newest first. */
  range: string[];
  diffStat: string;
  checksOk: boolean;
  checks: RecordedCheck[];
  checksOverride: string | null;
  /** What the reviews said when it shipped (absent in ships recorded before reviews were looked at). */
  reviews: { open: number; override: string | null } | null;
  task: string | null;
  exitCode: number | null;
  /** The recorded rollback steps, in order of preference. */
  steps: string[];
  /** The last `rollback.prepared` for this ship, if any. */
  prepared: { branch: string; at: number; by: string } | null;
}

/** How a ship is undone: a revert of its range on a new branch, or (no range to revert) a redeploy. */
export interface RollbackPlan {
  branch: string;
  /** What `git revert --no-edit` is given; absent when nothing can be reverted. */
  revert?: string;
  /** One line to copy: the git commands, or what to do instead. */
  command: string;
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const obj = (v: unknown): Record<string, unknown> => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
const short = (sha: string): string => sha.slice(0, 12);

function parse(raw: unknown): Record<string, unknown> {
  try {
    return obj(JSON.parse(String(raw)));
  } catch {
    return {};
  }
}

function toShip(id: string, at: number, d: Record<string, unknown>): RecordedShip {
  const checks = obj(d.checks);
  const reviews = d.reviews === undefined ? null : obj(d.reviews);
  return {
    id: str(d.shipId) ?? id, at,
    commit: str(d.commit) ?? '', previousCommit: str(d.previousCommit), target: str(d.target) ?? '', status: str(d.status) ?? 'shipped',
    by: str(d.by) ?? '', lockId: str(d.lockId),
    range: Array.isArray(d.range) ? d.range.filter((c): c is string => typeof c === 'string') : [],
    diffStat: str(d.diffStat) ?? '',
    checksOk: checks.ok === true,
    checks: Array.isArray(checks.required) ? checks.required.map((c) => ({ kind: str(obj(c).kind) ?? '?', status: str(obj(c).status) ?? '?' })) : [],
    checksOverride: str(d.checksOverride),
    reviews: reviews && { open: typeof reviews.open === 'number' ? reviews.open : 0, override: str(reviews.override) },
    task: str(d.task), exitCode: typeof d.exitCode === 'number' ? d.exitCode : null,
    steps: (str(d.rollback) ?? '').split('\n').filter(Boolean),
    prepared: null,
  };
}

/** The most recent ships, newest first, with the last rollback prepared for each. */
export function recordedShips(db: Database, limit = 20): RecordedShip[] {
  const rows = db.exec(`SELECT id, at, data, author FROM events WHERE kind = 'ship.recorded' ORDER BY at DESC, seq DESC LIMIT ?`, [limit])[0]?.values ?? [];
  // A ship recorded twice (the same shipId) shows once, as last recorded.
  const seen = new Set<string>();
  const ships: RecordedShip[] = [];
  for (const r of rows) {
    const ship = toShip(String(r[0]), Number(r[1]), parse(r[2]));
    if (typeof r[3] === 'string') ship.author = r[3];
    if (seen.has(ship.id)) continue;
    seen.add(ship.id);
    ships.push(ship);
  }
  if (ships.length) {
    const prepared = db.exec(`SELECT at, data FROM events WHERE kind = 'rollback.prepared' ORDER BY at`)[0]?.values ?? [];
    for (const p of prepared) {
      const d = parse(p[1]);
      const ship = ships.find((s) => s.id === d.shipId);
      if (ship) ship.prepared = { branch: str(d.branch) ?? '', at: Number(p[0]), by: str(d.by) ?? '' };
    }
  }
  return ships;
}

/** One ship by its id, or by a prefix of it that only one ship has. */
export function findShip(db: Database, id: string): RecordedShip | { error: string } {
  const ships = recordedShips(db, 10_000);
  const exact = ships.find((s) => s.id === id);
  if (exact) return exact;
  const matches = ships.filter((s) => s.id.startsWith(id) || (id.length >= 7 && s.commit.startsWith(id)));
  if (matches.length === 1 && matches[0]) return matches[0];
  if (matches.length > 1) return { error: `"${id}" matches ${matches.length} ships (${matches.slice(0, 3).map((s) => s.id).join(', ')}…): give more of the id` };
  return { error: ships.length ? `no recorded ship "${id}" (the latest is ${ships[0]?.id}; \`flightdeck rollback\` without an id lists them)` : 'no ship is recorded yet' };
}

/**
 * What undoes a ship. Its range when it has a previous ship it descends from; the commit itself for a first
 * ship; nothing to revert (redeploy the previous one) when the previous ship is not an ancestor.
 */
export function rollbackPlan(ship: RecordedShip): RollbackPlan {
  const branch = `rollback/${ship.id}`;
  const redeploy = ship.steps.find((s) => s.startsWith('redeploy'));
  if (ship.previousCommit && redeploy && ship.steps[0] === redeploy) return { branch, command: redeploy };
  const revert = ship.previousCommit ? `${short(ship.previousCommit)}..${short(ship.commit)}` : short(ship.commit);
  return { branch, revert, command: `git switch -c ${branch} && git revert --no-edit ${revert}` };
}
