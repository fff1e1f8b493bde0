// The team's deploy lock and ship queue on the git remote: two refs whose commits (empty tree, no parent)
// carry the JSON in their message. They are created, moved and deleted only by pushes with
// --force-with-lease=<ref>:<the sha we read>, so of two racing writers exactly one wins; the other reads
// again and finds the lock held. Any git host works; there is no server of ours.
import { RecordError } from '../record/errors';
import { git, gitComplaint } from '../git';
import { parseLock, parseQueue, unreadableLock } from './parse';
import { GateTx } from './rules';
import { factsToEvents, sameState, type GateRecorder, type GateStore } from './store';
import { DEFAULT_PROCESS_LEASE_MS, type GateEnv, type GateState, type QueueState } from './types';

export const LOCK_REF = 'refs/flightdeck/deploy-lock';
export const QUEUE_REF = 'refs/flightdeck/ship-queue';

/** The lock commits' author: the holder is in the JSON; this only keeps commit-tree from needing an identity. */
const COMMIT_ENV = { GIT_AUTHOR_NAME: 'flightdeck', GIT_AUTHOR_EMAIL: 'flightdeck@localhost', GIT_COMMITTER_NAME: 'flightdeck', GIT_COMMITTER_EMAIL: 'flightdeck@localhost' };
const ATTEMPTS = 8;

interface Snapshot {
  state: GateState;
  lockSha?: string;
  queueSha?: string;
}

class Moved extends Error {}

export class RemoteGateStore implements GateStore {
  readonly scope = 'remote' as const;
  readonly where: string;
  private emptyTree: string | undefined;

  constructor(
    private readonly repoRoot: string,
    readonly remote: string,
    private readonly env: GateEnv,
    private readonly record: GateRecorder,
    private readonly source = 'cli',
  ) {
    this.where = `${remote} ${LOCK_REF}`;
  }

  async read(): Promise<GateState> {
    return (await this.snapshot()).state;
  }

  /** The refs' shas as the remote has them now; an unreachable remote is an error, never "free". */
  async heads(): Promise<{ lockSha?: string; queueSha?: string }> {
    const r = await git(this.repoRoot, ['ls-remote', this.remote, LOCK_REF, QUEUE_REF], { timeoutMs: 30_000 });
    if (r.code !== 0) throw new RecordError(`cannot reach the remote "${this.remote}" for the team deploy lock: ${gitComplaint(r)}`, 'EREMOTE');
    const out: { lockSha?: string; queueSha?: string } = {};
    for (const line of r.stdout.split('\n')) {
      const [sha, ref] = line.split('\t');
      if (ref === LOCK_REF) out.lockSha = sha;
      if (ref === QUEUE_REF) out.queueSha = sha;
    }
    return out;
  }

