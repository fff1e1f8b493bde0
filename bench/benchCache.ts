// FLIGHTDECK_BENCH_CACHE: the real-shaped sample and the records built from it, kept between bench runs.
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface Sample { samplePath: string; copies: number }

/** The sample, made once per cache and target (or every time without a cache); shared by the sides of one run. */
export function cachedSample(cache: string | undefined, target: number, make: () => Promise<Sample>): () => Promise<Sample> {
  let made: Promise<Sample> | undefined;
  return () => {
    made ??= (async () => {
      const meta = cache && join(cache, `sample-${target}.json`);
      if (meta && existsSync(meta)) return JSON.parse(readFileSync(meta, 'utf8')) as Sample;
      const s = await make();
      if (!cache || !meta) return s;
      mkdirSync(cache, { recursive: true });
      const kept = join(cache, `sample-${target}-events.json`);
      cpSync(s.samplePath, kept);
      const out = { samplePath: kept, copies: s.copies };
      writeFileSync(meta, JSON.stringify(out));
      return out;
    })();
    return made;
  };
}

/** A copy of the record kept at `kept` (built there first when absent) at `dir`; without a cache, built at `dir`. */
export function cachedRecord(kept: string | undefined, dir: string, build: (dir: string) => void): void {
  if (!kept) return build(dir);
  if (!existsSync(kept)) {
    const building = `${kept}.building`;
    rmSync(building, { recursive: true, force: true });
    mkdirSync(dirname(kept), { recursive: true });
    build(building);
    renameSync(building, kept);
  }
  cpSync(kept, dir, { recursive: true });
}
