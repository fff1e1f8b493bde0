// `flightdeck rollback [SHIP_ID]`: lists the recorded ships, or prepares the revert of one on a new branch.
import { existsSync } from 'node:fs';
import { locateRecord } from '../core/record/location';
import { RecordStore } from '../core/record/store';
import { gitIdentity } from '../core/review/reviews';
import { findShip, recordedShips, rollbackPlan } from '../core/gates/recordedShips';
import { prepareRollback, rollbackEvent } from '../core/gates/rollback';
import { UsageError, type CliArgs } from './args';

type Out = (text: string) => void;

/** Exit 0 prepared (or listed), 1 refused with nothing changed, 4 stopped on a conflict (the branch is mid-revert). */
export async function rollback(args: CliArgs, out: Out): Promise<number> {
  if (args.positionals.length > 1) throw new UsageError('rollback takes one ship id: flightdeck rollback SHIP_ID');
  if (!existsSync(args.repo)) throw new UsageError(`--repo ${args.repo}: no such folder`);
  const location = locateRecord(args.repo);
  if (!location?.repoRoot) throw new UsageError(`${args.repo} is not inside a git repository (pass --repo PATH)`);
  const id = args.positionals[0];
  const store = await RecordStore.open(location.dir, { readOnly: !id });
  try {
    if (!id) {
      const ships = recordedShips(store.db, 20);
      if (args.json) out(JSON.stringify(ships.map((s) => ({ ...s, rollback: rollbackPlan(s) })), null, 2));
      else if (!ships.length) out('No ship is recorded yet.');
      else out(['Recorded ships, newest first (flightdeck rollback SHIP_ID prepares the revert):', ...ships.map((s) =>
        `  ${s.id}  ${new Date(s.at).toISOString().slice(0, 16).replace('T', ' ')}  ${s.commit.slice(0, 12)} to ${s.target} (${s.status}) by ${s.by}\n      ${rollbackPlan(s).command}`)].join('\n'));
      return 0;
    }
    const ship = findShip(store.db, id);
    if ('error' in ship) {
      out(`flightdeck rollback: ${ship.error}`);
      return 1;
    }
    const r = await prepareRollback(location.repoRoot, ship);
    if (r.status !== 'refused') store.append([rollbackEvent(ship, r, await gitIdentity(location.repoRoot), 'cli')]);
    out(args.json ? JSON.stringify(r, null, 2) : r.message);
    return r.status === 'prepared' ? 0 : r.status === 'conflict' ? 4 : 1;
  } finally {
    store.close();
  }
}
