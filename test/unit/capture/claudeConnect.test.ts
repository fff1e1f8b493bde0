import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gitRepo, tempDir } from '../helpers/tmp';
import {
  applyConnect, applyDisconnect, claudeSettingsPath, describeConnect, planConnect, planDisconnect, planRefresh,
} from '../../../src/core/capture/claudeConnect';
import { hookCommand } from '../../../src/core/capture/claudeSettings';
import { HOOK_EVENTS } from '../../../src/core/capture/hook';
import type { ClaudeProbe } from '../../../src/core/capture/claudeProbe';

const command = (e: string): string => hookCommand('/usr/bin/node', '/ext/dist/cli.js', e);
const found = (version: string): ClaudeProbe => ({ version, path: '/usr/local/bin/claude', tried: [{ path: '/usr/local/bin/claude' }] });
const unknown: ClaudeProbe = { tried: [] };
type Hooks = Record<string, { hooks: { command: string }[] }[]>;
const read = (path: string): { hooks?: Hooks } & Record<string, unknown> => JSON.parse(readFileSync(path, 'utf8')) as { hooks?: Hooks };

test('connect writes the version\'s events, keeps the file out of git, and a second run writes nothing', (t) => {
  const repo = gitRepo(t);
  const path = claudeSettingsPath(repo);
  const plan = planConnect(path, found('2.1.3'), command);
  assert.equal(plan.changed, true);
  assert.deepEqual(plan.added, [...HOOK_EVENTS]);
  applyConnect(plan, repo);
  assert.deepEqual(Object.keys(read(path).hooks ?? {}), [...HOOK_EVENTS]);
  assert.match(readFileSync(join(repo, '.git', 'info', 'exclude'), 'utf8'), /^\/\.claude\/settings\.local\.json$/m);
  const mtime = statSync(path).mtimeMs;
  const again = planConnect(path, found('2.1.3'), command);
  assert.equal(again.changed, false);
  assert.deepEqual(again.added, []);
  applyConnect(again, repo);
  assert.equal(statSync(path).mtimeMs, mtime, 'the file is not rewritten');
  assert.match(describeConnect(again).join('\n'), /Already connected/);
  assert.equal(readFileSync(join(repo, '.git', 'info', 'exclude'), 'utf8').split('/.claude/settings.local.json').length, 2, 'excluded once');
});

test('an older Claude Code loses the Flightdeck hook it does not know; the user\'s own stays, with a warning', (t) => {
  const dir = tempDir(t);
  const path = claudeSettingsPath(dir);
  applyConnect(planConnect(path, found('2.0.58'), command), undefined);
  const text = readFileSync(path, 'utf8');
  const withMine = read(path);
  (withMine.hooks as Hooks).PostToolUseFailure?.push({ hooks: [{ command: './mine.sh' }] });
  writeFileSync(path, JSON.stringify(withMine));
  const plan = planConnect(path, found('2.0.47'), command);
  assert.deepEqual(plan.removed, ['PostToolUseFailure']);
  assert.deepEqual(plan.userUnknown, ['PostToolUseFailure']);
  applyConnect(plan, undefined);
  assert.deepEqual(read(path).hooks?.PostToolUseFailure, [{ hooks: [{ command: './mine.sh' }] }]);
  const said = describeConnect(plan).join('\n');
  assert.match(said, /^Claude Code 2\.0\.47 \(\/usr\/local\/bin\/claude\)$/m);
  assert.match(said, /Left out PostToolUseFailure \(Claude Code 2\.0\.56 or later\): Claude Code 2\.0\.47 does not know it/);
  assert.match(said, /Removed Flightdeck's hooks for PostToolUseFailure/);
  assert.match(said, /Warning: your own hooks for PostToolUseFailure/);
  assert.ok(text.includes('PostToolUseFailure'));
});

test('a Claude Code too old for hooks gets nothing written, and is told so', (t) => {
  const dir = tempDir(t);
  const path = claudeSettingsPath(dir);
  const plan = planConnect(path, found('1.0.30'), command);
  assert.equal(plan.changed, false);
  assert.deepEqual(plan.support.events, []);
  applyConnect(plan, undefined);
  assert.equal(existsSync(path), false);
  assert.match(describeConnect(plan).join('\n'), /has no hooks \(they came in 1\.0\.38\): nothing was written/);
});

test('an unknown version is said, with what was assumed and left out', (t) => {
  const dir = tempDir(t);
  const plan = planConnect(claudeSettingsPath(dir), { tried: [{ path: '/opt/claude', problem: 'no answer within 4000 ms' }] }, command);
  assert.ok(!plan.support.events.includes('PostToolUseFailure'));
  const said = describeConnect(plan).join('\n');
  assert.match(said, /could not be told \(tried \/opt\/claude: no answer within 4000 ms\); assumed 1\.0\.85 or later, so PostToolUseFailure is left out/);
});

test('a refresh follows a known version, and keeps what is installed when the version is unknown', (t) => {
  const dir = tempDir(t);
  const path = claudeSettingsPath(dir);
  assert.equal(planRefresh(path, found('2.1.0'), command), undefined, 'nothing to refresh without Flightdeck hooks');
  applyConnect(planConnect(path, found('2.1.0'), command), undefined);
  const moved = (e: string): string => hookCommand('/usr/bin/node', '/ext-2/dist/cli.js', e);
  const blind = planRefresh(path, unknown, moved);
  assert.ok(blind);
  assert.deepEqual(blind.added, [...HOOK_EVENTS], 'every command points at the new CLI, PostToolUseFailure kept');
  applyConnect(blind, undefined);
  const older = planRefresh(path, found('2.0.47'), moved);
  assert.deepEqual(older?.removed, ['PostToolUseFailure']);
  assert.deepEqual(older?.added, []);
});

test('disconnect removes only Flightdeck\'s entries; a broken file is named and left as it is', (t) => {
  const dir = tempDir(t);
  const path = claudeSettingsPath(dir);
  mkdirSync(join(dir, '.claude'));
  writeFileSync(path, JSON.stringify({ env: { A: '1' }, hooks: { Stop: [{ hooks: [{ type: 'command', command: './done.sh' }] }] } }));
  applyConnect(planConnect(path, found('2.1.0'), command), undefined);
  const plan = planDisconnect(path);
  assert.equal(plan.removed.length, HOOK_EVENTS.length);
  applyDisconnect(plan);
  assert.deepEqual(read(path), { env: { A: '1' }, hooks: { Stop: [{ hooks: [{ type: 'command', command: './done.sh' }] }] } });
  assert.equal(planDisconnect(path).changed, false);
  writeFileSync(path, '{"hooks": ');
  assert.throws(() => planConnect(path, found('2.1.0'), command), /settings\.local\.json is not valid JSON/);
  assert.throws(() => planDisconnect(path), /settings\.local\.json is not valid JSON/);
  assert.equal(readFileSync(path, 'utf8'), '{"hooks": ');
});
