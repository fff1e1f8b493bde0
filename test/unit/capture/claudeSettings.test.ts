import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hookCommand, parseSettings, withFlightdeckHooks, withoutFlightdeckHooks } from '../../../src/core/capture/claudeSettings';
import { HOOK_EVENTS } from '../../../src/core/capture/hook';

const command = (e: string): string => hookCommand('/usr/bin/node', '/ext/dist/cli.js', e);

test('connecting adds Flightdeck hooks, keeps everything else, and is idempotent', () => {
  const mine = {
    model: 'opus',
    permissions: { allow: ['Bash(npm test:*)'] },
    hooks: { PreToolUse: [{ matcher: 'Bash', hooks: [{ type: 'command', command: './my-guard.sh' }] }] },
  };
  const once = withFlightdeckHooks(mine, command).settings;
  const twice = withFlightdeckHooks(once, command).settings;
  assert.deepEqual(twice, once, 'connecting twice changes nothing');
  assert.equal(once.model, 'opus');
  assert.deepEqual(once.permissions, mine.permissions);
  const pre = (once.hooks as Record<string, { matcher?: string; hooks: { command: string }[] }[]>).PreToolUse;
  assert.equal(pre?.length, 2);
  assert.equal(pre?.[0]?.hooks[0]?.command, './my-guard.sh');
  assert.equal(pre?.[1]?.matcher, '*');
  assert.match(pre?.[1]?.hooks[0]?.command ?? '', /^FLIGHTDECK_MARK='flightdeck-hook' '\/usr\/bin\/node' '\/ext\/dist\/cli.js' hook PreToolUse$/);
  assert.deepEqual(Object.keys(once.hooks as object).sort(), ['PostToolUse', 'PostToolUseFailure', 'PreToolUse', 'SessionEnd', 'SessionStart', 'Stop', 'UserPromptSubmit']);
  assert.deepEqual(mine.hooks.PreToolUse.length, 1, 'the input is not modified');
});

test('disconnecting removes only Flightdeck\'s entries', () => {
  const mine = { hooks: { PreToolUse: [{ matcher: 'Bash', hooks: [{ type: 'command', command: './my-guard.sh' }] }] }, env: { A: '1' } };
  const connected = withFlightdeckHooks(mine, command).settings;
  const { settings, removed } = withoutFlightdeckHooks(connected);
  assert.deepEqual(settings, mine);
  assert.equal(removed.length, 7);
  assert.deepEqual(withoutFlightdeckHooks({}).settings, {});
});

test('paths with quotes stay one shell word; a broken settings file is named, not overwritten', () => {
  assert.equal(hookCommand("/o'dd/node", '/x y/cli.js', 'Stop', { ELECTRON_RUN_AS_NODE: '1' }),
    `ELECTRON_RUN_AS_NODE='1' FLIGHTDECK_MARK='flightdeck-hook' '/o'\\''dd/node' '/x y/cli.js' hook Stop`);
  assert.deepEqual(parseSettings(undefined, 'p'), {});
  assert.throws(() => parseSettings('{"hooks": ', '/w/.claude/settings.local.json'), /settings.local.json is not valid JSON/);
  assert.throws(() => parseSettings('[]', 'p'), /does not hold a JSON object/);
});

test('connecting for fewer events drops only Flightdeck\'s entries for the others, and says which', () => {
  const mine = { hooks: { PostToolUseFailure: [{ matcher: 'Bash', hooks: [{ type: 'command', command: './on-failure.sh' }] }] } };
  const all = withFlightdeckHooks(mine, command);
  assert.deepEqual(all.added, [...HOOK_EVENTS]);
  assert.deepEqual(all.removed, []);
  const older = withFlightdeckHooks(all.settings, command, ['PreToolUse', 'PostToolUse', 'Stop']);
  assert.deepEqual(older.added, [], 'hooks already in place are not new');
  assert.deepEqual(older.removed.sort(), ['PostToolUseFailure', 'SessionEnd', 'SessionStart', 'UserPromptSubmit']);
  const hooks = older.settings.hooks as Record<string, { hooks: { command: string }[] }[]>;
  assert.deepEqual(Object.keys(hooks).sort(), ['PostToolUse', 'PostToolUseFailure', 'PreToolUse', 'Stop']);
  assert.deepEqual(hooks.PostToolUseFailure, mine.hooks.PostToolUseFailure, 'the user\'s own hook for an event stays');
  const moved = withFlightdeckHooks(older.settings, (e) => hookCommand('/usr/bin/node', '/new/dist/cli.js', e), ['PreToolUse', 'PostToolUse', 'Stop']);
  assert.deepEqual(moved.added, ['PreToolUse', 'PostToolUse', 'Stop'], 'a changed command is rewritten');
  assert.deepEqual(withFlightdeckHooks({}, command, []).settings, {}, 'no events: no empty hooks object');
});
