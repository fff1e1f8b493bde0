import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { RecordStore } from '../../../src/core/record/store';
import { listEvents } from '../../../src/core/record/queries';
import { GATE_STATE_FILE } from '../../../src/core/gates/state';
import { installGitHooks } from '../../../src/core/gates/gitHooks';
import { parseCliArgs } from '../../../src/cli/args';
import { checkDeployCommand, checkPushCommand } from '../../../src/cli/gateCommands';
import { gitRepo, tempDir } from '../helpers/tmp';
import { recordTestedSession } from '../helpers/sessions';

const CLI = join(__dirname, '..', '..', '..', 'dist', 'cli.js');

function fd(args: string[], cwd: string, input?: string): { code: number; out: string; err: string } {
  const env = { ...process.env };
  delete env.ANTHROPIC_API_KEY;
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, input, encoding: 'utf8', env });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}
const git = (repo: string, ...args: string[]): { code: number; out: string; err: string } => {
  const r = spawnSync('git', args, { cwd: repo, encoding: 'utf8' });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
};
function write(repo: string, path: string, text: string): void {
  mkdirSync(dirname(join(repo, path)), { recursive: true });
  writeFileSync(join(repo, path), text);
}
const policy = (repo: string, mode: 'advisory' | 'enforce'): void => write(repo, '.flightdeck/policy.json', JSON.stringify({ version: 1, mode }));

/** A repository with a bare remote, a session model pushed, then an untested auth change that the rules review flags. */
function reviewedRepo(t: { after(fn: () => void): void }, mode: 'advisory' | 'enforce'): { repo: string; reviewId: string } {
  const repo = pushableRepo(t, mode, { 'app/auth/session.rb': 'class Session\n  def active?\n    last_seen_at > 30.minutes.ago\n  end\nend\n' });
  write(repo, 'app/auth/session.rb', 'class Session\n  def active?\n    true\n  end\nend\n');
  const r = fd(['review', '--json'], repo);
  assert.equal(r.code, 1, r.err);
  return { repo, reviewId: (JSON.parse(r.out) as { reviewId: string }).reviewId };
}

const pre = (repo: string, tool: string, input: Record<string, unknown>) =>
  fd(['hook', 'PreToolUse'], repo, JSON.stringify({ session_id: 'gate-session', cwd: repo, hook_event_name: 'PreToolUse', tool_name: tool, tool_input: input, tool_use_id: `toolu_${Math.random().toString(36).slice(2)}` }));

test('a real `flightdeck hook PreToolUse` denies a gated command in enforce mode (exit 2, the reason on stderr) and records the denial', async (t) => {
  const { repo, reviewId } = reviewedRepo(t, 'enforce');
  const push = pre(repo, 'Bash', { command: 'git push origin main' });
  assert.equal(push.code, 2);
  assert.equal(push.out, '', 'a denial is exit 2 and stderr only');
  assert.match(push.err, new RegExp(`git push to main is gated: review ${reviewId} of auth: app/auth/session\\.rb has 2 open concerns \\(app/auth/session\\.rb:3 Authentication or access control code changed with no test change`));
  assert.match(push.err, new RegExp(`flightdeck override ${reviewId} --reason`));
  const deploy = pre(repo, 'Bash', { command: 'cd infra && terraform apply -auto-approve' });
  assert.equal(deploy.code, 2);
  assert.match(deploy.err, /a deploy \(`terraform apply`\) is gated/);
  const fine = pre(repo, 'Bash', { command: 'npm test' });
  assert.deepEqual([fine.code, fine.out, fine.err], [0, '', '']);
  const store = await RecordStore.open(join(repo, '.git', 'flightdeck'), { readOnly: true });
  const denied = listEvents(store.db, { kind: 'gate.denied', limit: 10 });
  store.close();
  assert.deepEqual(denied.map((e) => [e.data.gate, e.session]).sort(), [['deploy', 'gate-session'], ['push', 'gate-session']]);
  // After an override of the review, the push goes on.
  const o = fd(['override', reviewId, '--reason', 'hotfix for INC-4411, sessions must stay up during the migration', '--for', '1h'], repo);
  assert.equal(o.code, 0, o.err);
  assert.equal(pre(repo, 'Bash', { command: 'git push origin main' }).code, 0);
});

test('Codex\'s PreToolUse hook (its payload, run as Connect Codex writes it) is gated the same: exit 2 and the reason, recorded as Codex\'s', async (t) => {
  const { repo, reviewId } = reviewedRepo(t, 'enforce');
  const codexPre = (command: string) => {
    const payload = { session_id: '019a0000-0000-7000-8000-00000000c0de', turn_id: 't-1', transcript_path: null, cwd: repo, hook_event_name: 'PreToolUse',
      model: 'gpt-5.5', permission_mode: 'bypassPermissions', tool_name: 'Bash', tool_input: { command }, tool_use_id: 'call_gate_1' };
    const r = spawnSync(process.execPath, [CLI, 'hook', 'PreToolUse'], { cwd: repo, input: JSON.stringify(payload), encoding: 'utf8', env: { ...process.env, FLIGHTDECK_AGENT: 'codex' } });
    return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
  };
  const push = codexPre('git push origin main');
  assert.equal(push.code, 2, push.err);
  assert.match(push.err, new RegExp(`git push to main is gated: review ${reviewId}`));
  assert.deepEqual([codexPre('npm test').code], [0]);
  const store = await RecordStore.open(join(repo, '.git', 'flightdeck'), { readOnly: true });
  const denied = listEvents(store.db, { kind: 'gate.denied', limit: 10 });
  store.close();
  assert.deepEqual(denied.map((e) => [e.data.gate, e.source, e.session]), [['push', 'codex-hook', '019a0000-0000-7000-8000-00000000c0de']]);
});

