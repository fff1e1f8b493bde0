import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GATE_NAMES, gateHolds, gateNamesText, isGateName } from '../../../src/core/gates/gateNames';
import type { GateOverride } from '../../../src/core/gates/state';
import { EXPIRIES, expiryAt, expiryPicks, gatePicks } from '../../../src/core/review/overrideChoices';

const NOW = Date.UTC(2026, 5, 1, 12);
const override = (gate: string, until: number, extra: Partial<GateOverride> = {}): GateOverride => ({ gate, until, reason: 'hotfix for the outage, verified on staging', by: 'Ada <ada@example.com>', id: `o-${gate}-${until}`, ...extra });

test('the gates are push, deploy and boundary, and only those', () => {
  assert.deepEqual([...GATE_NAMES], ['push', 'deploy', 'boundary']);
  assert.equal(gateNamesText(), 'push, deploy or boundary');
  assert.ok(isGateName('deploy'));
  assert.ok(!isGateName('Push'));
  assert.ok(!isGateName(''));
});

test('the push gate names the protected branches of the policy', () => {
  assert.equal(gateHolds('push', ['main', 'release/*']), 'git push to a protected branch (main, release/*) while a review is open or a risky file in it was never reviewed');
  assert.match(gateHolds('push', []), /none in the policy/);
});

test('the gate picks: one per gate, each saying what it holds; no override in force, no detail', () => {
  const picks = gatePicks(['main'], [], NOW);
  assert.deepEqual(picks.map((p) => p.gate), ['push', 'deploy', 'boundary']);
  assert.deepEqual(picks.map((p) => p.label), ['push gate', 'deploy gate', 'boundary gate']);
  assert.match(picks[0]?.description ?? '', /protected branch \(main\)/);
  assert.match(picks[1]?.description ?? '', /deploy/);
  assert.match(picks[2]?.description ?? '', /boundary/);
  assert.ok(picks.every((p) => p.detail === undefined));
});

test('a gate override in force shows until when, by whom and why; a lapsed one or another gate\'s does not', () => {
  const until = NOW + 42 * 60_000;
  const picks = gatePicks(['main'], [override('push', until), override('deploy', NOW - 1), override('push', NOW + 60_000, { by: 'Bob' })], NOW);
  const push = picks.find((p) => p.gate === 'push');
  const hhmm = new Date(until).toTimeString().slice(0, 5);
  assert.equal(push?.detail, `Overridden until ${hhmm} (42 min left) by Ada <ada@example.com>: "hotfix for the outage, verified on staging"`, 'the override that lasts longest');
  assert.equal(picks.find((p) => p.gate === 'deploy')?.detail, undefined, 'lapsed');
  assert.equal(picks.find((p) => p.gate === 'boundary')?.detail, undefined);
});

test('the expiry choices are the same for a gate, but "no expiry" says the gate override still lapses', () => {
  const review = expiryPicks('review');
  const gate = expiryPicks('gate');
  assert.deepEqual(review.map((e) => e.id), EXPIRIES.map((e) => e.id));
  assert.deepEqual(gate.map((e) => e.id), EXPIRIES.map((e) => e.id));
  assert.equal(review[0]?.label, 'No expiry');
  assert.equal(gate[0]?.label, 'Default (60 min)');
  assert.match(gate[0]?.detail ?? '', /lapses/);
  assert.deepEqual(gate.slice(1), review.slice(1));
  assert.equal(expiryAt('none', NOW), undefined);
  assert.equal(expiryAt('1h', NOW), NOW + 3_600_000);
});
