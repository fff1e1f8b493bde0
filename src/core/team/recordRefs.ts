// The team record's transport on the git remote, the way the team deploy lock does it (gates/remoteStore.ts): one
// ref a person, refs/flightdeck/records/<author>, whose commits are built with plumbing (hash-object, mktree,
// commit-tree) and never touch a working tree or index. Each sync adds one commit, parented on the last, whose tree
// is the previous tree plus the new chunk files: history is appended, never rewritten. Pushes are compare-and-swap
// (--force-with-lease on the sha we read), fetches bring only these refs.
import { RecordError } from '../record/errors';
import { git, gitComplaint } from '../git';
import { authorSlug, RECORDS_PREFIX, type Author } from './author';

/** One chunk file in a record's tree. */
export interface Chunk {
  name: string;
  blob: string;
}

/** A teammate's (or our own) record ref as fetched into this clone. */
export interface FetchedRecord {
  slug: string;
  commit: string;
  /** Where this clone keeps its copy: refs/flightdeck/team/<remote>/<slug>. */
  localRef: string;
}

export class RecordRefs {
  constructor(
    private readonly repoRoot: string,
    readonly remote: string,
  ) {}

  /** This clone's copies of the remote's records live apart from anything git itself fetches. */
  get localPrefix(): string {
    return `refs/flightdeck/team/${authorSlug(this.remote) || 'remote'}/`;
  }

  /** Fails clearly when there is no such remote: a typo must not read as "nobody shared anything". */
  async checkRemote(): Promise<void> {
    const r = await git(this.repoRoot, ['remote', 'get-url', this.remote]);
    if (r.code !== 0) throw new RecordError(`there is no git remote named "${this.remote}" (see git remote -v; pass --remote NAME)`, 'ENOREMOTE');
  }

  /** Fetches every record ref (only those refs, and only objects this clone lacks); unreachable is an error. */
  async fetchAll(): Promise<FetchedRecord[]> {
    const f = await git(
      this.repoRoot,
      ['fetch', '-q', '--no-tags', '--no-write-fetch-head', '--prune', this.remote, `+${RECORDS_PREFIX}*:${this.localPrefix}*`],
      { timeoutMs: 120_000 },
    );
    if (f.code !== 0) throw new RecordError(`cannot reach the remote "${this.remote}" to sync the team record: ${gitComplaint(f)}`, 'EREMOTE');
    return this.fetched();
  }

  /** The record refs this clone holds copies of. */
  async fetched(): Promise<FetchedRecord[]> {
    const r = await git(this.repoRoot, ['for-each-ref', '--format=%(objectname) %(refname)', this.localPrefix]);
    if (r.code !== 0) throw new RecordError(`cannot list the fetched team records: ${gitComplaint(r)}`, 'EGIT');
    return r.stdout.split('\n').filter(Boolean).map((line) => {
      const [commit = '', localRef = ''] = line.split(' ');
      return { commit, localRef, slug: localRef.slice(this.localPrefix.length) };
    });
  }

  /** The sha the remote's ref has now, or undefined when it has none; unreachable is an error. */
  async remoteHead(slug: string): Promise<string | undefined> {
    const ref = RECORDS_PREFIX + slug;
    const r = await git(this.repoRoot, ['ls-remote', this.remote, ref], { timeoutMs: 60_000 });
    if (r.code !== 0) throw new RecordError(`cannot reach the remote "${this.remote}" to sync the team record: ${gitComplaint(r)}`, 'EREMOTE');
    return r.stdout.split('\n').map((l) => l.split('\t')).find(([, name]) => name === ref)?.[0];
  }

