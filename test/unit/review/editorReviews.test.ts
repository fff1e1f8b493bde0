// The pure parts behind reviews in the editor and on the board, on real records and real git repositories.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { RecordStore } from '../../../src/core/record/store';
import { recordCounts } from '../../../src/core/record/queries';
import { boardReviews } from '../../../src/core/report/boardReviews';
import { boardSessions } from '../../../src/core/report/boardState';
import { agentStoppedSince, automaticEngines, lastSeq, parseAutomatic } from '../../../src/core/review/automatic';
import { placeConcerns, riskTooltip } from '../../../src/core/review/concernView';
import { expiryAt, reviewPick } from '../../../src/core/review/overrideChoices';
import { reviewChanges } from '../../../src/core/review/reviewChanges';
import { openReviews, reviewById, type ReviewRow } from '../../../src/core/review/reviewQueries';
import type { Concern } from '../../../src/core/review/types';
import { markResolved, OverrideError, recordOverride } from '../../../src/core/review/reviews';
import { RulesEngine } from '../../../src/core/review/rulesEngine';
import { classifyFile } from '../../../src/core/risk/fileRisk';
import { loadPolicy } from '../../../src/core/risk/load';
import type { Policy } from '../../../src/core/risk/types';
import { gitRepo } from '../helpers/tmp';

const MIGRATION = 'db/migrate/20260301120000_add_expires_at.rb';
const NO_DOWN = 'class AddExpiresAt < ActiveRecord::Migration[7.1]\n  def up\n    add_column :sessions, :expires_at, :datetime\n  end\nend\n';

function write(repo: string, path: string, text: string): void {
  mkdirSync(dirname(join(repo, path)), { recursive: true });
  writeFileSync(join(repo, path), text);
}
const git = (repo: string, ...args: string[]): string => execFileSync('git', args, { cwd: repo, encoding: 'utf8' }).trim();

async function reviewed(t: { after(fn: () => void): void }) {
  const repo = gitRepo(t);
  write(repo, 'app/auth/session_policy.rb', 'class SessionPolicy\n  def active?\n    true\n  end\nend\n');
  write(repo, MIGRATION, NO_DOWN);
  const store = await RecordStore.open(join(repo, '.git', 'flightdeck'));
  t.after(() => store.close());
  const engines = (p: Policy): RulesEngine[] => [new RulesEngine(p)];
  const result = await reviewChanges(store, repo, { engines, by: 'Test <test@example.com>' });
  return { repo, store, result, engines };
}

test('one saved file is classified against the base: its added lines, an untracked file whole, an unchanged one not at all', async (t) => {
  const repo = gitRepo(t);
  write(repo, 'lib/billing.ts', 'export const x = 1;\n');
  write(repo, 'README.md', 'hello\n');
  git(repo, 'add', '.');
  git(repo, 'commit', '-qm', 'base');
  const base = git(repo, 'rev-parse', 'HEAD');
  const policy = loadPolicy(repo, { persist: false }).policy;
  assert.equal(await classifyFile(repo, policy, base, 'lib/billing.ts'), undefined, 'unchanged: nothing to classify');
  write(repo, 'lib/billing.ts', 'export const x = 1;\nexport async function charge(c) { return stripe.charges.create({ amount: c.amount }); }\n');
  const billing = await classifyFile(repo, policy, base, 'lib/billing.ts');
  assert.ok(billing?.categories.includes('payments'), JSON.stringify(billing));
  assert.ok(billing?.matches.some((m) => m.line === 2), 'the content match names the added line');
  write(repo, MIGRATION, NO_DOWN);
  assert.deepEqual((await classifyFile(repo, policy, base, MIGRATION))?.change, 'added');
  write(repo, 'README.md', 'hello again\n');
  assert.equal(await classifyFile(repo, policy, base, 'README.md'), undefined, 'a changed ordinary file is not risky');
});