test('the same command in advisory mode is allowed (exit 0) and the agent reads why in the hook output', (t) => {
  const { repo, reviewId } = reviewedRepo(t, 'advisory');
  const push = pre(repo, 'Bash', { command: 'git push origin main' });
  assert.equal(push.code, 0, push.err);
  const out = JSON.parse(push.out) as { hookSpecificOutput: { hookEventName: string; additionalContext: string; permissionDecision?: string } };
  assert.equal(out.hookSpecificOutput.hookEventName, 'PreToolUse');
  assert.equal(out.hookSpecificOutput.permissionDecision, undefined, 'advice leaves the permission flow alone');
  assert.match(out.hookSpecificOutput.additionalContext, new RegExp(`git push to main while review ${reviewId} .*has 2 open concerns.*not blocked`));
  const editRisky = pre(repo, 'Edit', { file_path: join(repo, 'app/auth/session.rb'), old_string: 'true', new_string: 'last_seen_at > 15.minutes.ago' });
  assert.equal(editRisky.code, 0);
  assert.match((JSON.parse(editRisky.out) as { hookSpecificOutput: { additionalContext: string } }).hookSpecificOutput.additionalContext, /app\/auth\/session\.rb is risky \(auth: /);
  const post = fd(['hook', 'PostToolUse'], repo, JSON.stringify({ session_id: 's', cwd: repo, tool_name: 'Edit', tool_input: { file_path: join(repo, 'app/auth/session.rb') }, tool_use_id: 'toolu_post', tool_response: {} }));
  assert.equal(post.code, 0);
  const told = JSON.parse(post.out) as { hookSpecificOutput: { hookEventName: string; additionalContext: string } };
  assert.equal(told.hookSpecificOutput.hookEventName, 'PostToolUse');
  assert.match(told.hookSpecificOutput.additionalContext, /has open concerns on app\/auth\/session\.rb: \[high\] line 3: Authentication/);
});

test('enforce mode fails closed when the gate state cannot be read; advisory mode does not block', (t) => {
  const { repo } = reviewedRepo(t, 'enforce');
  const dir = join(repo, '.git', 'flightdeck');
  writeFileSync(join(dir, GATE_STATE_FILE), '{"flightdeck":"gates","vers'); // torn by hand
  const denied = pre(repo, 'Bash', { command: 'git push' });
  assert.equal(denied.code, 2);
  assert.match(denied.err, /the gate state cannot be read .*enforce mode fails closed\. Run `flightdeck gates`/);
  policy(repo, 'advisory');
  assert.equal(pre(repo, 'Bash', { command: 'git push' }).code, 0);
  policy(repo, 'enforce');
  // `flightdeck gates` rebuilds it from the record.
  const g = fd(['gates'], repo);
  assert.equal(g.code, 0, g.err);
  assert.match(g.out, /^mode: enforce; protected branches: main/m);
  assert.match(g.out, /open reviews \(1\):/);
  assert.match(pre(repo, 'Bash', { command: 'git push' }).err, /is gated: review rev-/);
  // A broken policy with no good copy that asks for enforce: closed too.
  const last = join(dir, 'policy.last-good.json');
  if (existsSync(last)) writeFileSync(last, 'not json');
  write(repo, '.flightdeck/policy.json', '{"version": 1, "mode": "enforce",, }');
  const broken = pre(repo, 'Bash', { command: 'git push origin main' });
  assert.equal(broken.code, 2);
  assert.match(broken.err, /the policy cannot be read \(\.flightdeck\/policy\.json:1:/);
});

test('flightdeck resolve closes an open review as the git identity, with the reason; the denial names it; an unknown or closed review is refused (exit 2)', async (t) => {
  const { repo, reviewId } = reviewedRepo(t, 'enforce');
  const push = pre(repo, 'Bash', { command: 'git push origin main' });
  assert.equal(push.code, 2);
  assert.match(push.err, new RegExp(`ask the user to mark it resolved or override it: that is theirs to do, in their own terminal \\(\`flightdeck resolve ${reviewId}\`, \`flightdeck override ${reviewId} --reason`));
  assert.match(fd(['--help'], repo).out, /^ {2}resolve ID {8}mark an open review resolved/m);
  const missing = fd(['resolve'], repo);
  assert.deepEqual([missing.code, missing.err.trim()], [2, 'flightdeck: resolve wants a review id (flightdeck gates lists the open ones) [--reason "what was done"]']);
  const unknown = fd(['resolve', 'rev-nope'], repo);
  assert.deepEqual([unknown.code, unknown.err.trim()], [2, 'flightdeck: no review "rev-nope" in this record']);
  const r = fd(['resolve', reviewId, '--reason', 'session expiry restored in middleware, tested'], repo);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, new RegExp(`^Resolved ${reviewId} as Test <test@example\\.com> \\("session expiry restored in middleware, tested"\\): \\S+$`, 'm'));
  assert.equal(pre(repo, 'Bash', { command: 'git push origin main' }).code, 0, 'the gate opens at once');
  const again = fd(['resolve', reviewId, '--json'], repo);
  assert.deepEqual([again.code, again.err.trim()], [2, `flightdeck: review ${reviewId} is already closed (resolved): nothing to resolve`]);
  const store = await RecordStore.open(join(repo, '.git', 'flightdeck'), { readOnly: true });
  const resolved = listEvents(store.db, { kind: 'review.resolved', limit: 10 });
  store.close();
  assert.deepEqual(resolved.map((e) => e.data), [{ reviewId, by: 'Test <test@example.com>', reason: 'session expiry restored in middleware, tested' }]);
});

test('the installed pre-push hook refuses a real git push to a protected branch in enforce mode, and lets it go after an override', (t) => {
  const { repo, reviewId } = reviewedRepo(t, 'enforce');
  git(repo, 'add', 'app');
  git(repo, 'commit', '-q', '-m', 'sessions never expire');
  const install = fd(['install-git-hooks'], repo);
  assert.equal(install.code, 0, install.err);
  assert.match(install.out, /Installed the pre-push hook at .*\.git\/hooks\/pre-push\./);
  const refused = git(repo, 'push', 'origin', 'main');
  assert.notEqual(refused.code, 0);
  assert.match(refused.err, new RegExp(`push to main refused \\(enforce mode\\): reviews of this change are open:\\n  review ${reviewId} of auth: app/auth/session\\.rb has 2 open concerns`));
  assert.match(refused.err, /flightdeck override rev-\S+ --reason/);
  assert.match(refused.err, /as the owner, mark it resolved: flightdeck resolve rev-\S+;/);
  // A feature branch is not protected.
  assert.equal(git(repo, 'push', '-q', 'origin', 'main:feature/sessions').code, 0);
  const weak = fd(['override', reviewId, '--reason', 'ok'], repo);
  assert.equal(weak.code, 2);
  assert.match(weak.err, /"ok" is one word/);
  const o = fd(['override', reviewId, '--reason', 'product decision: sessions stay up until the SSO cutover', '--for', '2h'], repo);
  assert.equal(o.code, 0, o.err);
  assert.match(o.out, new RegExp(`^Overrode ${reviewId} until \\S+, as Test <test@example\\.com>: \\S+$`, 'm'));
  const pushed = git(repo, 'push', 'origin', 'main');
  assert.equal(pushed.code, 0, pushed.err);
  assert.equal(git(repo, 'ls-remote', 'origin', 'main').out.split('\t')[0], git(repo, 'rev-parse', 'HEAD').out.trim());
});

test('advisory: the pre-push hook warns and the push goes on; a push that changes none of the reviewed files is not held', (t) => {
  const { repo } = reviewedRepo(t, 'advisory');
  git(repo, 'add', 'app');
  git(repo, 'commit', '-q', '-m', 'sessions never expire');
  assert.equal(fd(['install-git-hooks'], repo).code, 0);
  const warned = git(repo, 'push', 'origin', 'main');
  assert.equal(warned.code, 0, warned.err);
  assert.match(warned.err, /warning: pushing to main while reviews of this change are open \(advisory mode, not blocked\)/);
  policy(repo, 'enforce');
  write(repo, 'README.md', 'docs only\n');
  git(repo, 'add', 'README.md');
  git(repo, 'commit', '-q', '-m', 'docs');
  const docs = git(repo, 'push', 'origin', 'main');
  assert.equal(docs.code, 0, `the open review is of app/auth/session.rb, already pushed: ${docs.err}`);
});

test('install-git-hooks keeps an existing pre-push (run first, same input; its refusal stands), respects core.hooksPath, is idempotent; uninstall puts it back', (t) => {
  const repo = gitRepo(t);
  const hooks = join(repo, '.githooks');
  mkdirSync(hooks);
  git(repo, 'config', 'core.hooksPath', '.githooks');
  const seen = join(tempDir(t), 'seen.txt');
  const theirs = `#!/bin/sh\ncat > '${seen}'\necho "$1" >> '${seen}'\n[ -f '${seen}.refuse' ] && exit 7\nexit 0\n`;
  writeFileSync(join(hooks, 'pre-push'), theirs);
  chmodSync(join(hooks, 'pre-push'), 0o755);
  const first = fd(['install-git-hooks'], repo);
  assert.equal(first.code, 0, first.err);
  assert.match(first.out, /\.githooks\/pre-push; the hook that was there runs first \(.*pre-push\.flightdeck-chained\)/);
  const again = fd(['install-git-hooks'], repo);
  assert.match(again.out, /is already installed/);
  assert.equal(readFileSync(join(hooks, 'pre-push.flightdeck-chained'), 'utf8'), theirs);
  const remote = join(tempDir(t, 'fd-remote-'), 'o.git');
  execFileSync('git', ['init', '-q', '--bare', remote]);
  git(repo, 'remote', 'add', 'origin', remote);
  assert.equal(git(repo, 'push', '-q', 'origin', 'main').code, 0);
  const got = readFileSync(seen, 'utf8').split('\n');
  assert.match(got[0] ?? '', /^refs\/heads\/main [0-9a-f]{40} refs\/heads\/main 0{40}$/, 'the chained hook got git\'s lines');
  assert.equal(got[1], 'origin', 'and its arguments');
  writeFileSync(`${seen}.refuse`, '');
  write(repo, 'a.txt', 'a');
  git(repo, 'add', 'a.txt');
  git(repo, 'commit', '-q', '-m', 'a');
  assert.notEqual(git(repo, 'push', '-q', 'origin', 'main').code, 0, 'the chained hook still refuses');
  const un = fd(['uninstall-git-hooks'], repo);
  assert.match(un.out, /the one it chained is back/);
  assert.equal(readFileSync(join(hooks, 'pre-push'), 'utf8'), theirs);
  assert.equal(existsSync(join(hooks, 'pre-push.flightdeck-chained')), false);
  assert.match(fd(['uninstall-git-hooks'], repo).out, /No Flightdeck pre-push hook/);
});

test('a PreToolUse hook in enforce mode, allowing an edit or denying a push, loads no node:crypto, no node:v8, no streams and no argument parser', (t) => {
  const { repo } = reviewedRepo(t, 'enforce');
  const dir = join(repo, '.git', 'flightdeck');
  const store = spawnSync(process.execPath, [CLI, 'gates'], { cwd: repo, encoding: 'utf8' });
  assert.equal(store.status, 0, store.stderr);
  assert.ok(existsSync(join(dir, GATE_STATE_FILE)));
  const probe = join(tempDir(t), 'probe.js');
  writeFileSync(probe, `process.on('exit', () => require('fs').writeSync(3, JSON.stringify(process.moduleLoadList)));`);
  for (const [tool, input] of [['Edit', { file_path: join(repo, 'app/models/user.rb'), old_string: 'a', new_string: 'b' }], ['Bash', { command: 'git push origin main' }]] as const) {
    const payload = { session_id: 's', cwd: repo, hook_event_name: 'PreToolUse', tool_name: tool, tool_input: input, tool_use_id: 'toolu_probe' };
    const r = spawnSync(process.execPath, ['-r', probe, CLI, 'hook', 'PreToolUse'], { cwd: repo, input: JSON.stringify(payload), encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe', 'pipe'] });
    assert.equal(r.status, tool === 'Bash' ? 2 : 0, r.stderr);
    const loaded = JSON.parse(String(r.output[3])) as string[];
    assert.ok(loaded.includes('NativeModule fs'));
    assert.ok(!loaded.includes('NativeModule crypto'), `${tool}: crypto was loaded`);
    // A denial's reason goes to stderr too, written to the descriptor (src/cli/fdWrite.ts). An edit's decision compiles
    // no policy expression for its file's ordinary lines (classify.ts, compilePolicyForFewFiles): no V8 flags to set.
    assert.ok(!loaded.includes('NativeModule v8'), `${tool}: node:v8 was loaded`);
    assert.ok(!loaded.includes('NativeModule internal/streams/readable'), `${tool}: streams were loaded`);
    assert.ok(!loaded.includes('NativeModule internal/util/parse_args/parse_args'), `${tool}: util.parseArgs was loaded`);
  }
});

test('enforce: the pre-push hook refuses a risky change no passed review saw as pushed; a passed review of that content lets it go, a later edit needs another; advisory warns', async (t) => {
  const repo = pushableRepo(t, 'enforce');
  const start = git(repo, 'rev-parse', 'HEAD').out.trim();
  // `flightdeck gates` says when enforce mode lacks the hook that holds such a push.
  assert.match(fd(['gates'], repo).out, /^git's pre-push hook: not installed: a push by hand of a risky change nobody reviewed is not held \(flightdeck install-git-hooks\)$/m);
  assert.equal(fd(['install-git-hooks'], repo).code, 0);
  assert.match(fd(['gates'], repo).out, /^git's pre-push hook: installed$/m);
  assert.equal((JSON.parse(fd(['gates', '--json'], repo).out) as { prePushHook: boolean }).prePushHook, true);
  write(repo, 'app/auth/session.rb', 'class Session\n  def active? = last_seen_at > 30.minutes.ago\nend\n');
  write(repo, 'test/models/session_test.rb', 'class SessionTest < ActiveSupport::TestCase\nend\n');
  git(repo, 'add', '.');
  git(repo, 'commit', '-q', '-m', 'expire idle sessions');
  // No review at all (VS Code closed, nobody ran one): the gate does not take silence for a pass.
  const unreviewed = git(repo, 'push', 'origin', 'main');
  assert.notEqual(unreviewed.code, 0);
  assert.match(unreviewed.err, /push to main refused \(enforce mode\): risky files in it that no passed review saw as pushed:\n {2}app\/auth\/session\.rb \(auth\)\n/);
  assert.match(unreviewed.err, new RegExp(`flightdeck review --base ${start.slice(0, 12)}, then push again; or override the push gate`));
  assert.equal(git(repo, 'ls-remote', 'origin', 'main').out.split('\t')[0], start);
  // The session ran its tests after the change: the rules pass, and the review records what it saw of each file.
  await recordTestedSession(repo, { session: 'sess-push', intent: 'Expire idle sessions after 30 minutes', startCommit: start, changed: 'app/auth/session.rb', check: 'bin/rails test' });
  const reviewed = fd(['review', '--base', 'origin/main'], repo);
  assert.equal(reviewed.code, 0, reviewed.out + reviewed.err);
  const pushed = git(repo, 'push', 'origin', 'main');
  assert.equal(pushed.code, 0, pushed.err);
  assert.equal(git(repo, 'ls-remote', 'origin', 'main').out.split('\t')[0], git(repo, 'rev-parse', 'HEAD').out.trim());
  // Changed after its review: that content was never seen.
  write(repo, 'app/auth/session.rb', 'class Session\n  def active? = true\nend\n');
  git(repo, 'commit', '-q', '-am', 'sessions never expire');
  const changed = git(repo, 'push', 'origin', 'main');
  assert.notEqual(changed.code, 0);
  assert.match(changed.err, /no passed review saw as pushed:\n {2}app\/auth\/session\.rb \(auth\)/);
  policy(repo, 'advisory');
  const warned = git(repo, 'push', 'origin', 'main');
  assert.equal(warned.code, 0, warned.err);
  assert.match(warned.err, /warning: pushing to main \(advisory mode, not blocked\): risky files in it that no passed review saw as pushed:\n {2}app\/auth\/session\.rb \(auth\)/);
});

/** A repository with a bare remote that has `main` (with `files`), the record kept out of commits, in `mode`. */
function pushableRepo(t: { after(fn: () => void): void }, mode: 'advisory' | 'enforce', files: Record<string, string> = {}): string {
  const repo = gitRepo(t);
  const remote = join(tempDir(t, 'fd-remote-'), 'origin.git');
  execFileSync('git', ['init', '-q', '--bare', remote]);
  for (const [path, text] of Object.entries(files)) write(repo, path, text);
  write(repo, '.gitignore', '.flightdeck/\n');
  git(repo, 'add', '.');
  git(repo, 'commit', '-q', '-m', 'ignore the policy');
  git(repo, 'remote', 'add', 'origin', remote);
  assert.equal(git(repo, 'push', '-q', 'origin', 'main').code, 0);
  policy(repo, mode);
  return repo;
}
const commit = (repo: string, file: string): void => {
  write(repo, file, `${file}\n`);
  git(repo, 'add', file);
  git(repo, 'commit', '-q', '-m', file);
};

test('after an update took away the CLI or the runtime the pre-push hook names, advisory mode lets a real push go and says to install again; enforce mode refuses it', async (t) => {
  const repo = pushableRepo(t, 'advisory');
  const gone = join(tempDir(t), 'publisher.flightdeck-0.1.0', 'dist', 'cli.js');
  await installGitHooks(repo, { runtime: process.execPath, cli: gone });
  commit(repo, 'a.txt');
  const pushed = git(repo, 'push', 'origin', 'main');
  assert.equal(pushed.code, 0, pushed.err);
  assert.ok(pushed.err.includes(`flightdeck: the pre-push hook points at ${gone}, which is gone (VS Code or Flightdeck was updated): run \`Flightdeck: Install git hooks\` again`), pushed.err);
  assert.match(pushed.err, /advisory mode, the push goes on unchecked/);
  assert.equal(git(repo, 'ls-remote', 'origin', 'main').out.split('\t')[0], git(repo, 'rev-parse', 'HEAD').out.trim());
  // Enforce, written with spaces and line breaks between the key and its value: refused, without node.
  write(repo, '.flightdeck/policy.json', '{\n  "version": 1,\n  "mode" :\n    "enforce"\n}\n');
  commit(repo, 'b.txt');
  const refused = git(repo, 'push', 'origin', 'main');
  assert.notEqual(refused.code, 0);
  assert.ok(refused.err.includes(`points at ${gone}, which is gone`), refused.err);
  assert.match(refused.err, /push refused: it cannot be checked and \.flightdeck\/policy\.json is in enforce mode, which fails closed/);
  // The runtime gone (VS Code moved), the CLI still there.
  const oldCode = join(tempDir(t), 'VSCode-linux-x64-1.98', 'code');
  await installGitHooks(repo, { runtime: oldCode, cli: CLI, env: { ELECTRON_RUN_AS_NODE: '1' } });
  const again = git(repo, 'push', 'origin', 'main');
  assert.notEqual(again.code, 0);
  assert.ok(again.err.includes(`points at ${oldCode}, which is gone`), again.err);
  policy(repo, 'advisory');
  const goes = git(repo, 'push', 'origin', 'main');
  assert.equal(goes.code, 0, goes.err);
  assert.ok(goes.err.includes(`points at ${oldCode}, which is gone`), goes.err);
});

test('a check-push that fails (an unreadable record) lets the push go in advisory mode and refuses it in enforce mode, saying how to override', (t) => {
  const repo = pushableRepo(t, 'advisory');
  // A journal that is a folder: reading the gate state throws (EISDIR).
  mkdirSync(join(repo, '.git', 'flightdeck', 'journal.jsonl'), { recursive: true });
  commit(repo, 'a.txt');
  const line = `refs/heads/main ${git(repo, 'rev-parse', 'HEAD').out.trim()} refs/heads/main ${git(repo, 'rev-parse', 'origin/main').out.trim()}\n`;
  const advisory = fd(['check-push', 'origin'], repo, line);
  assert.equal(advisory.code, 0, advisory.err);
  assert.match(advisory.err, /^flightdeck: could not check the push \(EISDIR[^\n]*\); advisory mode, the push goes on\.\n$/);
  assert.equal(fd(['install-git-hooks'], repo).code, 0);
  const pushed = git(repo, 'push', 'origin', 'main');
  assert.equal(pushed.code, 0, pushed.err);
  assert.match(pushed.err, /could not check the push \(EISDIR/);
  policy(repo, 'enforce');
  commit(repo, 'b.txt');
  const enforce = fd(['check-push', 'origin'], repo, `refs/heads/main ${git(repo, 'rev-parse', 'HEAD').out.trim()} refs/heads/main ${git(repo, 'rev-parse', 'origin/main').out.trim()}\n`);
  assert.equal(enforce.code, 1, enforce.err);
  assert.match(enforce.err, /push refused: it could not be checked \(EISDIR[^)]*\) and enforce mode fails closed\. Fix the cause and push again .*override the push gate with a reason: flightdeck override --gate push --reason "…"/);
  assert.notEqual(git(repo, 'push', 'origin', 'main').code, 0);
});

test('enforce mode: a push the check could not decide goes on under an override of the push gate, and only then', async (t) => {
  const repo = pushableRepo(t, 'enforce');
  const args = parseCliArgs(['check-push', 'origin'], repo);
  const failing = (): Promise<never> => Promise.reject(new Error('git diff exited with 128'));
  const run = async (): Promise<{ code: number; lines: string[] }> => {
    const lines: string[] = [];
    const code = await checkPushCommand(args, (l) => lines.push(l), () => `refs/heads/main ${'a'.repeat(40)} refs/heads/main ${'b'.repeat(40)}\n`, failing);
    return { code, lines };
  };
  const refused = await run();
  assert.equal(refused.code, 1);
  assert.match(refused.lines.join('\n'), /could not be checked \(git diff exited with 128\) and enforce mode fails closed/);
  const o = fd(['override', '--gate', 'push', '--reason', 'the checker is down during the INC-7 hotfix'], repo);
  assert.equal(o.code, 0, o.err);
  const goes = await run();
  assert.equal(goes.code, 0);
  assert.match(goes.lines.join('\n'), /could not check the push \(git diff exited with 128\); it goes on under Test <test@example\.com>'s override of the push gate until \S+: "the checker is down during the INC-7 hotfix"/);
  policy(repo, 'advisory');
  const advisory = await run();
  assert.deepEqual(advisory, { code: 0, lines: ['flightdeck: could not check the push (git diff exited with 128); advisory mode, the push goes on.'] });
});

test('enforce, without git hooks installed: the agent\'s PreToolUse `git push` of a risky change nobody reviewed is denied with check-push\'s words, the pushed ref read from the refspec; reviewed, it is allowed', async (t) => {
  const repo = pushableRepo(t, 'enforce');
  const start = git(repo, 'rev-parse', 'HEAD').out.trim();
  git(repo, 'checkout', '-q', '-b', 'feature');
  write(repo, 'app/auth/session.rb', 'class Session\n  def active? = last_seen_at > 30.minutes.ago\nend\n');
  git(repo, 'add', '.');
  git(repo, 'commit', '-q', '-m', 'expire idle sessions');
  git(repo, 'checkout', '-q', 'main');
  // HEAD (main) carries nothing new: the refspec says what goes to main.
  const denied = pre(repo, 'Bash', { command: 'git push origin feature:main' });
  assert.equal(denied.code, 2, denied.err);
  assert.match(denied.err, /^Flightdeck \(enforce\): push to main refused \(enforce mode\): risky files in it that no passed review saw as pushed:\n {2}app\/auth\/session\.rb \(auth\)/);
  assert.match(denied.err, new RegExp(`flightdeck review --base ${start.slice(0, 12)}`));
  assert.equal(pre(repo, 'Bash', { command: 'git push origin main' }).code, 0, 'main itself carries nothing risky');
  // What a commit and a push in one command line carry is not there to check yet.
  const inOneGo = pre(repo, 'Bash', { command: 'git add -A && git commit -qm "wip" && git push origin main' });
  assert.equal(inOneGo.code, 2, inOneGo.err);
  assert.match(inOneGo.err, /makes commits and pushes them to main in one go.*Commit first, then push in a command of its own/);
  assert.equal(pre(repo, 'Bash', { command: 'git stash push -m wip && git push origin main' }).code, 0, 'a stash makes no commit on the branch');
  assert.equal(pre(repo, 'Bash', { command: 'git push origin feature' }).code, 0, 'feature is not protected');
  policy(repo, 'advisory');
  const advised = pre(repo, 'Bash', { command: 'git push origin feature:main' });
  assert.equal(advised.code, 0, 'advisory never blocks');
  const told = (JSON.parse(advised.out) as { hookSpecificOutput: { additionalContext: string } }).hookSpecificOutput.additionalContext;
  assert.match(told, /^Flightdeck: warning: pushing to main \(advisory mode, not blocked\).*app\/auth\/session\.rb.*Tell the user before this goes out/);
  assert.equal(pre(repo, 'Bash', { command: 'git push origin main' }).out, '', 'nothing risky: nothing said');
  policy(repo, 'enforce');
  // Reviewed as it will be pushed (from the feature branch's tree), with the agent's session (the hook's) running its tests after the change.
  git(repo, 'checkout', '-q', 'feature');
  write(repo, 'test/models/session_test.rb', 'class SessionTest < ActiveSupport::TestCase\nend\n');
  await recordTestedSession(repo, { session: 'gate-session', intent: 'Expire idle sessions', startCommit: start, changed: 'app/auth/session.rb', check: 'bin/rails test' });
  const reviewed = fd(['review', '--base', 'origin/main'], repo);
  assert.equal(reviewed.code, 0, reviewed.out + reviewed.err);
  const allowed = pre(repo, 'Bash', { command: 'git push origin feature:main' });
  assert.equal(allowed.code, 0, allowed.err);
});

test('the agent hears that a review opened concerns on its change at its next tool call, once, and again with each new prompt while they are open', (t) => {
  const { repo, reviewId } = reviewedRepo(t, 'advisory');
  const postBash = (id: string) => fd(['hook', 'PostToolUse'], repo, JSON.stringify({ session_id: 's', cwd: repo, hook_event_name: 'PostToolUse', tool_name: 'Bash', tool_input: { command: 'ls' }, tool_use_id: id, tool_response: {} }));
  const prompt = () => fd(['hook', 'UserPromptSubmit'], repo, JSON.stringify({ session_id: 's', cwd: repo, hook_event_name: 'UserPromptSubmit', prompt: 'go on' }));
  const context = (out: string): { hookEventName: string; additionalContext: string } => (JSON.parse(out) as { hookSpecificOutput: { hookEventName: string; additionalContext: string } }).hookSpecificOutput;
  const first = postBash('toolu_1');
  assert.equal(first.code, 0, first.err);
  assert.equal(context(first.out).hookEventName, 'PostToolUse');
  assert.match(context(first.out).additionalContext, new RegExp(`open concerns — review ${reviewId}.*\\[high\\] app/auth/session\\.rb:3 Authentication.*run \`flightdeck review\` again`));
  assert.equal(postBash('toolu_2').out, '', 'told once per verdict');
  const again = prompt();
  assert.equal(context(again.out).hookEventName, 'UserPromptSubmit');
  assert.match(context(again.out).additionalContext, new RegExp(`review ${reviewId}`), 'a new prompt repeats what is still open');
  const o = fd(['override', reviewId, '--reason', 'reviewed by hand with the security team', '--for', '1h'], repo);
  assert.equal(o.code, 0, o.err);
  assert.equal(prompt().out, '', 'nothing open: nothing said');
});

test('enforce: the agent cannot override the push gate itself; the hook\'s push denial tells it to ask the user to run the override', (t) => {
  const repo = pushableRepo(t, 'enforce');
  write(repo, 'app/auth/session.rb', 'class Session\n  def active? = true\nend\n');
  git(repo, 'add', '.');
  git(repo, 'commit', '-q', '-m', 'sessions never expire');
  const push = pre(repo, 'Bash', { command: 'git push origin main' });
  assert.equal(push.code, 2, push.err);
  assert.match(push.err, /no passed review saw as pushed:\n {2}app\/auth\/session\.rb \(auth\)/);
  assert.match(push.err, /An override is the user's decision: ask them to run it in their own terminal/);
  const override = pre(repo, 'Bash', { command: 'npx flightdeck override --gate push --reason "QA signed off"' });
  assert.equal(override.code, 2);
  assert.match(override.err, /`flightdeck override` is refused to agents/);
  assert.doesNotMatch(fd(['gates'], repo).out, /QA signed off/, 'no override was recorded');
});

test('enforce: with no review open, a deploy is refused while a risky file of the working tree\'s change was never reviewed as it is now; a passed review or a deploy-gate override lets it go; advisory tells', async (t) => {
  const repo = pushableRepo(t, 'enforce', { 'app/auth/session.rb': 'class Session\n  def active? = true\nend\n' });
  const start = git(repo, 'rev-parse', 'HEAD').out.trim();
  const deploy = (command: string) => pre(repo, 'Bash', { command });
  // Asked of the CLI until the review below: a hook call makes its own session the active one, which ran no tests.
  assert.deepEqual([fd(['check-deploy'], repo).code, fd(['check-deploy'], repo).err], [0, ''], 'nothing risky changed');
  write(repo, 'app/auth/session.rb', 'class Session\n  def active? = last_seen_at > 30.minutes.ago\nend\n');
  write(repo, 'test/models/session_test.rb', 'class SessionTest < ActiveSupport::TestCase\nend\n');
  write(repo, 'README.md', 'docs\n');
  // VS Code closed, nobody reviewed: no review is open, and still the change was never reviewed.
  const unreviewed = fd(['check-deploy'], repo);
  assert.equal(unreviewed.code, 1, unreviewed.err);
  assert.match(unreviewed.err, new RegExp(`^flightdeck: deploy refused \\(enforce mode\\): risky files changed since ${start.slice(0, 12)} \\(HEAD: no active session, no ship recorded, no upstream\\) that no passed review saw as they are now:\n {2}app/auth/session\\.rb \\(auth\\)\n`));
  assert.doesNotMatch(unreviewed.err, /README/);
  assert.match(unreviewed.err, /Review them: flightdeck review, then deploy again; or override the deploy gate with a reason: flightdeck override --gate deploy/);
  // The session ran its tests after the change: a passed review of this content lets the deploy go.
  await recordTestedSession(repo, { session: 'sess-deploy', intent: 'Expire idle sessions after 30 minutes', startCommit: start, changed: 'app/auth/session.rb', check: 'bin/rails test' });
  const reviewed = fd(['review'], repo);
  assert.equal(reviewed.code, 0, reviewed.out + reviewed.err);
  assert.deepEqual([deploy('kubectl apply -f k8s/').code, deploy('kubectl apply -f k8s/').err], [0, '']);
  // Changed after its review: that content was never seen.
  write(repo, 'app/auth/session.rb', 'class Session\n  def active? = last_seen_at > 60.minutes.ago\nend\n');
  const refused = deploy('kubectl apply -f k8s/');
  assert.equal(refused.code, 2, refused.err);
  assert.match(refused.err, /^Flightdeck \(enforce\): `kubectl apply`: deploy refused \(enforce mode\): risky files changed since [0-9a-f]{12} \([^)]*\) that no passed review saw as they are now:\n {2}app\/auth\/session\.rb \(auth\)\n/);
  assert.match(refused.err, /An override is the user's decision: ask them to run it in their own terminal/);
  for (const command of ['terraform apply -auto-approve', 'npm publish', './deploy.sh prod', "bash -c 'kubectl apply -f k8s/'"]) assert.equal(deploy(command).code, 2, command);
  assert.equal(deploy('npm test').code, 0, 'not a deploy: no check');
  policy(repo, 'advisory');
  const told = deploy('kubectl apply -f k8s/');
  assert.equal(told.code, 0, told.err);
  const context = (JSON.parse(told.out) as { hookSpecificOutput: { additionalContext: string } }).hookSpecificOutput.additionalContext;
  assert.match(context, /^Flightdeck: before `kubectl apply`: warning: deploying \(advisory mode, not blocked\) with risky files changed since .*\n {2}app\/auth\/session\.rb \(auth\)\nRun `flightdeck review` before deploying\.$/);
  policy(repo, 'enforce');
  const o = fd(['override', '--gate', 'deploy', '--reason', 'hotfix INC-7, checked by hand'], repo);
  assert.equal(o.code, 0, o.err);
  assert.deepEqual([deploy('kubectl apply -f k8s/').code, deploy('kubectl apply -f k8s/').err], [0, '']);
});

test('outside a session a deploy is measured from the last ship HEAD descends from: a risky change committed since then is held, with the review that covers it', async (t) => {
  const repo = pushableRepo(t, 'enforce', { 'app/auth/session.rb': 'class Session\n  def active? = true\nend\n' });
  const shipped = git(repo, 'rev-parse', 'HEAD').out.trim();
  const store = await RecordStore.open(join(repo, '.git', 'flightdeck'));
  store.append([{ kind: 'ship.recorded', source: 'test', data: { commit: shipped, target: 'production', status: 'shipped' } }]);
  store.close();
  write(repo, 'app/auth/session.rb', 'class Session\n  def active? = last_seen_at > 30.minutes.ago\nend\n');
  git(repo, 'commit', '-qam', 'expire idle sessions');
  // Committed, so HEAD alone would show nothing: what went out last is the measure.
  const refused = fd(['check-deploy'], repo);
  assert.equal(refused.code, 1, refused.err);
  assert.match(refused.err, new RegExp(`risky files changed since ${shipped.slice(0, 12)} \\(the last ship recorded, to production\\) that no passed review saw as they are now:\n {2}app/auth/session\\.rb \\(auth\\)`));
  assert.match(refused.err, new RegExp(`Review them: flightdeck review --base ${shipped.slice(0, 12)}, then deploy again`));
  // No ship recorded: where HEAD leaves its upstream is the measure.
  const other = pushableRepo(t, 'enforce');
  assert.equal(git(other, 'branch', '-q', '--set-upstream-to=origin/main').code, 0);
  const pushed = git(other, 'rev-parse', 'HEAD').out.trim();
  write(other, 'app/billing/charge.rb', 'class Charge\n  def refund = Stripe::Refund.create(charge: id)\nend\n');
  git(other, 'add', '.');
  git(other, 'commit', '-qm', 'refunds');
  const upstream = fd(['check-deploy'], other);
  assert.equal(upstream.code, 1, upstream.err);
  assert.match(upstream.err, new RegExp(`changed since ${pushed.slice(0, 12)} \\(where HEAD leaves its upstream: no active session, no ship recorded\\).*\n {2}app/billing/charge\\.rb \\(payments\\)`));
});

test('a check-deploy that fails refuses the deploy in enforce mode unless the deploy gate is overridden; advisory lets it go', async (t) => {
  const repo = pushableRepo(t, 'enforce');
  const args = parseCliArgs(['check-deploy'], repo);
  const failing = (): Promise<never> => Promise.reject(new Error('git diff exited with 128'));
  const run = async (): Promise<{ code: number; text: string }> => {
    const lines: string[] = [];
    const code = await checkDeployCommand(args, (l) => lines.push(l), failing);
    return { code, text: lines.join('\n') };
  };
  const refused = await run();
  assert.equal(refused.code, 1);
  assert.match(refused.text, /deploy refused: it could not be checked \(git diff exited with 128\) and enforce mode fails closed\. .*flightdeck override --gate deploy/);
  const o = fd(['override', '--gate', 'deploy', '--reason', 'the checker is down during the INC-7 hotfix'], repo);
  assert.equal(o.code, 0, o.err);
  const overridden = await run();
  assert.equal(overridden.code, 0);
  assert.match(overridden.text, /it goes on under .*'s override of the deploy gate until .*: "the checker is down during the INC-7 hotfix"/);
  policy(repo, 'advisory');
  const advisory = await run();
  assert.deepEqual([advisory.code, advisory.text], [0, 'flightdeck: could not check the deploy (git diff exited with 128); advisory mode, the deploy goes on.']);
});
