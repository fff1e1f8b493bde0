import { RecordStore } from '../../../src/core/record/store';

/** Notes `${prefix}0` … `${prefix}${n - 1}`. */
export const noteEvents = (n: number, prefix = 'n') => Array.from({ length: n }, (_, i) => ({ kind: 'note', data: { text: `${prefix}${i}` } }));

/** A closed record with two snapshots (after notes a…, then b…) and notes c… in the journal after them. */
export async function recordWithTwoSnapshots(dir: string, perStep: number): Promise<void> {
  const s = await RecordStore.open(dir);
  for (const prefix of ['a', 'b']) {
    s.append(noteEvents(perStep, prefix));
    s.snapshot();
  }
  s.append(noteEvents(perStep, 'c'));
  s.close();
}
