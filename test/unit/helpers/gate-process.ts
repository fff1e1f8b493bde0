// A separate process for the deploy lock's race test: it tries to take the local lock `attempts` times; each
// time it holds it, it proves it is alone by creating a marker file exclusively, then releases by lock id.
import '../../../src/cli/noExitHang';
import { hostname } from 'node:os';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LocalGateStore } from '../../../src/core/gates/localStore';
import { defaultGateEnv } from '../../../src/core/gates/store';

const [dir, attemptsText, markerDir] = process.argv.slice(2) as [string, string, string];
const store = new LocalGateStore(dir, defaultGateEnv(), undefined, 'race');
const holder = { who: `worker ${process.pid}`, host: hostname(), pid: process.pid, label: 'race' };
let acquired = 0;
let held = 0;
let doubles = 0;
for (let i = 0; i < Number(attemptsText); i++) {
  const r = store.transactNow((tx) => tx.acquire(holder, `attempt ${i}`, 60_000));
  if (r.status !== 'acquired') {
    held++;
    continue;
  }
  acquired++;
  const marker = join(markerDir, 'holder');
  try {
    writeFileSync(marker, String(process.pid), { flag: 'wx' });
    rmSync(marker);
  } catch {
    doubles++;
  }
  const out = store.transactNow((tx) => tx.release(holder, r.lock.id));
  if (out.status !== 'released') doubles++;
}
process.stdout.write(JSON.stringify({ acquired, held, doubles }) + '\n');
