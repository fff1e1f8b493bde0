import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RecordStore } from '../../../src/core/record/store';
import { buildTrail } from '../../../src/core/report/trail';
import { trailToMarkdown } from '../../../src/core/report/trailMarkdown';
import { renderDashboard } from '../../../src/core/report/dashboard';
import { recordOverride, runReview } from '../../../src/core/review/reviews';
import type { ReviewEngine, ReviewInput, Verdict } from '../../../src/core/review/types';
import { tempDir } from '../helpers/tmp';

const BY = 'Ana <ana@example.com>';

const model: ReviewEngine = {
  id: 'anthropic',
  async review(input: ReviewInput): Promise<Verdict> {
    return {
      status: 'concerns', engine: 'anthropic', model: 'claude-test', promptVersion: 'review-1', inputHash: 'a1'.repeat(32),
      concerns: [{ file: input.files[0]?.path ?? '?', line: 2, severity: 'high', title: 'Idle sessions never expire <script>alert(1)</script>', explanation: 'active? is always true & "never" expires.', engine: 'anthropic' }],
    };
  },
};

test('the flight record, its Markdown and its HTML show each review: engine, model, hashes, concerns with file:line, overrides; all escaped', async (t) => {
  const store = await RecordStore.open(tempDir(t));
  t.after(() => store.close());
  store.append([{ kind: 'session.started', session: 's1', data: { agent: 'claude-code', intent: 'Expire idle sessions' } }]);
  const outcome = await runReview(store, {
    policy: { policy: { version: 1, mode: 'advisory', protectedBranches: [], ignore: [], categories: [] }, source: 'default', path: '', hash: 'c'.repeat(64) },
    baseCommit: 'b'.repeat(40),
    files: [{ path: 'app/auth/session.rb', change: 'modified', categories: ['auth'], matches: [] }],
    changedPaths: ['app/auth/session.rb'],
    rawDiff: '',
    intent: 'Expire idle sessions',
    boundary: '',
    session: 's1',
  }, [model], { by: BY, checks: [] });
  recordOverride(store, { reviewId: outcome.reviewId, reason: 'expiry enforced by the <gateway>, not this model', by: BY, expiresAt: Date.now() + 3_600_000 });

  const trail = buildTrail(store.db, 's1');
  assert.ok(trail);
  assert.equal(trail.reviews.length, 1);
  const [r] = trail.reviews;
  assert.ok(r);
  assert.equal(r.status, 'overridden');
  assert.equal(r.engine, 'anthropic');
  assert.equal(r.model, 'claude-test');
  assert.equal(r.promptVersion, 'anthropic:review-1');
  assert.equal(r.inputHash, `anthropic:${'a1'.repeat(32)}`);
  assert.equal(r.policyHash, 'c'.repeat(64));
  assert.equal(r.by, BY);
  assert.match(r.verdictAt, /^\d{4}-\d\d-\d\dT/);
  assert.deepEqual(r.concerns.map((c) => [c.file, c.line, c.severity, c.engine]), [['app/auth/session.rb', 2, 'high', 'anthropic']]);
  assert.deepEqual(r.overrides.map((o) => [o.reason, o.by, o.expiresAt !== '']), [['expiry enforced by the <gateway>, not this model', BY, true]]);

  const md = trailToMarkdown(trail);
  assert.match(md, /^## Reviews$/m);
  assert.match(md, /^### auth: app\/auth\/session\.rb: overridden \(1 concern\)$/m);
  assert.match(md, /^- Engine: anthropic \(claude-test\); prompt anthropic:review-1$/m);
  assert.match(md, /^- Concern \[high\] app\/auth\/session\.rb:2: Idle sessions never expire &lt;script&gt;alert\(1\)&lt;\/script&gt;\. active\? is always true &amp; "never" expires\. \(anthropic\)$/m);
  assert.match(md, /^- Override by Ana &lt;ana@example\.com&gt; at .+: expiry enforced by the &lt;gateway&gt;, not this model \(until .+\)$/m);
  assert.doesNotMatch(md, /<script>/);

  const html = renderDashboard(store.db, { title: 'Record' });
  assert.match(html, /<code>app\/auth\/session\.rb:2<\/code> Idle sessions never expire &lt;script&gt;alert\(1\)&lt;\/script&gt;/);
  assert.match(html, /Override by Ana &lt;ana@example\.com&gt; at [^:]+:[^<]*: expiry enforced by the &lt;gateway&gt;, not this model/);
  assert.match(html, /engine anthropic \(claude-test\) · prompt anthropic:review-1/);
  assert.doesNotMatch(html, /<script>|<gateway>/);
});

test('a gate override given while a session is active is in that session\'s record and its exports; with none active it belongs to no session', async (t) => {
  const store = await RecordStore.open(tempDir(t));
  t.after(() => store.close());
  const none = recordOverride(store, { gate: 'deploy', reason: 'no agent running: hotfix deployed by hand', by: BY, expiresAt: Date.now() + 3_600_000 });
  assert.equal(store.db.exec('SELECT session_id FROM events WHERE id = ?', [none])[0]?.values[0]?.[0], null);
  store.append([{ kind: 'session.started', session: 's1', data: { agent: 'claude-code', intent: 'Ship the <login> fix' } }]);
  recordOverride(store, { gate: 'push', reason: 'hotfix for the <outage>, verified on staging', by: BY, expiresAt: Date.now() + 3_600_000 });
  const trail = buildTrail(store.db, 's1');
  assert.ok(trail);
  assert.deepEqual(trail.overrides.map((o) => [o.subject, o.reason, o.by]), [['push', 'hotfix for the <outage>, verified on staging', BY]]);
  const md = trailToMarkdown(trail);
  assert.match(md, /^# Flight record: Ship the &lt;login&gt; fix$/m);
  assert.match(md, /^- Overrides: push: hotfix for the &lt;outage&gt;, verified on staging \(Ana &lt;ana@example\.com&gt;\)$/m);
  assert.doesNotMatch(md, /no agent running/);
  assert.match(renderDashboard(store.db, { title: 'Record' }), /override of push: hotfix for the &lt;outage&gt;, verified on staging/);
});

test('a concern the reviewer placed on no reviewed file reads "(no file)" in the Markdown and the HTML', async (t) => {
  const store = await RecordStore.open(tempDir(t));
  t.after(() => store.close());
  store.append([{ kind: 'session.started', session: 's2', data: { agent: 'claude-code', intent: 'Expire idle sessions' } }]);
  const unplaced: ReviewEngine = {
    id: 'anthropic',
    async review(): Promise<Verdict> {
      return { status: 'concerns', engine: 'anthropic', model: 'claude-test', promptVersion: 'review-1', inputHash: 'a1'.repeat(32), concerns: [{ file: '', severity: 'medium', title: 'Config elsewhere', explanation: '(The reviewer named "../../etc/passwd", which is not a file in this review.) Check it.', engine: 'anthropic' }] };
    },
  };
  await runReview(store, {
    policy: { policy: { version: 1, mode: 'advisory', protectedBranches: [], ignore: [], categories: [] }, source: 'default', path: '', hash: 'c'.repeat(64) },
    baseCommit: 'b'.repeat(40), files: [{ path: 'app/auth/session.rb', change: 'modified', categories: ['auth'], matches: [] }],
    changedPaths: ['app/auth/session.rb'], rawDiff: '', intent: 'Expire idle sessions', boundary: '', session: 's2',
  }, [unplaced], { by: BY, checks: [] });
  const trail = buildTrail(store.db, 's2');
  assert.ok(trail);
  assert.match(trailToMarkdown(trail), /^- Concern \[medium\] \(no file\): Config elsewhere\./m);
  assert.match(renderDashboard(store.db, { title: 'Record' }), /<code>\(no file\)<\/code> Config elsewhere/);
});
