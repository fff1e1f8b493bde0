import { test } from 'node:test';
import assert from 'node:assert/strict';
import { candidatesText, entryMeta, entryTitle, failureLine, historyCounts, historyPageInfo, oneLine } from '../../../webview/historyFormat';
import { sectionCount, sectionExpanded, type SectionFacts } from '../../../webview/sectionState';
import type { FileHistoryEntry } from '../../../src/protocol';
import { parseSections, parseWebviewMessage } from '../../../src/webviewMessages';

const session: FileHistoryEntry = {
  kind: 'session', id: 's1', at: 1, intent: 'Validate\n  emails', agent: 'claude-code', branch: 'feat/signup', change: 'modified', author: 'grace@example.com',
  failures: [{ command: 'npm test', exitCode: 1, commit: 'a'.repeat(40), fixed: true }], reverts: ['git restore api/signup.ts'],
};

test('history counts name what there is; sessions always, zeros never', () => {
  assert.equal(historyCounts({ counts: { sessions: 3, decisions: 1, reviews: 2, overrides: 0, failures: 2 } }), '3 sessions · 1 decision · 2 reviews · 2 failed checks');
  assert.equal(historyCounts({ counts: { sessions: 0, decisions: 1, reviews: 0, overrides: 1, failures: 0 } }), '0 sessions · 1 decision · 1 override');
});

test('each entry reads as one line and its meta: what, who, where, what went wrong', () => {
  assert.equal(entryTitle(session), 'Validate emails');
  assert.equal(entryMeta(session), 'modified · Claude Code · by grace@example.com · feat/signup · 1 failed check · 1 revert');
  assert.equal(entryTitle({ ...session, intent: '' }), '(no stated intent)');
  const decision: FileHistoryEntry = { kind: 'decision', id: 'd', at: 2, text: 'x'.repeat(300), by: 'dev' };
  assert.equal(entryTitle(decision).length, 140, 'a long decision is cut; opening it shows the whole text');
  assert.equal(entryMeta(decision), 'decision · by dev');
  const review: FileHistoryEntry = { kind: 'review', id: 'rev-1', status: 'concerns', subject: 'auth: api/signup.ts', concerns: [{ line: 3, severity: 'high', title: 't' }] };
  assert.equal(entryTitle(review), 'Review concerns: auth: api/signup.ts');
  assert.equal(entryMeta(review), 'review · 1 concern about this file');
  const override: FileHistoryEntry = { kind: 'override', at: 3, reviewId: '', gate: 'push', reason: 'hotfix', by: 'dev' };
  assert.equal(entryTitle(override), 'Override: "hotfix"');
  assert.equal(entryMeta(override), 'override · by dev · of the push gate');
  assert.equal(failureLine({ command: 'npm test', exitCode: 1, fixed: false }), 'npm test failed (exit 1), not seen passing after');
  assert.equal(oneLine(' a \n b '), 'a b');
});

test('the page line and the candidates line say how much shows and what to do', () => {
  assert.equal(historyPageInfo({ entries: [session], total: 1 }), '1 entry, newest first');
  assert.equal(historyPageInfo({ entries: [session], total: 30 }), 'Showing 1 of 30 entries, newest first');
  assert.equal(candidatesText({ filter: 'sign', candidates: ['a', 'b'], moreCandidates: 3, candidatesCapped: false }), '“sign” matches 5 changed files: pick one to see its history.');
  assert.equal(candidatesText({ filter: 'src', candidates: ['a'], moreCandidates: 499, candidatesCapped: true }), '“src” matches more than 500 changed files: pick one to see its history.');
  assert.match(candidatesText({ filter: 'zzz', candidates: [], moreCandidates: 0, candidatesCapped: false }), /^No recorded change or decision about a file matching “zzz”/);
});

test('sections: the user\'s choice wins; until then Reviews open while one is open, Ships and Insights folded', () => {
  const facts: SectionFacts = { openReviews: 2, ships: 12, sessions: 40 };
  assert.equal(sectionExpanded('reviews', undefined, facts), true);
  assert.equal(sectionExpanded('reviews', undefined, { ...facts, openReviews: 0 }), false);
  assert.equal(sectionExpanded('ships', undefined, facts), false);
  assert.equal(sectionExpanded('insights', {}, facts), false);
  assert.equal(sectionExpanded('reviews', { reviews: false }, facts), false, 'folded by the user, it stays folded with reviews open');
  assert.equal(sectionExpanded('ships', { ships: true }, facts), true);
  assert.equal(sectionExpanded('reviews', undefined, { ...facts, openReviews: 0, reviewsWereOpen: true }), true, 'the last open review closing does not fold it under the user\'s hand');
  assert.equal(sectionExpanded('reviews', { reviews: false }, { ...facts, reviewsWereOpen: true }), false);
  assert.equal(sectionCount('ships', facts), '12');
  assert.equal(sectionCount('ships', { ...facts, ships: 1200, lockHeldBy: 'Grace Hopper' }), '1,200 · lock: Grace Hopper');
  assert.equal(sectionCount('reviews', facts), '2 open');
  assert.equal(sectionCount('reviews', { ...facts, openReviews: 0 }), 'none open');
  assert.equal(sectionCount('insights', facts), '40 sessions');
});

test('a file history request from the webview is bounded like a query', () => {
  assert.deepEqual(parseWebviewMessage({ type: 'fileHistory', file: 'api/signup.ts', limit: 8 }), { type: 'fileHistory', file: 'api/signup.ts', limit: 8 });
  assert.equal(parseWebviewMessage({ type: 'fileHistory', file: 'x', limit: 1e9 })?.type, 'fileHistory');
  assert.deepEqual(parseWebviewMessage({ type: 'fileHistory', file: 'x', limit: 1e9 }), { type: 'fileHistory', file: 'x', limit: 2_000 });
  for (const bad of [{ type: 'fileHistory', file: 'x'.repeat(1001), limit: 8 }, { type: 'fileHistory', file: 7, limit: 8 }, { type: 'fileHistory', file: 'x', limit: 0 }, { type: 'fileHistory', file: 'x' }]) {
    assert.equal(parseWebviewMessage(bad), undefined, JSON.stringify(bad).slice(0, 80));
  }
});

test('the sections the webview keeps: known sections, open or folded, nothing else', () => {
  assert.deepEqual(parseWebviewMessage({ type: 'sections', sections: { ships: false, insights: true } }), { type: 'sections', sections: { ships: false, insights: true } });
  assert.deepEqual(parseSections({}), {});
  for (const bad of [null, [], 'ships', { sessions: false }, { ships: 'no' }, { ships: false, __proto__x: true }]) {
    assert.equal(parseSections(bad), undefined, JSON.stringify(bad));
  }
});
