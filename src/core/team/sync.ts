// A team's record through the git remote, without a server of ours: each clone pushes its own events (redacted, as
// this record lists them) to refs/flightdeck/records/<author> and fetches everyone's. Events are immutable and carry
// unique ids, so merging is a union and importing twice changes nothing. Only events recorded on this machine are
// pushed (a teammate's, imported, carry their author and are never pushed again), archived ones included.
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SqlValue } from 'sql.js';
import { RecordError, readTextIfExists } from '../record/errors';
import { encodeJournalLines } from '../record/journal';
import { FileLock } from '../record/fileLock';
import { readArchive } from '../record/archive';
import { withPayloads } from '../record/queries';
import type { RecordEvent } from '../record/events';
import type { RecordStore } from '../record/store';
import { authorSlug, currentAuthor, RECORDS_PREFIX, type Author } from './author';
import { RecordRefs, type FetchedRecord } from './recordRefs';
import { isShared, LOCAL_ONLY_KINDS, parseChunk, sharedForm } from './shared';

export const SYNC_STATE_FILE = 'team-sync.json';
const SYNC_LOCK = 'team-sync.lock';
/** Events a chunk file: a first sync of a long record is many files of bounded size, not one huge blob. */
const CHUNK_EVENTS = 10_000;
const PAGE = 2_000;
const ATTEMPTS = 6;

export interface TeammateSummary {
  author: string;
  sessions: number;
  events: number;
}

export interface SyncResult {
  remote: string;
  /** Our ref on the remote. */
  ref: string;
  author: string;
  /** Our events pushed this time (0: the remote had them all). */
  pushed: number;
  /** Teammates' events new to this record. */
  imported: number;
  /** Lines of fetched chunks that were not shareable events (damage, or a kind that stays on its machine). */
  skipped: number;
  /** Everyone whose events this record holds from the remote, with how many sessions and events. */
  teammates: TeammateSummary[];
  /** Pushes lost to this author's other machine (compare-and-swap) and made again on top of its chunks. */
  retried: number;
  /** Archive files whose events could not be read back to push (tried again next time). */
  unreadArchives: string[];
}

interface RemoteState {
  /** Chunk blobs already imported (or written by us): never read again. */
  imported: string[];
  /** Where our last push left off: our ref's commit and the record's last event (seq, id) it covered. */
  pushed?: { commit: string; seq: number; id: string };
  /** Archive files (flightdeck archive, keepLoadedDays) whose own events the remote has: never read for a push again. */
  archives?: string[];
}

type SyncState = Record<string, RemoteState>;

function readState(dir: string): SyncState {
  try {
    const v: unknown = JSON.parse(readTextIfExists(join(dir, SYNC_STATE_FILE)) ?? '{}');
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as SyncState) : {};
  } catch {
    return {}; // A damaged state only costs a slower sync: importing and pushing are idempotent.
  }
}

function writeState(dir: string, state: SyncState): void {
  const path = join(dir, SYNC_STATE_FILE);
  writeFileSync(`${path}.writing`, JSON.stringify(state));
  renameSync(`${path}.writing`, path);
}

const one = (store: RecordStore, sql: string, params: SqlValue[] = []): SqlValue[] | undefined => store.db.exec(sql, params)[0]?.values[0];

/** The ids of these that the record already holds. */
function knownIds(store: RecordStore, ids: string[]): Set<string> {
  const out = new Set<string>();
  for (let i = 0; i < ids.length; i += 500) {
    const part = ids.slice(i, i + 500);
    for (const [id] of store.db.exec(`SELECT id FROM events WHERE id IN (${part.map(() => '?').join(',')})`, part)[0]?.values ?? []) out.add(String(id));
  }
  return out;
}

/** Every event id in a record commit's chunks (what the remote already has of ours). */
async function idsOn(refs: RecordRefs, commit: string | undefined): Promise<Set<string>> {
  const ids = new Set<string>();
  if (!commit) return ids;
  for (const c of await refs.chunks(commit)) {
    for (const line of (await refs.readChunk(c.blob)).split('\n')) {
      const m = /^\{"id":("(?:[^"\\]|\\.)*")/.exec(line);
      if (m) ids.add(JSON.parse(m[1] as string) as string);
    }
  }
  return ids;
}

export class TeamSync {
  private readonly refs: RecordRefs;

