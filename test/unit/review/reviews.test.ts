import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Database } from 'sql.js';
import { RecordStore } from '../../../src/core/record/store';
import { EventApplier } from '../../../src/core/record/apply';
import { listEvents } from '../../../src/core/record/queries';
import type { RecordEvent } from '../../../src/core/record/events';
import { openReviews, reviewById, sessionReviews } from '../../../src/core/review/reviewQueries';
import {
  overrideEvent, overrideReasonProblem, recordOverride, runReview, verdictEvent, OverrideError,
} from '../../../src/core/review/reviews';
import { RulesEngine } from '../../../src/core/review/rulesEngine';
import { changeHash, type ReviewSubject, type RiskScan } from '../../../src/core/review/subject';
import { reviewChanges } from '../../../src/core/review/reviewChanges';
import type { ReviewEngine, ReviewInput, Verdict } from '../../../src/core/review/types';
import type { Policy } from '../../../src/core/risk/types';
import { tempDir } from '../helpers/tmp';

const POLICY: Policy = {
  version: 1, mode: 'advisory', protectedBranches: ['main'], ignore: [],
  categories: [{ id: 'auth', title: 'Authentication and sessions', paths: ['**/auth/**'], content: [], exclude: [], review: true, requiredChecks: ['test'] }],
};

const AUTH_DIFF = `diff --git a/app/auth/session.rb b/app/auth/session.rb
index 1111111..2222222 100644
--- a/app/auth/session.rb
+++ b/app/auth/session.rb
@@ -1,3 +1,3 @@
 class Session
-  def active? = last_seen_at > 30.minutes.ago
+  def active? = true
 end
`;

function subject(session: string | undefined, diff = AUTH_DIFF): ReviewSubject {
  return {
    policy: { policy: POLICY, source: 'default', path: '', hash: 'f'.repeat(64) },
    baseCommit: 'b'.repeat(40),
    files: [{ path: 'app/auth/session.rb', change: 'modified', categories: ['auth'], matches: [{ category: 'auth', rule: 'path **/auth/**' }] }],
    changedPaths: ['app/auth/session.rb'],
    rawDiff: diff,
    intent: 'Expire idle sessions after 30 minutes',
    boundary: 'may change: app/auth/**',
    session,
  };
}

/** A model stand-in: answers what it is told, and remembers what it was given. */
class FakeEngine implements ReviewEngine {
  readonly id = 'anthropic';
  inputs: ReviewInput[] = [];
  constructor(private readonly answer: Partial<Verdict> | Error) {}
  async review(input: ReviewInput): Promise<Verdict> {
    this.inputs.push(input);
    if (this.answer instanceof Error) throw this.answer;
    return { status: 'passed', concerns: [], engine: this.id, model: 'claude-test', promptVersion: 'review-1', inputHash: 'h'.repeat(64), ...this.answer };
  }
}

const BY = 'Ana Lima <ana@example.com>';
const TABLES = ['reviews', 'review_verdicts', 'approvals'];
const dump = (db: Database): unknown => Object.fromEntries(TABLES.map((t) => [t, db.exec(`SELECT * FROM ${t} ORDER BY 1, 2`)[0]?.values ?? []]));

