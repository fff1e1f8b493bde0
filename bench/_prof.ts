import { mkdirSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { writeCorpus } from './transcripts';
import { importTranscripts } from '../src/core/capture/claudeImport';
import { cwdMatcher } from '../src/core/capture/workspace';
import { RecordStore } from '../src/core/record/store';
(async () => {
  const root = mkdtempSync('/tmp/prof-');
  const repo = join(root, 'repo');
  mkdirSync(join(repo, '.git'), { recursive: true });
  const c = writeCorpus(root, repo, 60 << 20);
  const store = await RecordStore.open(join(root, 'record'), { snapshotEveryBytes: Number.MAX_SAFE_INTEGER });
  const t = performance.now();
  const r = await importTranscripts(store, { projectsDir: join(root, 'projects'), accept: cwdMatcher([repo]) });
  const ms = performance.now() - t;
  console.log(`${(c.bytes / 1048576 / (ms / 1000)).toFixed(1)} MB/s`, JSON.stringify(r).slice(0, 200));
})();
