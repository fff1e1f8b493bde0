import { mkdirSync } from 'node:fs';
import { describeFsError } from './errors';
import { completeEvent, type NewEvent, type RecordEvent } from './events';
import { JournalWriter } from './journal';

/**
 * Appends events to the record's journal without opening the database (the CLI's notes, the gates, the hooks'
 * neighbours): durable once this returns, applied by whoever opens the record next.
 */
export function appendToJournal(dir: string, events: readonly NewEvent[]): RecordEvent[] {
  const complete = events.map(completeEvent);
  if (complete.length === 0) return complete;
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw describeFsError('create the record in', dir, e);
  }
  const writer = new JournalWriter(dir);
  try {
    writer.append(complete);
  } finally {
    writer.close();
  }
  return complete;
}