test('reviewChanges reviews the working tree once; an automatic run skips the change it already reviewed, and a new change is reviewed again', async (t) => {
  const { repo, store, result, engines } = await reviewed(t);
  assert.equal(result.kind, 'reviewed');
  assert.ok(result.kind === 'reviewed');
  assert.equal(result.outcome.status, 'concerns');
  const again = await reviewChanges(store, repo, { engines, by: 'Test', skipUnchanged: true });
  assert.deepEqual(again.kind === 'unchanged' && again.reviewId, result.outcome.reviewId);
  write(repo, MIGRATION, NO_DOWN.replace('  end\nend\n', '  end\n\n  def down\n    remove_column :sessions, :expires_at\n  end\nend\n'));
  const next = await reviewChanges(store, repo, { engines, by: 'Test', skipUnchanged: true });
  assert.ok(next.kind === 'reviewed');
  assert.deepEqual(next.outcome.resolved, [result.outcome.reviewId], 'the older review is resolved by the newer one');
  // Required checks not run stay concerns; the way back is seen.
  assert.deepEqual(next.outcome.verdicts.flatMap((v) => v.concerns.map((c) => c.rule)).filter((r) => r !== 'required-check-missing'), ['auth-change-without-test']);
  git(repo, 'clean', '-fdq', '--', 'app', 'db');
  assert.equal((await reviewChanges(store, repo, { engines, by: 'Test' })).kind, 'nothing');
});