test('a review records its opening and one verdict per engine, and the row combines them', async (t) => {
  const dir = tempDir(t);
  const store = await RecordStore.open(dir);
  t.after(() => store.close());
  const model = new FakeEngine({
    status: 'concerns',
    concerns: [{ file: 'app/auth/session.rb', line: 2, severity: 'high', title: 'Idle sessions never expire', explanation: 'active? is always true.', engine: 'anthropic' }],
  });
  const outcome = await runReview(store, subject('s1'), [new RulesEngine(POLICY), model], { by: BY, checks: [] });
  assert.equal(outcome.status, 'concerns');
  assert.equal(model.inputs[0]?.diff.includes('def active? = true'), true);

  const events = readFileSync(join(dir, 'journal.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as RecordEvent);
  const opened = events.find((e) => e.kind === 'review.opened');
  assert.ok(opened);
  assert.equal(opened.session, 's1');
  for (const field of ['reviewId', 'session', 'subject', 'categories', 'files', 'intent', 'boundary', 'baseCommit', 'policyHash', 'changeHash']) {
    assert.ok(field in opened.data, `review.opened has ${field}`);
  }
  const verdicts = events.filter((e) => e.kind === 'review.verdict');
  assert.deepEqual(verdicts.map((v) => v.data.engine).sort(), ['anthropic', 'rules']);
  for (const v of verdicts) {
    for (const field of ['reviewId', 'status', 'concerns', 'engine', 'model', 'promptVersion', 'inputHash', 'policyHash', 'by']) assert.ok(field in v.data, `verdict has ${field}`);
    assert.equal(v.data.by, BY);
    assert.equal(v.data.policyHash, 'f'.repeat(64));
  }

  const [row] = sessionReviews(store.db, 's1');
  assert.ok(row);
  assert.equal(row.id, outcome.reviewId);
  assert.equal(row.status, 'concerns');
  assert.equal(row.engine, 'anthropic+rules');
  assert.equal(row.model, 'claude-test');
  assert.equal(row.promptVersion, 'anthropic:review-1 rules:rules-2');
  assert.equal(row.by, BY);
  assert.equal(row.verdict, `${row.concerns.length} concerns`);
  assert.deepEqual(row.categories, ['auth']);
  assert.deepEqual(row.files, [{ path: 'app/auth/session.rb', change: 'modified', categories: ['auth'] }]);
  // Each concern says which engine raised it.
  assert.deepEqual(row.concerns.map((c) => [c.engine, c.rule ?? c.title]), [
    ['anthropic', 'Idle sessions never expire'],
    ['rules', 'auth-change-without-test'],
    ['rules', 'required-check-missing'],
  ]);
  assert.deepEqual(row.engines.map((e) => [e.engine, e.status, e.promptVersion]), [['anthropic', 'concerns', 'review-1'], ['rules', 'concerns', 'rules-2']]);
  assert.deepEqual(openReviews(store.db).map((r) => r.id), [outcome.reviewId]);
});

test('an engine that throws or fails makes the review failed, never passed', async (t) => {
  const store = await RecordStore.open(tempDir(t));
  t.after(() => store.close());
  const clean = subject('s1', AUTH_DIFF.replace('app/auth/session.rb', 'app/auth/session.rb'));
  const threw = await runReview(store, clean, [new FakeEngine(new Error('socket hang up'))], { by: BY, checks: [] });
  assert.equal(threw.status, 'failed');
  const row = reviewById(store.db, threw.reviewId);
  assert.equal(row?.status, 'failed');
  assert.equal(row?.verdict, 'anthropic: review failed: socket hang up, retry');
  const failed = await runReview(store, clean, [new FakeEngine({ status: 'failed', error: 'review failed: rate limited, retry after 20 s' })], { by: BY, checks: [] });
  assert.equal(reviewById(store.db, failed.reviewId)?.status, 'failed');
});

test('a new review resolves the session\'s open one; passed and overridden reviews stay as they are', async (t) => {
  const store = await RecordStore.open(tempDir(t));
  t.after(() => store.close());
  const first = await runReview(store, subject('s1'), [new FakeEngine({ status: 'concerns', concerns: [{ file: 'a', severity: 'low', title: 't', explanation: 'e' }] })], { by: BY, checks: [] });
  const other = await runReview(store, subject('s2'), [new FakeEngine({ status: 'concerns', concerns: [{ file: 'a', severity: 'low', title: 't', explanation: 'e' }] })], { by: BY, checks: [] });
  const second = await runReview(store, subject('s1', AUTH_DIFF.replace('= true', '= last_seen_at > 30.minutes.ago')), [new FakeEngine({})], { by: BY, checks: [] });
  assert.deepEqual(second.resolved, [first.reviewId]);
  assert.equal(reviewById(store.db, first.reviewId)?.status, 'resolved');
  assert.equal(reviewById(store.db, first.reviewId)?.resolvedBy, second.reviewId);
  assert.equal(reviewById(store.db, other.reviewId)?.status, 'concerns', 'another session\'s review is untouched');
  assert.equal(reviewById(store.db, second.reviewId)?.status, 'passed');
  const third = await runReview(store, subject('s1'), [new FakeEngine({})], { by: BY, checks: [] });
  assert.deepEqual(third.resolved, [], 'a passed review is not resolved again');
  assert.equal(reviewById(store.db, second.reviewId)?.status, 'passed');
  assert.throws(() => recordOverride(store, { reviewId: first.reviewId, reason: 'false positive: the session check moved to middleware', by: BY }), /is resolved/);
});

test('a review that saw every file of an older open review as it is now closes it, whatever its session; one that did not leaves it open', async (t) => {
  const store = await RecordStore.open(tempDir(t));
  t.after(() => store.close());
  const concerns = (): FakeEngine => new FakeEngine({ status: 'concerns', concerns: [{ file: 'app/auth/session.rb', severity: 'high', title: 't', explanation: 'e' }] });
  const fixed = AUTH_DIFF.replace('= true', '= last_seen_at > 30.minutes.ago');
  const withBlob = (s: ReviewSubject): ReviewSubject => ({ ...s, blobs: new Map([['app/auth/session.rb', 'c'.repeat(40)]]) });
  const twoFiles: ReviewSubject = {
    ...subject('s2'), files: [...subject('s2').files, { path: 'app/auth/token.rb', change: 'modified', categories: ['auth'], matches: [] }],
  };
  const cli = await runReview(store, subject(undefined), [concerns()], { by: BY, checks: [] });
  const wider = await runReview(store, twoFiles, [concerns()], { by: BY, checks: [] });
  // Without the content it saw, a review of another session closes nothing.
  const blind = await runReview(store, subject('s1', fixed), [new FakeEngine({})], { by: BY, checks: [] });
  assert.deepEqual(blind.resolved, []);
  assert.equal(reviewById(store.db, cli.reviewId)?.status, 'concerns');

  const seen = await runReview(store, withBlob(subject('s3', fixed)), [new FakeEngine({})], { by: BY, checks: [] });
  assert.deepEqual(seen.resolved, [cli.reviewId], 'the no-session review is closed; the one with a file this review did not see is not');
  assert.equal(reviewById(store.db, cli.reviewId)?.status, 'resolved');
  assert.equal(reviewById(store.db, cli.reviewId)?.resolvedBy, seen.reviewId);
  assert.equal(reviewById(store.db, wider.reviewId)?.status, 'concerns');
  const resolved = listEvents(store.db, { limit: 100, kind: 'review.resolved' }).find((e) => e.data.reviewId === cli.reviewId);
  assert.deepEqual(resolved?.data, { reviewId: cli.reviewId, supersededBy: seen.reviewId, by: BY, reason: 'a newer change was reviewed' });
  assert.equal(resolved?.session, 's3');
  assert.deepEqual(openReviews(store.db).map((r) => r.id), [wider.reviewId]);
});

test('a task set mid-session is the intent and boundary the review is given (the one the hooks gate by), not the session\'s start', async (t) => {
  const store = await RecordStore.open(tempDir(t));
  t.after(() => store.close());
  const now = Date.now();
  store.append([
    { kind: 'session.started', session: 's1', at: now - 60_000, data: { agent: 'claude-code', startCommit: 'b'.repeat(40) } },
    { kind: 'task.started', source: 'vscode', at: now - 30_000, data: { intent: 'Expire idle sessions after 30 minutes', allow: ['app/auth/**'], forbid: ['schema'] } },
    { kind: 'file.changed', session: 's1', at: now - 10_000, data: { path: 'app/auth/session.rb', change: 'modified' } },
  ]);
  const file = subject('s1').files[0];
  assert.ok(file);
  const scan: RiskScan = {
    policy: subject('s1').policy, baseCommit: 'b'.repeat(40), changed: [{ path: file.path, change: file.change }], risky: [file], diff: async () => AUTH_DIFF,
  };
  const model = new FakeEngine({});
  const result = await reviewChanges(store, '/repo', { scanner: async () => scan, engines: () => [model], by: BY });
  assert.equal(result.kind, 'reviewed');
  assert.equal(result.kind === 'reviewed' ? result.subject.session : undefined, 's1');
  assert.deepEqual([model.inputs[0]?.intent, model.inputs[0]?.boundary], ['Expire idle sessions after 30 minutes', 'only app/auth/**; no schema changes']);
  assert.deepEqual([reviewById(store.db, result.kind === 'reviewed' ? result.outcome.reviewId : '')?.intent], ['Expire idle sessions after 30 minutes']);
});

test('override reasons must say why: empty, one word, and ok/fine/lgtm-style reasons are refused', () => {
  for (const reason of ['', '   ', 'ok', 'OK', 'fine', 'lgtm', 'LGTM!', 'override', 'looks good', 'looks good to me', 'ok ok', 'ship it', 'fine, approved', 'urgent', 'just do it']) {
    assert.ok(overrideReasonProblem(reason), `"${reason}" should be refused`);
    assert.throws(() => overrideEvent({ reviewId: 'r', reason, by: BY }), OverrideError);
  }
  for (const reason of ['false positive: the key is a test fixture', 'hotfix for INC-4411, rollback tested on staging', 'migration is additive only; down handled by restore']) {
    assert.equal(overrideReasonProblem(reason), undefined, reason);
  }
  assert.throws(() => overrideEvent({ reason: 'false positive: the key is a test fixture', by: BY }), /names the review or the gate/);
  assert.throws(() => overrideEvent({ gate: 'push:main', reason: 'hotfix for INC-4411, rollback tested', by: BY, expiresAt: 1 }), /in the future/);
});

test('an override makes a review overridden; a verdict on the same change keeps it, one on a newer change lifts it; an expired one lapses', async (t) => {
  const store = await RecordStore.open(tempDir(t));
  t.after(() => store.close());
  const s = subject('s1');
  const concerns = new FakeEngine({ status: 'concerns', concerns: [{ file: 'app/auth/session.rb', line: 2, severity: 'high', title: 'Never expires', explanation: 'e' }] });
  const review = await runReview(store, s, [concerns], { by: BY, checks: [] });
  assert.throws(() => recordOverride(store, { reviewId: 'rev-nope', reason: 'false positive: the key is a test fixture', by: BY }), /no review "rev-nope"/);
  const now = Date.now();
  const overrideId = recordOverride(store, { reviewId: review.reviewId, reason: 'expiry enforced by the gateway, not this model', by: BY, expiresAt: now + 3_600_000 });
  let row = reviewById(store.db, review.reviewId, now);
  assert.equal(row?.status, 'overridden');
  assert.equal(row?.session, 's1');
  assert.deepEqual(row?.override, { id: overrideId, reason: 'expiry enforced by the gateway, not this model', by: BY, at: row?.override?.at, expiresAt: now + 3_600_000 });
  assert.deepEqual(openReviews(store.db, now), []);
  // An hour later the break-glass lapses: the concerns are open again.
  const later = now + 3_600_001;
  assert.equal(reviewById(store.db, review.reviewId, later)?.status, 'concerns');
  assert.deepEqual(openReviews(store.db, later).map((r) => r.id), [review.reviewId]);

  // A re-run verdict on the same change does not undo the override.
  const hash = changeHash(s);
  store.append([verdictEvent(review.reviewId, { status: 'concerns', concerns: [], engine: 'anthropic', promptVersion: 'review-1', inputHash: 'x' }, { session: 's1', policyHash: 'f'.repeat(64), changeHash: hash, by: BY })]);
  assert.equal(reviewById(store.db, review.reviewId, now)?.status, 'overridden');
  // One on a newer change does.
  store.append([verdictEvent(review.reviewId, { status: 'concerns', concerns: [{ file: 'x', severity: 'low', title: 't', explanation: 'e' }], engine: 'anthropic', promptVersion: 'review-1', inputHash: 'y' }, { session: 's1', policyHash: 'f'.repeat(64), changeHash: 'c'.repeat(64), by: BY })]);
  row = reviewById(store.db, review.reviewId, now);
  assert.equal(row?.status, 'concerns');
  assert.equal(row?.override, undefined);
  assert.equal(row?.overrides.length, 1, 'the override itself stays in the record');

  // A gate override is recorded too, without a review.
  recordOverride(store, { gate: 'push:main', reason: 'hotfix for INC-4411, rollback tested on staging', by: BY });
  const gates = store.db.exec(`SELECT gate, reason, by FROM approvals WHERE kind = 'override' AND gate IS NOT NULL`)[0]?.values;
  assert.deepEqual(gates, [['push:main', 'hotfix for INC-4411, rollback tested on staging', BY]]);
});

test('replaying the journal twice (reopen, rebuild without a snapshot, re-append) gives the same review rows', async (t) => {
  const dir = tempDir(t);
  const store = await RecordStore.open(dir);
  const a = await runReview(store, subject('s1'), [new RulesEngine(POLICY), new FakeEngine({ status: 'concerns', concerns: [{ file: 'app/auth/session.rb', line: 2, severity: 'high', title: 'Never expires', explanation: 'e' }] })], { by: BY, checks: [] });
  recordOverride(store, { reviewId: a.reviewId, reason: 'expiry enforced by the gateway, not this model', by: BY });
  await runReview(store, subject('s2'), [new FakeEngine({})], { by: BY, checks: [] });
  await runReview(store, subject('s2', AUTH_DIFF.replace('true', 'false')), [new FakeEngine({ status: 'failed', error: 'review failed: x, retry' })], { by: BY, checks: [] });
  const before = dump(store.db);
  const events = listEvents(store.db, { limit: 100_000 }).reverse();
  store.snapshot();
  store.close();

  // 1. Reopen from the snapshot and append every event again; 2. rebuild from the events alone, applied twice.
  const reopened = await RecordStore.open(dir);
  assert.deepEqual(dump(reopened.db), before);
  reopened.append(events);
  assert.equal(reopened.lastAppendAdded, 0);
  assert.deepEqual(dump(reopened.db), before);
  reopened.close();
  const rebuilt = await RecordStore.open(tempDir(t), { readOnly: true });
  const fresh = new EventApplier(rebuilt.db);
  assert.equal(fresh.apply(events), events.length);
  assert.equal(fresh.apply(events), 0);
  assert.deepEqual(dump(rebuilt.db), before);
  // One event at a time gives the same rows as one batch.
  const single = await RecordStore.open(tempDir(t), { readOnly: true });
  const one = new EventApplier(single.db);
  for (const e of events) one.apply([e]);
  assert.deepEqual(dump(single.db), before);
  one.free();
  single.close();
  fresh.free();
  rebuilt.close();
});

test('an override that reaches the record before its review (another process) still holds', async (t) => {
  const store = await RecordStore.open(tempDir(t));
  t.after(() => store.close());
  store.append([{ ...overrideEvent({ reviewId: 'rev-early', reason: 'false positive: the session check moved to middleware', by: BY }), session: 's9' }]);
  store.append([{ kind: 'review.opened', session: 's9', data: { reviewId: 'rev-early', subject: 'auth: a.rb', categories: ['auth'], files: [] } }]);
  store.append([verdictEvent('rev-early', { status: 'concerns', concerns: [], engine: 'rules', promptVersion: 'rules-2', inputHash: 'z' }, { session: 's9', policyHash: 'p', changeHash: 'h', by: BY })]);
  const row = reviewById(store.db, 'rev-early');
  assert.equal(row?.status, 'overridden');
  assert.equal(row?.override?.reason, 'false positive: the session check moved to middleware');
});