  constructor(
    private readonly store: RecordStore,
    private readonly repoRoot: string,
    readonly remote: string,
  ) {
    this.refs = new RecordRefs(repoRoot, remote);
  }

  /** Fetches everyone's record and imports what is new, then pushes ours. Throws a RecordError a user can act on. */
  async run(): Promise<SyncResult> {
    const author = await currentAuthor(this.repoRoot);
    await this.refs.checkRemote();
    const lock = new FileLock(join(this.store.dir, SYNC_LOCK), 15 * 60_000);
    if (!lock.tryAcquire()) throw new RecordError('another team sync of this record is running; try again once it ends', 'EBUSY');
    const all = readState(this.store.dir);
    const state: RemoteState = (all[this.remote] ??= { imported: [] });
    const seen = new Set(state.imported);
    try {
      let imported = 0;
      let skipped = 0;
      const fetched = await this.refs.fetchAll();
      for (const rec of fetched) {
        const got = await this.importRecord(rec, seen);
        imported += got.imported;
        skipped += got.skipped;
      }
      let base = fetched.find((f) => f.slug === author.slug)?.commit;
      let pushed = 0;
      let retried = 0;
      let unreadArchives: string[] = [];
      for (let attempt = 0; ; attempt++) {
        if (attempt >= ATTEMPTS) throw new RecordError(`your team record on "${this.remote}" kept changing while we tried ${ATTEMPTS} times; try again`, 'EREMOTE');
        const out = await this.push(author, base, state, seen);
        if (out.ok) {
          pushed = out.pushed;
          unreadArchives = out.unreadArchives;
          break;
        }
        // Lost the race to this author's other machine: take in what it pushed, then push what is still ours alone.
        retried++;
        base = await this.refs.fetchOne(author.slug);
        if (base) {
          const got = await this.importRecord({ slug: author.slug, commit: base, localRef: this.refs.localPrefix + author.slug }, seen);
          imported += got.imported;
          skipped += got.skipped;
        }
      }
      return { remote: this.remote, ref: RECORDS_PREFIX + author.slug, author: author.email, pushed, imported, skipped, teammates: this.teammates(), retried, unreadArchives };
    } finally {
      state.imported = [...seen];
      try {
        writeState(this.store.dir, all);
      } finally {
        lock.release();
      }
    }
  }

  /** Who this record holds events from, through sync. */
  teammates(): TeammateSummary[] {
    const sessions = new Map((this.store.db.exec('SELECT author, count(*) FROM sessions WHERE author IS NOT NULL GROUP BY author')[0]?.values ?? []).map(([a, n]) => [String(a), Number(n)]));
    return (this.store.db.exec('SELECT author, count(*) FROM events WHERE author IS NOT NULL GROUP BY author ORDER BY author')[0]?.values ?? []).map(([a, n]) => ({
      author: String(a), sessions: sessions.get(String(a)) ?? 0, events: Number(n),
    }));
  }

  /** Imports the chunks of one fetched record this clone has not read yet. */
  private async importRecord(rec: FetchedRecord, seen: Set<string>): Promise<{ imported: number; skipped: number }> {
    const fresh = (await this.refs.chunks(rec.commit)).filter((c) => !seen.has(c.blob));
    if (fresh.length === 0) return { imported: 0, skipped: 0 };
    // The commit's author names the record, when it is the owner of the ref; else the ref's name does.
    const email = await this.refs.commitAuthor(rec.commit);
    const author = email && authorSlug(email) === rec.slug ? email : rec.slug;
    let imported = 0;
    let skipped = 0;
    for (const chunk of fresh) {
      const parsed = parseChunk(await this.refs.readChunk(chunk.blob), author);
      skipped += parsed.skipped;
      for (let i = 0; i < parsed.events.length; i += PAGE) {
        const page = parsed.events.slice(i, i + PAGE);
        // Events this record has (our own, pushed from here, or imported before) are not written to the journal again.
        const known = knownIds(this.store, page.map((e) => e.id));
        const fresh = page.filter((e) => !known.has(e.id));
        if (fresh.length === 0) continue;
        this.store.append(fresh);
        imported += this.store.lastAppendAdded;
        // A long first import runs in the editor's process too: let other work in between pages.
        await new Promise((resolve) => setImmediate(resolve));
      }
      seen.add(chunk.blob);
    }
    return { imported, skipped };
  }

