import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HOOK_EVENTS } from '../../../src/core/capture/hook';
import { ASSUMED_VERSION, compareVersions, HOOK_EVENT_SINCE, hookSupport, parseClaudeVersion } from '../../../src/core/capture/claudeVersions';

test('claude --version output is read, whatever surrounds the number', () => {
  assert.equal(parseClaudeVersion('2.0.47 (Claude Code)\n'), '2.0.47');
  assert.equal(parseClaudeVersion('1.0.38'), '1.0.38');
  assert.equal(parseClaudeVersion('Claude Code v2.1.114'), '2.1.114');
  assert.equal(parseClaudeVersion('command not found'), undefined);
  assert.equal(parseClaudeVersion(''), undefined);
});

test('versions compare numerically, not as text', () => {
  assert.equal(compareVersions('1.0.9', '1.0.38'), -1);
  assert.equal(compareVersions('2.0.56', '2.0.56'), 0);
  assert.equal(compareVersions('2.1.0', '2.0.99'), 1);
  assert.equal(compareVersions('2.0', '2.0.0'), 0);
});

test('every event Flightdeck installs has the release that brought it', () => {
  assert.deepEqual(Object.keys(HOOK_EVENT_SINCE).sort(), [...HOOK_EVENTS].sort());
  for (const since of Object.values(HOOK_EVENT_SINCE)) assert.match(since, /^\d+\.\d+\.\d+$/);
});

test('a version gets exactly the events it knows, in the order Flightdeck installs them', () => {
  const known = (v: string): string[] => hookSupport(v).events;
  assert.deepEqual(known('2.0.47'), ['SessionStart', 'UserPromptSubmit', 'PreToolUse', 'PostToolUse', 'Stop', 'SessionEnd']);
  assert.deepEqual(hookSupport('2.0.55').missing, [{ event: 'PostToolUseFailure', since: '2.0.56' }]);
  assert.deepEqual(known('2.0.56'), [...HOOK_EVENTS]);
  assert.deepEqual(known('2.1.114'), [...HOOK_EVENTS]);
  assert.deepEqual(known('1.0.38'), ['PreToolUse', 'PostToolUse', 'Stop']);
  assert.deepEqual(known('1.0.54'), ['UserPromptSubmit', 'PreToolUse', 'PostToolUse', 'Stop']);
  assert.deepEqual(known('1.0.62'), ['SessionStart', 'UserPromptSubmit', 'PreToolUse', 'PostToolUse', 'Stop']);
  assert.deepEqual(known('1.0.37'), [], 'before hooks existed');
  assert.equal(hookSupport('1.0.37').missing.length, HOOK_EVENTS.length);
  for (const v of ['1.0.38', '1.0.85', '2.0.47', '2.0.56']) {
    const s = hookSupport(v);
    assert.equal(s.events.length + s.missing.length, HOOK_EVENTS.length, v);
    assert.equal(s.assumed, false);
  }
});

test('an unknown version is assumed to be an older one: nothing it might reject is written', () => {
  const s = hookSupport(undefined);
  assert.equal(s.assumed, true);
  assert.equal(s.version, undefined);
  assert.deepEqual(s.events, hookSupport(ASSUMED_VERSION).events);
  assert.ok(!s.events.includes('PostToolUseFailure'));
  assert.ok(s.events.includes('SessionEnd'));
});
