// A separate writer process for the reliability tests. It prints each event id only after
// append() returned, i.e. after the event was acknowledged as durable.
import '../../../src/cli/noExitHang';
import { RecordStore } from '../../../src/core/record/store';

async function main(): Promise<void> {
  const [dir, mode, countText, batchText, snapText] = process.argv.slice(2);
  const count = Number(countText);
  const batch = Number(batchText ?? 1);
  const store = await RecordStore.open(dir as string, { snapshotEveryBytes: Number(snapText ?? 1 << 30) });
  const tag = `${process.pid}`;
  for (let i = 0; i < count; i += batch) {
    const events = [];
    for (let j = i; j < Math.min(count, i + batch); j++) events.push({ kind: 'note', source: tag, data: { text: `${tag} #${j}` } });
    const written = store.append(events);
    if (mode === 'ack') process.stdout.write(written.map((e) => e.id).join('\n') + '\n');
    store.snapshotIfDue();
  }
  store.catchUp();
  if (mode !== 'ack') {
    const total = Number(store.db.exec('SELECT count(*) FROM events')[0]?.values[0]?.[0]);
    // The rest for a failure's message (reliability.test.ts).
    const { possiblyMissing, damagedLines, snapshot, replayed } = store.report;
    process.stdout.write(JSON.stringify({ total, pid: process.pid, possiblyMissing, damagedLines, snapshot, replayed, stale: store.stale, position: store.position() }) + '\n');
  }
  store.close();
}

void main().catch((err: unknown) => {
  process.stderr.write(String((err as Error).stack ?? err) + '\n');
  process.exit(1);
});
