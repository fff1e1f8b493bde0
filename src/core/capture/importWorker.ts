// The import worker: reads and parses transcripts and serializes their events, so the thread that owns
// the record spends its time recording. Started by importTranscripts; see importWorkerProtocol.ts.
import { parentPort, workerData } from 'node:worker_threads';
import { completeEvent, type NewEvent } from '../record/events';
import { encodeJournalLines } from '../record/journal';
import { formatOf } from './agents';
import { readTranscript } from './claudeImport';
import { classifyCheck } from './classify';
import { IMPORT_EVENTS_IN_FLIGHT, type FromImportWorker, type ImportJob, type ToImportWorker } from './importWorkerProtocol';
import { cwdMatcher } from './workspace';

const port = parentPort;
if (!port) throw new Error('import-worker.js runs as a worker thread');

let inFlight = 0;
let release: (() => void) | undefined;
port.on('message', (m: ToImportWorker) => {
  inFlight -= m.events;
  release?.();
  release = undefined;
});
const send = (m: FromImportWorker): void => port.postMessage(m);

async function run(job: ImportJob): Promise<void> {
  const accept = cwdMatcher(job.roots);
  const format = formatOf(job.agent);
  for (const file of job.files) {
    const ctx = format.context(accept, (command) => classifyCheck(command, job.rules)?.kind, file.path, job.roots);
    let pending: NewEvent[] = [];
    const read = await readTranscript(file.path, file.offset, ctx, () => {}, {
      add: (events) => {
        for (const e of events) pending.push(e);
      },
      cursor: async (source, offset) => {
        const events = pending.map(completeEvent);
        pending = [];
        // Encoding is work either thread can do: this one does it while the recording thread is behind.
        const encoded = inFlight >= job.encodeFrom ? encodeJournalLines(events) : undefined;
        send({ type: 'batch', events, encoded, source, offset });
        inFlight += events.length;
        while (inFlight >= IMPORT_EVENTS_IN_FLIGHT) await new Promise<void>((r) => (release = r));
      },
    }, format);
    send({ type: 'file', path: file.path, read, stats: ctx.stats, sessions: [...ctx.startedSessions] });
  }
  send({ type: 'done' });
}

void run(workerData as ImportJob);
