// A process that compacts a record and, for the crash tests, kills itself (SIGKILL, no cleanup of any kind) when the
// compaction reaches a given step for the n-th time. Prints the result when it gets to the end.
import '../../../src/cli/noExitHang';
import { compactRecord } from '../../../src/core/record/compact';
import { RecordStore } from '../../../src/core/record/store';

async function main(): Promise<void> {
  const [dir, crashAt, nthText] = process.argv.slice(2);
  let seen = 0;
  const store = await RecordStore.open(dir as string);
  const r = compactRecord(store, (step) => {
    if (step === crashAt && ++seen === Number(nthText ?? 1)) process.kill(process.pid, 'SIGKILL');
  });
  store.close();
  process.stdout.write(JSON.stringify(r) + '\n');
}

void main().catch((err: unknown) => {
  process.stderr.write(String((err as Error).stack ?? err) + '\n');
  process.exit(1);
});