test('concerns are placed on their 0-based lines with engine, rule and review; the explorer tooltip names categories and counts', async (t) => {
  const { store, result } = await reviewed(t);
  assert.ok(result.kind === 'reviewed');
  const placed = placeConcerns(openReviews(store.db));
  const migration = placed.find((c) => c.file === MIGRATION);
  assert.deepEqual(migration && { line: migration.line, code: migration.code, source: migration.source, reviewId: migration.reviewId },
    { line: 1, code: 'migration-without-down', source: 'Flightdeck rules', reviewId: result.outcome.reviewId });
  assert.match(migration?.message ?? '', /^Migration has no way back: /);
  assert.equal(placed.find((c) => c.file === 'app/auth/session_policy.rb')?.line, 0);
  assert.equal(riskTooltip(['auth', 'payments'], 2, 'advisory'), 'Flightdeck: risky change (auth, payments) · 2 open concerns');
  assert.match(riskTooltip(['migrations'], 1, 'enforce'), /1 open concern \(enforce mode: the gate holds/);
  assert.equal(riskTooltip(['auth'], 0, 'advisory'), 'Flightdeck: risky change (auth) · no open concerns');
  // An overridden review's concerns leave the editor.
  recordOverride(store, { reviewId: result.outcome.reviewId, reason: 'applied by hand on staging, rollback tested', by: 'Test' });
  assert.deepEqual(placeConcerns(openReviews(store.db)), []);
});

test('a recorded concern on a path outside the repository is never placed in the editor', () => {
  const on = (file: string): Concern => ({ file, severity: 'high', title: file, explanation: 'e', engine: 'anthropic' });
  const row: ReviewRow = {
    id: 'rev-x', subject: 's', categories: [], files: [], status: 'concerns', overrides: [], engines: [],
    concerns: [on('../../etc/passwd'), on('/etc/shadow'), on('C:\\Windows\\win.ini'), on('app/..\\..\\x'), on(''), on('app/ok.rb'), on('app/..hidden/ok.rb')],
  };
  assert.deepEqual(placeConcerns([row]).map((c) => c.file), ['app/ok.rb', 'app/..hidden/ok.rb']);
});

test('marking a review resolved records who did; a closed or unknown review is refused', async (t) => {
  const { store, result } = await reviewed(t);
  assert.ok(result.kind === 'reviewed');
  const id = result.outcome.reviewId;
  assert.ok(markResolved(store, id, 'Test <test@example.com>'));
  const row = reviewById(store.db, id);
  assert.equal(row?.status, 'resolved');
  assert.equal(row?.resolvedBy, 'Test <test@example.com>');
  assert.throws(() => markResolved(store, id, 'Test'), OverrideError);
  assert.throws(() => markResolved(store, 'rev-nope', 'Test'), /no review "rev-nope"/);
});

test('open reviews count as pending, with concerns or failed, in the record, the board tiles and the session list', async (t) => {
  const { store, result } = await reviewed(t);
  assert.ok(result.kind === 'reviewed');
  assert.equal(recordCounts(store.db).pendingReviews, 1, 'a review with concerns is open');
  const board = boardReviews(store.db);
  assert.equal(board.length, 1);
  assert.equal(board[0]?.open, true);
  assert.deepEqual(board[0]?.concerns.filter((c) => !c.source.endsWith('required-check-missing')).map((c) => [c.file, c.line, c.source]).sort(), [
    ['app/auth/session_policy.rb', 1, 'rules: auth-change-without-test'], [MIGRATION, 2, 'rules: migration-without-down'],
  ]);
  recordOverride(store, { reviewId: result.outcome.reviewId, reason: 'applied by hand on staging, rollback tested', by: 'Test', expiresAt: Date.now() + 60_000 });
  assert.equal(recordCounts(store.db).pendingReviews, 0);
  const closed = boardReviews(store.db)[0];
  assert.equal(closed?.open, false);
  assert.equal(closed?.override?.reason, 'applied by hand on staging, rollback tested');
  // A session's open review flags the session.
  store.append([{ kind: 'session.started', session: 's1', source: 'test', data: { intent: 'x' } }]);
  store.append([{ kind: 'review.opened', session: 's1', source: 'review', data: { reviewId: 'rev-s1', subject: 'auth: a', categories: '["auth"]' } },
    { kind: 'review.verdict', session: 's1', source: 'review', data: { reviewId: 'rev-s1', status: 'failed', engine: 'anthropic', concerns: [], error: 'review failed: timeout, retry' } }]);
  assert.equal(boardSessions(store.db).find((s) => s.id === 's1')?.pendingReviews, 1, 'a failed review is still open');
});

test('the board tells a review closed by a newer review of the change from one a person marked resolved', async (t) => {
  const { repo, store, result, engines } = await reviewed(t);
  assert.ok(result.kind === 'reviewed');
  const again = await reviewChanges(store, repo, { engines, by: 'Test <test@example.com>' });
  assert.ok(again.kind === 'reviewed');
  markResolved(store, again.outcome.reviewId, 'Ada <ada@example.com>');
  const byId = new Map(boardReviews(store.db).map((r) => [r.id, r]));
  const first = byId.get(result.outcome.reviewId);
  assert.equal(first?.status, 'resolved');
  assert.equal(first?.supersededBy, again.outcome.reviewId);
  assert.equal(first?.resolvedBy, undefined, 'a review id is not a person');
  const second = byId.get(again.outcome.reviewId);
  assert.equal(second?.resolvedBy, 'Ada <ada@example.com>');
  assert.equal(second?.supersededBy, undefined);
});

test('override choices: expiries from now, and one quick-pick line per review', async (t) => {
  assert.equal(expiryAt('none', 1000), undefined);
  assert.equal(expiryAt('1h', 1000), 1000 + 3_600_000);
  assert.equal(expiryAt('1d', 1000), 1000 + 86_400_000);
  const { store, result } = await reviewed(t);
  assert.ok(result.kind === 'reviewed');
  const pick = reviewPick(openReviews(store.db)[0] as Parameters<typeof reviewPick>[0]);
  assert.equal(pick.reviewId, result.outcome.reviewId);
  assert.match(pick.label, /auth, migrations.*: app\/auth\/session_policy\.rb, db\/migrate\//);
  assert.equal(pick.description, `concerns · ${result.outcome.verdicts[0]?.concerns.length} concerns`);
  assert.match(pick.detail, /rules: concerns/);
});

test('automatic reviews: off, rules, and Anthropic only when opted in with a key; a Stop hook after a point is seen', async (t) => {
  assert.equal(parseAutomatic('nonsense'), 'rules');
  assert.equal(parseAutomatic('off'), 'off');
  assert.equal(automaticEngines('off', true), undefined);
  assert.equal(automaticEngines('rules', true), 'rules');
  assert.equal(automaticEngines('rules+anthropic', false), 'rules');
  assert.equal(automaticEngines('rules+anthropic', true), 'rules+anthropic');
  const { store } = await reviewed(t);
  const seq = lastSeq(store.db);
  assert.equal(agentStoppedSince(store.db, seq), false);
  store.append([{ kind: 'hook.received', session: 's', source: 'claude-hook', data: { hook: 'PostToolUse' } }]);
  assert.equal(agentStoppedSince(store.db, seq), false, 'another hook is not a turn ending');
  store.append([{ kind: 'hook.received', session: 's', source: 'claude-hook', data: { hook: 'Stop' } }]);
  assert.equal(agentStoppedSince(store.db, seq), true);
  assert.equal(agentStoppedSince(store.db, lastSeq(store.db)), false, 'an old Stop is not seen again');
});
