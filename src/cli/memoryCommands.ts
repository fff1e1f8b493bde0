import { existsSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { activeSessionFromJournal, decisionEvent, DecisionError, repoRelative } from '../core/capture/decision';
import { appendToJournal } from '../core/record/appendToJournal';
import type { RecordEvent } from '../core/record/events';
import { locateRecord, readHead } from '../core/record/location';
import { RecordStore } from '../core/record/store';
import { fileHistory, fileHistoryMarkdown, fileKey } from '../core/report/fileHistory';
import { buildMemory, DEFAULT_MEMORY_CHARS } from '../core/report/memory';
import { MemoryBlockError, writeMemoryBlock } from '../core/report/memoryBlock';
import { keepMemory } from '../core/report/memoryWriter';
import { gitIdentity } from '../core/review/reviews';
import { UsageError, type CliArgs } from './args';

type Out = (text: string) => void;

/** Where a relative PATH argument starts: the current folder when it is inside the repository, else the repository's root. */
export function baseFor(repoRoot: string, cwd: string): string {
  const rel = relative(repoRoot, cwd);
  return rel.startsWith('..') || isAbsolute(rel) ? repoRoot : cwd;
}

export function repoOf(args: CliArgs): { dir: string; repoRoot: string } {
  if (!existsSync(args.repo)) throw new UsageError(`--repo ${args.repo}: no such folder`);
  const location = locateRecord(args.repo);
  if (!location?.repoRoot) throw new UsageError(`${args.repo} is not inside a git repository (pass --repo PATH)`);
  return { dir: location.dir, repoRoot: location.repoRoot };
}

/**
 * `flightdeck decide "TEXT" [--file PATH…]`: durable once its journal line is (like a note), then the hand-off
 * beside the record is rebuilt so the next session hears of it; a failure there is said, and the decision stays.
 */
export async function decide(args: CliArgs, cwd: string, out: Out, err: Out): Promise<number> {
  const text = args.positionals.join(' ').trim();
  if (!text) throw new UsageError('decide wants the decision: flightdeck decide "TEXT" [--file PATH…]');
  const { dir, repoRoot } = repoOf(args);
  let event: RecordEvent;
  try {
    const files = args.files.map((f) => repoRelative(repoRoot, f, baseFor(repoRoot, cwd)));
    const session = args.session ?? activeSessionFromJournal(dir);
    [event] = appendToJournal(dir, [decisionEvent({ text, files, session, by: await gitIdentity(repoRoot), source: 'cli' })]) as [RecordEvent];
  } catch (e) {
    if (e instanceof DecisionError) throw new UsageError(e.message);
    throw e;
  }
  out(args.json ? JSON.stringify({ id: event.id, session: event.session ?? null, files: event.data.files }) : event.id);
  try {
    const store = await RecordStore.open(dir);
    try {
      keepMemory(store).dispose();
    } finally {
      store.close();
    }
  } catch (e) {
    err(`flightdeck: the decision is recorded, but the hand-off beside the record was not rebuilt: ${(e as Error).message}`);
  }
  return 0;
}

/** `flightdeck memory [--max-chars N] [--out AGENTS.md]`: the hand-off for the next session on the current branch. */
export async function memory(args: CliArgs, cwd: string, out: Out): Promise<number> {
  const { dir, repoRoot } = repoOf(args);
  const store = await RecordStore.open(dir, { readOnly: true });
  let text: string;
  try {
    text = buildMemory(store.db, { branch: readHead(repoRoot).branch, maxChars: args.maxChars ?? DEFAULT_MEMORY_CHARS });
  } finally {
    store.close();
  }
  if (args.out) {
    const target = resolve(cwd, args.out);
    try {
      const changed = writeMemoryBlock(target, text || 'The flight record holds nothing to hand on yet.');
      out(changed ? `Wrote the memory into ${target} (between the flightdeck:memory markers)` : `${target} already holds this memory`);
    } catch (e) {
      if (e instanceof MemoryBlockError) throw new UsageError(e.message);
      throw e;
    }
    return 0;
  }
  out(args.json ? JSON.stringify({ memory: text }) : text || '(the record holds nothing to hand on yet)');
  return 0;
}

/** `flightdeck history PATH`: one file's history. */
export async function history(args: CliArgs, cwd: string, out: Out): Promise<number> {
  const [path] = args.positionals;
  if (!path) throw new UsageError('history wants a file: flightdeck history PATH');
  const { dir, repoRoot } = repoOf(args);
  const key = fileKey(repoRoot, resolve(baseFor(repoRoot, cwd), path));
  if (!key) throw new UsageError(`${path} is not a file inside ${repoRoot}`);
  const store = await RecordStore.open(dir, { readOnly: true });
  try {
    const h = fileHistory(store.db, key);
    out(args.json ? JSON.stringify(h, null, 2) : fileHistoryMarkdown(h));
  } finally {
    store.close();
  }
  return 0;
}
