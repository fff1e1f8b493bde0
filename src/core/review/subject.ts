// The seam between risk detection and review: what a review is about, and the exact input engines get.
import { createHash } from 'node:crypto';
import { dependencyChange } from '../capture/classify';
import { containsSecret, redactText } from '../capture/redact';
import type { PolicyState, RiskyFile } from '../risk/types';
import { parseUnifiedDiff } from './diff';
import { isSecretsFileByPath, redactFileMatches, withholdFiles } from './secretFiles';
import type { ReviewInput } from './types';

/**
 * What `flightdeck risk` finds in a repository: the policy in force, the changes since a base commit and the
 * risky ones among them. The risk code (policy loader, change reader, classifier) produces it; reviews only read it.
 */
export interface RiskScan {
  policy: PolicyState;
  /** The commit the changes are against (the session's starting commit, or HEAD). */
  baseCommit: string;
  /** Every changed path, risky or not (a test changed beside auth code is evidence). */
  changed: { path: string; change: RiskyFile['change'] }[];
  risky: RiskyFile[];
  /** Unified diff of `paths` against baseCommit (committed or not, untracked files as added), not redacted. */
  diff(paths: readonly string[]): Promise<string>;
  /** Git's blob id of each path's content on disk now (a deleted path has none): what a push of it will carry. */
  blobs?(paths: readonly string[]): Promise<Map<string, string>>;
}

/** Finds the risky changes of a repository; `base` overrides the commit they are measured from. */
export type RiskScanner = (repoRoot: string, base?: string) => Promise<RiskScan>;

/** What a review is about, before anything is redacted or sent. */
export interface ReviewSubject {
  policy: PolicyState;
  baseCommit: string;
  files: RiskyFile[];
  /** Every changed path of the same change. */
  changedPaths: string[];
  /** The risky files' unified diff, as git printed it (may hold secrets: never stored or sent as is). */
  rawDiff: string;
  intent: string;
  boundary: string;
  session?: string;
  /** The reviewed content of each file as git's blob id (none for a deletion): check-push knows a pushed file was reviewed by it. */
  blobs?: Map<string, string>;
}

/** Builds a subject from a scan: only files in a category that needs a review. */
export async function subjectFromScan(
  scan: RiskScan,
  context: { intent: string; boundary: string; session?: string },
): Promise<ReviewSubject> {
  const reviewed = new Set(scan.policy.policy.categories.filter((c) => c.review).map((c) => c.id));
  const needed = scan.risky.filter((f) => f.categories.some((c) => reviewed.has(c)));
  // A manifest changed in the same change rides along (its category may open no review of its own): a dependency
  // added beside auth or payment code is what the rules' dependency check is for.
  const manifests = needed.length ? scan.risky.filter((f) => !needed.includes(f) && f.change !== 'deleted' && dependencyChange(f.path)?.manifest) : [];
  const files = [...needed, ...manifests];
  const paths = files.map((f) => f.path);
  const rawDiff = files.length ? await scan.diff(paths) : '';
  const blobs = files.length && scan.blobs ? await scan.blobs(paths.filter((_, i) => files[i]?.change !== 'deleted')) : undefined;
  return {
    policy: scan.policy, baseCommit: scan.baseCommit, files, changedPaths: scan.changed.map((c) => c.path), rawDiff, ...context, ...(blobs ? { blobs } : {}),
  };
}

/** A line people read: "auth, migrations: app/auth/session.rb, db/migrate/…rb (+1)". */
export function describeSubject(files: readonly RiskyFile[]): string {
  const categories = [...new Set(files.flatMap((f) => f.categories))].sort();
  const shown = files.slice(0, 3).map((f) => f.path);
  const more = files.length > shown.length ? ` (+${files.length - shown.length})` : '';
  return `${categories.join(', ') || 'no category'}: ${shown.join(', ') || 'no files'}${more}`;
}

/** sha256 of the change itself (files, categories, diff): a re-review of the same change has the same one. */
export function changeHash(subject: Pick<ReviewSubject, 'baseCommit' | 'files' | 'rawDiff'>): string {
  const files = subject.files.map((f) => [f.path, f.change, [...f.categories].sort()]);
  return createHash('sha256').update(JSON.stringify([subject.baseCommit, files, subject.rawDiff])).digest('hex');
}

const PRIVATE_KEY_START = /-----BEGIN [A-Z ]*PRIVATE KEY-----/;

/**
 * Secret-looking literals on the added lines, found before redaction: where and what kind, never the value.
 * The rules engine reports them; every engine sees them replaced.
 */
export function findSecrets(rawDiff: string): { file: string; line: number; kind: string }[] {
  const found: { file: string; line: number; kind: string }[] = [];
  for (const f of parseUnifiedDiff(rawDiff)) {
    for (const a of f.added) {
      // A key block's first line alone is not redacted (the rule wants the whole block), but it is the secret's start.
      const kind = PRIVATE_KEY_START.test(a.text) ? 'private-key'
        : containsSecret(a.text) ? (/\[REDACTED:([a-z-]+)\]/.exec(redactText(a.text))?.[1] ?? 'secret') : undefined;
      if (!kind) continue;
      found.push({ file: f.path, line: a.line, kind });
    }
  }
  return found;
}

/**
 * Exactly what an engine is given: the intent, boundary, categories and the redacted diff, nothing else. A file in
 * the secrets category by its path (`.env`, `*.pem`) keeps its diff header but not its contents.
 */
export function buildReviewInput(
  subject: ReviewSubject,
  reviewId: string,
  checks: ReviewInput['checks'],
): ReviewInput {
  const withheld = new Set(subject.files.filter(isSecretsFileByPath).map((f) => f.path));
  return {
    reviewId,
    intent: redactText(subject.intent),
    boundary: redactText(subject.boundary),
    files: redactFileMatches(subject.files),
    diff: redactText(withholdFiles(subject.rawDiff, withheld)),
    baseCommit: subject.baseCommit,
    checks,
    policyHash: subject.policy.hash,
    changedPaths: subject.changedPaths,
    secrets: findSecrets(subject.rawDiff),
  };
}
