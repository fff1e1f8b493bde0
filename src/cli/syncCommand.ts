// `flightdeck sync`: the team's record through the git remote (core/team/sync.ts). Running it is the opt-in: it
// says what it shared, where, and that nothing leaves the machine otherwise.
import { existsSync } from 'node:fs';
import { locateRecord } from '../core/record/location';
import { RecordStore } from '../core/record/store';
import { keepMemory } from '../core/report/memoryWriter';
import { TeamSync, type SyncResult } from '../core/team/sync';
import { UsageError, type CliArgs } from './args';

type Out = (text: string) => void;

export function formatSync(r: SyncResult): string {
  const lines = [
    r.pushed > 0
      ? `Shared ${r.pushed} of your events (redacted, as flightdeck log shows them) on ${r.remote} as ${r.ref}.`
      : `Your record on ${r.remote} (${r.ref}) was already up to date.`,
    `Imported ${r.imported} new events from the team${r.skipped ? ` (${r.skipped} lines skipped: not shareable events)` : ''}.`,
  ];
  for (const t of r.teammates) lines.push(`  ${t.author}: ${t.sessions} sessions, ${t.events} events`);
  if (r.unreadArchives.length) lines.push(`Could not read ${r.unreadArchives.join(', ')} (in the record's archive folder): their events were not shared; the next sync tries again.`);
  lines.push('Only flightdeck sync (or the flightdeck.team.sync setting) sends anything; nothing else leaves this machine.');
  return lines.join('\n');
}

export async function sync(args: CliArgs, out: Out, err: Out): Promise<number> {
  if (!existsSync(args.repo)) throw new UsageError(`--repo ${args.repo}: no such folder`);
  const location = locateRecord(args.repo);
  if (!location?.repoRoot) throw new UsageError(`${args.repo} is not inside a git repository (pass --repo PATH)`);
  const store = await RecordStore.open(location.dir);
  try {
    const result = await new TeamSync(store, location.repoRoot, args.remote ?? 'origin').run();
    out(args.json ? JSON.stringify(result, null, 2) : formatSync(result));
    if (result.imported > 0) {
      try {
        keepMemory(store).dispose(); // the next agent session hears of the team's sessions and decisions
      } catch (e) {
        err(`flightdeck: synced, but the hand-off beside the record was not rebuilt: ${(e as Error).message}`);
      }
    }
    return 0;
  } finally {
    store.close();
  }
}
