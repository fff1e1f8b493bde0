import { Worker } from 'node:worker_threads';
import { encodeJournalLines } from '../record/journal';
import type { ImportBatch, ImportWorkerOptions } from './claudeImport';
import { IMPORT_ENCODE_FROM, type FromImportWorker, type ImportJob, type ToImportWorker } from './importWorkerProtocol';
import type { TranscriptStats } from './transcript';

export interface WorkerFileResult {
  path: string;
  read: number;
  stats: TranscriptStats;
  sessions: string[];
}

/**
 * Runs an import's reading and parsing in a worker thread while this thread records each batch (with the
 * file's cursor after its events, as in-process). Rejects if the worker fails; what it sent is recorded.
 */
export function importInWorker(
  options: ImportWorkerOptions & { agent?: string },
  files: { path: string; offset: number }[],
  batch: ImportBatch,
  onFile: (r: WorkerFileResult) => void,
): Promise<void> {
  const job: ImportJob = { agent: options.agent, files, roots: options.roots, rules: options.rules ?? [], encodeFrom: options.encodeFrom ?? IMPORT_ENCODE_FROM };
  return new Promise((resolve, reject) => {
    let settled = false;
    const worker = new Worker(options.script, { workerData: job });
    const fail = (err: Error): void => {
      if (settled) return;
      settled = true;
      void worker.terminate();
      reject(err);
    };
    worker.on('message', (m: FromImportWorker) => {
      if (settled) return;
      try {
        if (m.type === 'batch') {
          // Taken before it is recorded: the worker goes on parsing while this thread appends.
          worker.postMessage({ type: 'ack', events: m.events.length } satisfies ToImportWorker);
          // Encoded there (its bytes arrive as a plain Uint8Array) or, with time to spare, here.
          const sent = m.encoded;
          const lines = sent ? { journal: Buffer.from(sent.journal.buffer, sent.journal.byteOffset, sent.journal.byteLength), spans: sent.spans } : encodeJournalLines(m.events);
          batch.addPrepared(m.events, lines);
          batch.cursor(m.source, m.offset);
        } else if (m.type === 'file') {
          onFile(m);
        } else {
          settled = true;
          void worker.terminate();
          resolve();
        }
      } catch (err) {
        fail(err as Error); // the record refused a batch: stop reading more
      }
    });
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the import worker stopped (exit ${code})`)));
  });
}
