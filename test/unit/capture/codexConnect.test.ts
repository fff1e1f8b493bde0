import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { scanToml } from '../../../src/core/capture/codex/configToml';
import {
  applyCodexConnect, applyCodexDisconnect, CODEX_HOOK_EVENTS, describeCodexConnect, planCodexConnect, planCodexDisconnect,
} from '../../../src/core/capture/codex/connect';
import { hookCommand } from '../../../src/core/capture/claudeSettings';
import { hookEvents } from '../../../src/core/capture/hook';
import { RecordStore } from '../../../src/core/record/store';
import { gitRepo, tempDir } from '../helpers/tmp';

const CLI = join(__dirname, '..', '..', '..', 'dist', 'cli.js');
const command = (e: string): string => hookCommand('/usr/bin/node', '/ext/dist/cli.js', e, { FLIGHTDECK_AGENT: 'codex' });
const other = (e: string): string => hookCommand('/opt/node', '/new/ext/dist/cli.js', e, { FLIGHTDECK_AGENT: 'codex' });

const USER_CONFIG = `# my Codex settings
model = "gpt-5.5"   # trailing comment
approval_policy = "never"
notes = """
a "multi-line" string with ''' inside
"""
path = 'C:\\Users\\me'
"quoted key" = 1_000
ratio = -3.5e2
when = 1979-05-27 07:32:00Z

[model_providers.local]
name = "Local"
base_url = "http://localhost:8080/v1"
retries = [
  1, 2, # more
  3,
]
headers = { "x-a" = "b", c = [true, false] }

[[hooks.Stop]]
[[hooks.Stop.hooks]]
type = "command"
command = "notify-send done"
`;

function home(t: { after(fn: () => void): void }, text?: string): string {
  const dir = tempDir(t, 'fd-codex-home-');
  const path = join(dir, 'config.toml');
  if (text !== undefined) writeFileSync(path, text);
  return path;
}

test('config.toml scan: every value kind, comments and multi-line values are understood', () => {
  const tables = scanToml(USER_CONFIG, 'config.toml');
  assert.deepEqual(tables.map((t) => [t.name, t.array, t.line]), [['', false, 0], ['model_providers.local', false, 12], ['hooks.Stop', true, 21], ['hooks.Stop.hooks', true, 22]]);
  assert.deepEqual(tables[0]?.keys.map((k) => k.key), ['model', 'approval_policy', 'notes', 'path', 'quoted key', 'ratio', 'when']);
  assert.deepEqual(tables[1]?.keys.map((k) => [k.key, k.line]), [['name', 13], ['base_url', 14], ['retries', 15], ['headers', 19]]);
});

test('a broken config.toml is reported with its line', () => {
  const cases: [string, number, RegExp][] = [
    ['a = 1\n[tools\nb = 2\n', 2, /table header is not closed/],
    ['a = 1\nb =\n', 2, /value is missing/],
    ['a = 1\n\nmodel = gpt-5\n', 3, /not a TOML value/],
    ['a = [1,\n2\nb = 3\n', 3, /expected , or \]/],
    ['a = "open\nb = 1\n', 1, /not closed on its line/],
    ['x = 1\nnotes = """\nnever closed\n', 2, /never closed/],
    ['a = "bad \\q escape"\n', 1, /bad escape/],
    ['a = 1 b = 2\n', 1, /unexpected/],
    ['just words\n', 1, /expected = after the key/],
  ];
  for (const [text, line, why] of cases) {
    assert.throws(() => scanToml(text, '/h/config.toml'), (e: Error) => e.message.startsWith(`/h/config.toml:${line}: `) && why.test(e.message), text);
  }
});

test('connect adds one marked block at the end and keeps every byte of the user\'s file; again changes nothing; disconnect restores it', (t) => {
  const path = home(t, USER_CONFIG);
  chmodSync(path, 0o600);
  const plan = planCodexConnect(path, command);
  assert.equal(plan.changed, true);
  applyCodexConnect(plan);
  const after = readFileSync(path, 'utf8');
  assert.ok(after.startsWith(USER_CONFIG), 'the user\'s text is untouched');
  const tables = scanToml(after, path);
  for (const e of CODEX_HOOK_EVENTS) assert.ok(tables.some((x) => x.name === `hooks.${e}.hooks` && x.array), e);
  assert.match(after, /command = "FLIGHTDECK_AGENT='codex' FLIGHTDECK_MARK='flightdeck-hook' '\/usr\/bin\/node' '\/ext\/dist\/cli.js' hook PreToolUse"/);
  assert.equal(statSync(path).mode & 0o777, 0o600, 'permissions kept');
  const mtime = statSync(path).mtimeMs;
  const again = planCodexConnect(path, command);
  assert.equal(again.changed, false);
  applyCodexConnect(again);
  assert.equal(statSync(path).mtimeMs, mtime);
  assert.match(describeCodexConnect(again).join('\n'), /Already connected/);
  const off = planCodexDisconnect(path);
  assert.equal(off.changed, true);
  applyCodexDisconnect(off);
  assert.equal(readFileSync(path, 'utf8'), USER_CONFIG);
  assert.equal(planCodexDisconnect(path).changed, false);
});