  /**
   * Pushes the events recorded here that our ref lacks, as new chunks on top of `base`. Which ones: after the last
   * push's place in the record when our ref is still where that push left it; otherwise (another machine of ours
   * pushed, or this clone's state is gone) every event of ours whose id the ref's chunks do not hold. Our events
   * archived since (their rows gone from the database) are read back from archive files not yet pushed from.
   */
  private async push(
    author: Author, base: string | undefined, state: RemoteState, seen: Set<string>,
  ): Promise<{ ok: true; pushed: number; unreadArchives: string[] } | { ok: false }> {
    const [maxSeq = 0, maxId = ''] = (one(this.store, 'SELECT seq, id FROM events ORDER BY seq DESC LIMIT 1') ?? []).map((v) => v ?? '');
    const last = state.pushed;
    const fast = last !== undefined && last.commit === base && String(one(this.store, 'SELECT id FROM events WHERE seq = ?', [last.seq])?.[0] ?? '') === last.id;
    const fromSeq = fast && last ? last.seq : 0;
    let onRemote = fast ? undefined : await idsOn(this.refs, base);
    const blobs: string[] = [];
    let count = 0;
    let batch: RecordEvent[] = [];
    const batched = new Set<string>();
    const flush = async (): Promise<void> => {
      if (batch.length === 0) return;
      blobs.push(await this.refs.writeBlob(encodeJournalLines(batch).journal.toString('utf8')));
      count += batch.length;
      batch = [];
    };
    const add = async (e: RecordEvent): Promise<void> => {
      if (onRemote?.has(e.id) || batched.has(e.id)) return;
      batched.add(e.id);
      batch.push(sharedForm(e));
      if (batch.length >= CHUNK_EVENTS) await flush();
    };

    // Archived events first (they are the older ones). Some may have been pushed before they were archived: the ref's
    // ids say which, read only when there is an archive file to push from.
    const done = new Set(state.archives ?? []);
    const archives = (this.store.db.exec('SELECT file FROM archives ORDER BY at, file')[0]?.values ?? []).map((r) => String(r[0]));
    const fresh = archives.filter((f) => !done.has(f));
    const unreadArchives: string[] = [];
    if (fresh.length) onRemote ??= await idsOn(this.refs, base);
    for (const file of fresh) {
      let events: RecordEvent[];
      try {
        events = readArchive(this.store.dir, file);
      } catch {
        unreadArchives.push(file); // said in the result; the rest of the record is still shared
        continue;
      }
      for (const e of events) if (e.author === undefined && isShared(e.kind)) await add(e);
      await new Promise((resolve) => setImmediate(resolve));
    }
    const pushedArchives = archives.filter((f) => !unreadArchives.includes(f));

    const kinds = LOCAL_ONLY_KINDS.map(() => '?').join(',');
    for (let after = fromSeq; ;) {
      const found = this.store.db.exec(
        `SELECT id, kind, at, session_id, source, data, seg, off, len, author, seq FROM events
         WHERE seq > ? AND seq <= ? AND author IS NULL AND kind NOT IN (${kinds}) ORDER BY seq LIMIT ${PAGE}`,
        [after, Number(maxSeq), ...LOCAL_ONLY_KINDS],
      )[0]?.values ?? [];
      if (found.length === 0) break;
      after = Number(found[found.length - 1]?.[10]);
      for (const e of withPayloads(this.store.db, found)) await add(e);
    }
    await flush();
    const mark = { seq: Number(maxSeq), id: String(maxId) };
    if (blobs.length === 0) {
      if (base) state.pushed = { commit: base, ...mark };
      state.archives = pushedArchives;
      return { ok: true, pushed: 0, unreadArchives };
    }
    const { commit, chunks } = await this.refs.appendCommit(author, base, blobs, `Flightdeck team record: ${count} events from ${author.email}`);
    const r = await this.refs.push(author.slug, base, commit);
    if (!r.ok) {
      const now = await this.refs.remoteHead(author.slug);
      if (now !== base) return { ok: false };
      throw new RecordError(`the remote "${this.remote}" refused your team record (${RECORDS_PREFIX}${author.slug}): ${r.why}`, 'EREJECTED');
    }
    for (const c of chunks) seen.add(c.blob);
    state.pushed = { commit, ...mark };
    state.archives = pushedArchives;
    return { ok: true, pushed: count, unreadArchives };
  }
}