  /** The chunk files of a record commit, oldest first (their names sort by when they were added). */
  async chunks(commit: string): Promise<Chunk[]> {
    const r = await git(this.repoRoot, ['ls-tree', commit]);
    if (r.code !== 0) throw new RecordError(`cannot read the team record ${commit.slice(0, 12)}: ${gitComplaint(r)}`, 'EGIT');
    const out: Chunk[] = [];
    for (const line of r.stdout.split('\n')) {
      const m = /^100644 blob ([0-9a-f]+)\t(.+\.jsonl)$/.exec(line);
      if (m) out.push({ blob: m[1] as string, name: m[2] as string });
    }
    return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  async readChunk(blob: string): Promise<string> {
    const r = await git(this.repoRoot, ['cat-file', 'blob', blob]);
    if (r.code !== 0) throw new RecordError(`cannot read a team record chunk ${blob.slice(0, 12)}: ${gitComplaint(r)}`, 'EGIT');
    return r.stdout;
  }

  /** Who made a record commit (its author email): the name on the teammate's record. */
  async commitAuthor(commit: string): Promise<string | undefined> {
    const r = await git(this.repoRoot, ['cat-file', 'commit', commit]);
    if (r.code !== 0) return undefined;
    return /^author .*<([^>]*)> \d+ [+-]\d{4}$/m.exec(r.stdout)?.[1];
  }

  /** Stores one chunk file's text as a blob (not yet in any tree). */
  async writeBlob(body: string): Promise<string> {
    const h = await git(this.repoRoot, ['hash-object', '-w', '--stdin'], { input: body });
    if (h.code !== 0) throw new RecordError(`cannot write a team record chunk: ${gitComplaint(h)}`, 'EGIT');
    return h.stdout.trim();
  }

  /** A commit whose tree is the parent's chunks plus these blobs, parented on it; returns it and the new chunks. */
  async appendCommit(author: Author, parent: string | undefined, blobs: string[], message: string): Promise<{ commit: string; chunks: Chunk[] }> {
    const existing = parent ? await this.chunks(parent) : [];
    // Named by position and time, with a random tail: two machines of one author never write one name twice.
    const stamp = Date.now().toString(36).padStart(9, '0');
    const added: Chunk[] = blobs.map((blob, i) => ({
      blob,
      name: `${String(existing.length + i + 1).padStart(6, '0')}-${stamp}-${Math.random().toString(36).slice(2, 8)}.jsonl`,
    }));
    const tree = await git(this.repoRoot, ['mktree'], { input: [...existing, ...added].map((c) => `100644 blob ${c.blob}\t${c.name}\n`).join('') });
    if (tree.code !== 0) throw new RecordError(`cannot write the team record's tree: ${gitComplaint(tree)}`, 'EGIT');
    const who = author.name ?? author.email;
    const env = { GIT_AUTHOR_NAME: who, GIT_AUTHOR_EMAIL: author.email, GIT_COMMITTER_NAME: who, GIT_COMMITTER_EMAIL: author.email };
    const c = await git(this.repoRoot, ['commit-tree', tree.stdout.trim(), ...(parent ? ['-p', parent] : []), '-m', message], { env });
    if (c.code !== 0) throw new RecordError(`cannot write the team record's commit: ${gitComplaint(c)}`, 'EGIT');
    return { commit: c.stdout.trim(), chunks: added };
  }

  /** Moves our ref from `old` (absent: it must not exist) to `next`; false when someone moved it first. */
  async push(slug: string, old: string | undefined, next: string): Promise<{ ok: true } | { ok: false; why: string }> {
    const ref = RECORDS_PREFIX + slug;
    // --no-verify: a pre-push hook gates code pushes, not the record's own ref.
    const r = await git(this.repoRoot, ['push', '--porcelain', '--no-verify', `--force-with-lease=${ref}:${old ?? ''}`, this.remote, `${next}:${ref}`], {
      timeoutMs: 120_000,
    });
    if (r.code === 0) {
      await git(this.repoRoot, ['update-ref', this.localPrefix + slug, next]);
      return { ok: true };
    }
    return { ok: false, why: gitComplaint({ ...r, stderr: `${r.stderr}\n${r.stdout.split('\n').filter((l) => l.startsWith('!')).join('\n')}` }) };
  }

  /** Brings our own ref's copy up to date after a push lost a race (the other machine's chunks are needed). */
  async fetchOne(slug: string): Promise<string | undefined> {
    const f = await git(this.repoRoot, ['fetch', '-q', '--no-tags', '--no-write-fetch-head', this.remote, `+${RECORDS_PREFIX}${slug}:${this.localPrefix}${slug}`], {
      timeoutMs: 120_000,
    });
    if (f.code !== 0 && !/couldn't find remote ref/i.test(f.stderr)) {
      throw new RecordError(`cannot reach the remote "${this.remote}" to sync the team record: ${gitComplaint(f)}`, 'EREMOTE');
    }
    const r = await git(this.repoRoot, ['rev-parse', '--verify', '-q', this.localPrefix + slug]);
    return r.code === 0 ? r.stdout.trim() : undefined;
  }
}