  async transact<R>(step: (tx: GateTx) => R): Promise<R> {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      let snap: Snapshot;
      try {
        snap = await this.snapshot();
      } catch (e) {
        if (e instanceof Moved) continue;
        throw e;
      }
      const tx = new GateTx(snap.state, this.env);
      const result = step(tx);
      if (sameState(snap.state, tx.state) && tx.facts.length === 0) return result;
      const updates: { ref: string; old?: string; next?: string }[] = [];
      if (JSON.stringify(tx.state.lock) !== JSON.stringify(snap.state.lock)) {
        updates.push({ ref: LOCK_REF, old: snap.lockSha, next: tx.state.lock ? await this.commit(tx.state.lock) : undefined });
      }
      if (JSON.stringify(tx.state.queue) !== JSON.stringify(snap.state.queue)) {
        const empty = tx.state.queue.entries.length === 0 && !tx.state.queue.turn;
        updates.push({ ref: QUEUE_REF, old: snap.queueSha, next: empty ? undefined : await this.commit(tx.state.queue) });
      }
      const live = updates.filter((u) => u.old !== u.next);
      if (live.length) {
        const pushed = await this.push(live);
        if (!pushed.ok) {
          const now = await this.heads();
          if (now.lockSha !== snap.lockSha || now.queueSha !== snap.queueSha) continue; // Someone else won this round: read again.
          throw new RecordError(`cannot update the team deploy lock on "${this.remote}": ${pushed.why}`, 'EREMOTE');
        }
      }
      try {
        this.record(factsToEvents(tx.facts, this.scope, this.where, this.source));
      } catch (e) {
        // Unrecorded means undone: put the refs back, if nobody moved them since.
        if (live.length) await this.push(live.map((u) => ({ ref: u.ref, old: u.next, next: u.old })));
        throw e;
      }
      return result;
    }
    throw new RecordError(`the team deploy lock on "${this.remote}" kept changing while we tried ${ATTEMPTS} times; try again`, 'EREMOTE');
  }

  private async push(updates: { ref: string; old?: string; next?: string }[]): Promise<{ ok: true } | { ok: false; why: string }> {
    // --atomic: the lock and the queue move together or not at all. --no-verify: a pre-push hook gates
    // code pushes, not the lock's own refs.
    const args = ['push', '--porcelain', '--no-verify', ...(updates.length > 1 ? ['--atomic'] : [])];
    for (const u of updates) args.push(`--force-with-lease=${u.ref}:${u.old ?? ''}`);
    args.push(this.remote);
    for (const u of updates) args.push(u.next ? `${u.next}:${u.ref}` : `:${u.ref}`);
    const r = await git(this.repoRoot, args, { timeoutMs: 60_000 });
    return r.code === 0 ? { ok: true } : { ok: false, why: gitComplaint({ ...r, stderr: `${r.stderr}\n${r.stdout.split('\n').filter((l) => l.startsWith('!')).join('\n')}` }) };
  }

  private async commit(value: unknown): Promise<string> {
    if (!this.emptyTree) {
      const t = await git(this.repoRoot, ['mktree'], { input: '' });
      if (t.code !== 0) throw new RecordError(`cannot write the lock's commit: ${gitComplaint(t)}`, 'EGIT');
      this.emptyTree = t.stdout.trim();
    }
    const r = await git(this.repoRoot, ['commit-tree', this.emptyTree, '-m', JSON.stringify(value)], { env: COMMIT_ENV });
    if (r.code !== 0) throw new RecordError(`cannot write the lock's commit: ${gitComplaint(r)}`, 'EGIT');
    return r.stdout.trim();
  }

  private async snapshot(): Promise<Snapshot> {
    const heads = await this.heads();
    const lockBody = heads.lockSha ? await this.body(heads.lockSha, LOCK_REF) : undefined;
    const queueBody = heads.queueSha ? await this.body(heads.queueSha, QUEUE_REF) : undefined;
    let lock = lockBody ? parseLock(lockBody.message) : undefined;
    if (lockBody && !lock && heads.lockSha) lock = unreadableLock(heads.lockSha.slice(0, 12), lockBody.at, DEFAULT_PROCESS_LEASE_MS);
    const queue: QueueState = (queueBody ? parseQueue(queueBody.message) : undefined) ?? { entries: [] };
    return { state: { lock, queue }, ...heads };
  }

  /** A ref commit's message and commit time; fetched (that ref only) when this clone does not have it yet. */
  private async body(sha: string, ref: string): Promise<{ message: string; at: number }> {
    let r = await git(this.repoRoot, ['cat-file', 'commit', sha]);
    if (r.code !== 0) {
      const seen = `refs/flightdeck/seen/${this.remote}/${ref.slice('refs/flightdeck/'.length)}`;
      const f = await git(this.repoRoot, ['fetch', '-q', '--no-tags', '--no-write-fetch-head', this.remote, `+${ref}:${seen}`], { timeoutMs: 60_000 });
      if (f.code !== 0 && !/couldn't find remote ref/i.test(f.stderr)) {
        throw new RecordError(`cannot fetch ${ref} from "${this.remote}": ${gitComplaint(f)}`, 'EREMOTE');
      }
      r = await git(this.repoRoot, ['cat-file', 'commit', sha]);
      if (r.code !== 0) throw new Moved(); // The ref moved between ls-remote and fetch: read it all again.
    }
    const split = r.stdout.indexOf('\n\n');
    const headers = split < 0 ? r.stdout : r.stdout.slice(0, split);
    const at = Number(/^committer .* (\d+) [+-]\d{4}$/m.exec(headers)?.[1] ?? 0) * 1000;
    return { message: split < 0 ? '' : r.stdout.slice(split + 2).trim(), at };
  }
}