test('connect rewrites only its own block in place (say after the extension moved); no file yet is a new one', (t) => {
  const path = home(t, 'model = "o3"\n');
  applyCodexConnect(planCodexConnect(path, command));
  writeFileSync(path, `${readFileSync(path, 'utf8')}\n# added later by the user\n[profiles.fast]\nmodel = "mini"\n`);
  const before = readFileSync(path, 'utf8');
  const plan = planCodexConnect(path, other);
  assert.equal(plan.had, true);
  applyCodexConnect(plan);
  const after = readFileSync(path, 'utf8');
  assert.equal(after, before.split("'/usr/bin/node' '/ext/dist/cli.js'").join("'/opt/node' '/new/ext/dist/cli.js'"));
  const fresh = join(tempDir(t), 'nested', 'config.toml');
  applyCodexConnect(planCodexConnect(fresh, command));
  assert.ok(existsSync(fresh));
  applyCodexDisconnect(planCodexDisconnect(fresh));
  assert.equal(readFileSync(fresh, 'utf8').trim(), '');
});

test('a broken file, hooks written as values, or a block without its end: an error, and the file untouched', (t) => {
  for (const [text, why] of [
    ['model = "x"\n[broken\n', /config\.toml:2: /],
    ['[hooks]\nStop = [{ hooks = [] }]\n', /config\.toml:2: hooks\.Stop is set as a value/],
    ['hooks = { }\n', /config\.toml:1: hooks is set as a value/],
    ['[hooks.PreToolUse]\nmatcher = "x"\n', /\[hooks\.PreToolUse\] is a table/],
    ['a = 1\n# >>> Flightdeck: Codex hooks (x) >>>\n[[hooks.Stop]]\n', /config\.toml:2: Flightdeck's block starts here but its end line/],
  ] as const) {
    const path = home(t, text);
    assert.throws(() => planCodexConnect(path, command), why, text);
    assert.equal(readFileSync(path, 'utf8'), text);
  }
  // The user's own [[hooks.Stop]] tables and a hooks state table are no clash.
  const ok = home(t, '[hooks.state."/h/config.toml:stop:0:0"]\ntrusted_hash = "abc"\n\n[[hooks.Stop]]\nmatcher = ""\n');
  assert.equal(planCodexConnect(ok, command).changed, true);
});

test('Codex hook payloads: the prompt, turn end and session are recorded as Codex\'s; tool calls are left to the rollout', () => {
  const common = { session_id: 's-1', cwd: '/w', transcript_path: null, model: 'gpt-5.5', permission_mode: 'default' };
  const pre = hookEvents('PreToolUse', { ...common, hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_use_id: 'call_1', tool_input: { command: 'npm test' } }, 1, undefined, {}, 'codex');
  assert.deepEqual(pre.map((e) => [e.kind, e.source, e.data.agent, e.data.command]), [['hook.received', 'codex-hook', 'codex', 'npm test']]);
  const start = hookEvents('SessionStart', { ...common, hook_event_name: 'SessionStart', source: 'startup' }, 1, undefined, { head: 'abc' }, 'codex');
  assert.deepEqual(start.map((e) => [e.kind, e.data.agent]), [['hook.received', 'codex'], ['session.started', 'codex']]);
  const prompt = hookEvents('UserPromptSubmit', { ...common, hook_event_name: 'UserPromptSubmit', prompt: 'fix it' }, 1, undefined, {}, 'codex');
  assert.deepEqual([prompt[0]?.data.prompt, prompt[0]?.data.isPrompt], ['fix it', true]);
  // Claude Code's hooks are unchanged.
  const claude = hookEvents('PreToolUse', { ...common, tool_name: 'Bash', tool_use_id: 'toolu_1', tool_input: { command: 'ls' } }, 1);
  assert.deepEqual(claude.map((e) => [e.kind, e.source]), [['hook.received', 'claude-hook'], ['tool.called', 'claude-hook']]);
});

test('the hook as Codex runs it: records into a repository that keeps a record, and starts none where there is none', async (t) => {
  const repo = gitRepo(t);
  const payload = JSON.stringify({ session_id: 'cx-hook-1', cwd: repo, hook_event_name: 'Stop', turn_id: 't1', transcript_path: null, model: 'gpt-5.5', permission_mode: 'default', stop_hook_active: false, last_assistant_message: 'done' });
  const run = () => spawnSync(process.execPath, [CLI, 'hook', 'Stop'], { cwd: repo, input: payload, encoding: 'utf8', env: { ...process.env, FLIGHTDECK_AGENT: 'codex' } });
  const none = run();
  assert.equal(none.status, 0, none.stderr);
  assert.equal(existsSync(join(repo, '.git', 'flightdeck')), false, 'no record started by a user-wide hook');
  mkdirSync(join(repo, '.git', 'flightdeck'));
  const r = run();
  assert.equal(r.status, 0, r.stderr);
  const store = await RecordStore.open(join(repo, '.git', 'flightdeck'));
  t.after(() => store.close());
  const rows = store.db.exec("SELECT kind, source, json_extract(data, '$.hook') FROM events WHERE session_id = 'cx-hook-1'")[0]?.values;
  assert.deepEqual(rows, [['hook.received', 'codex-hook', 'Stop']]);
});
