// The board's Ships section: the recorded ships, newest first, each with the command that undoes it.
import type { Database } from 'sql.js';
import type { BoardShip } from '../../protocol';
import { recordedShips, rollbackPlan } from '../gates/recordedShips';
import { clipStrings } from './clip';

const SHOWN = 10;

export function boardShips(db: Database, limit = SHOWN): BoardShip[] {
  return clipStrings(recordedShips(db, limit).map((s) => ({
    id: s.id, at: s.at, commit: s.commit, previousCommit: s.previousCommit ?? undefined, target: s.target, status: s.status, by: s.by,
    lockId: s.lockId ?? undefined, commits: s.range.length, diffStat: s.diffStat, checksOk: s.checksOk, checks: s.checks,
    checksOverride: s.checksOverride ?? undefined,
    reviews: s.reviews ? { open: s.reviews.open, override: s.reviews.override ?? undefined } : undefined,
    task: s.task ?? undefined, exitCode: s.exitCode ?? undefined,
    rollback: rollbackPlan(s).command,
    prepared: s.prepared ?? undefined,
  })));
}
