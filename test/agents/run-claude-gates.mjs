// Agent end-to-end for the gates: the real Claude Code CLI (pinned) in a repository in enforce mode with an
// open review, against the scripted model. The agent edits the risky file under review (allowed; the hook's
// advice must reach the model), then tries `git push origin main` (denied by the PreToolUse hook with exit 2;
// the reason must reach the model, and the remote must not move).
//   node test/agents/run-claude-gates.mjs [--keep]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { CLAUDE_CODE, claudeBin, installStamp, repoRoot } from './claudeCodeVersion.mjs';
import { makeGatedRepo } from './gatedRepo.mjs';
import { runAgent } from './runAgent.mjs';
import { check, expect, fail, finish } from './checks.mjs';
import { startScriptedModel } from './scriptedModel.mjs';

const keep = process.argv.includes('--keep');
const cli = join(repoRoot, 'dist', 'cli.js');
const PROMPT = 'Make idle sessions expire after 15 minutes in app/auth/session.rb, then push to main.';
if (!existsSync(installStamp) || !existsSync(cli)) {
  fail(`preconditions: Claude Code ${CLAUDE_CODE} (node scripts/install-claude-code.mjs) and dist/cli.js (node esbuild.mjs) are needed`);
  finish();
}

const tmpRoot = realpathSync(mkdtempSync(join(tmpdir(), 'fd-agents-gates-')));
const repo = join(tmpRoot, 'repo');
const remote = join(tmpRoot, 'origin.git');
const home = join(tmpRoot, 'home');
mkdirSync(home);
const env = {
  PATH: process.env.PATH, HOME: home, GIT_CONFIG_NOSYSTEM: '1',
  GIT_AUTHOR_NAME: 'Ada Tester', GIT_AUTHOR_EMAIL: 'ada@example.com', GIT_COMMITTER_NAME: 'Ada Tester', GIT_COMMITTER_EMAIL: 'ada@example.com',
};
const { run, write, pushedBefore, review, reviewId } = makeGatedRepo({ repo, remote, tmpRoot, env, cli });
check('an open review with concerns before the session', () => expect(review.code === 1 && reviewId, `review exited ${review.code}: ${review.err}`));
const connect = spawnSync(process.execPath, [cli, 'connect', 'claude', '--repo', repo, '--json'], { encoding: 'utf8', env: { PATH: `${dirname(claudeBin)}:${process.env.PATH}`, HOME: home } });
check('flightdeck connect claude', () => expect(connect.status === 0, connect.stderr));

const abs = (p) => join(repo, p);
const steps = [
  { text: 'Making idle sessions expire.', tool: { name: 'Edit', input: { file_path: abs('app/auth/session.rb'), old_string: 'true # TODO', new_string: 'last_seen_at > 15.minutes.ago' } } },
  { text: 'Pushing to main.', tool: { name: 'Bash', input: { command: 'git push origin main', description: 'Push to main' } } },
  { text: 'The push to main is gated by an open review; I stopped there.' },
];
const model = await startScriptedModel({ steps, prompt: PROMPT });
const result = await runAgent(claudeBin, ['-p', PROMPT, '--allowedTools', 'Bash Write Edit Read', '--output-format', 'json'], {
  cwd: repo,
  env: { ...env, PATH: `${dirname(process.execPath)}:/usr/local/bin:/usr/bin:/bin`, SHELL: '/bin/bash', LANG: 'C.UTF-8', ANTHROPIC_BASE_URL: model.url, ANTHROPIC_API_KEY: 'test', DISABLE_AUTOUPDATER: '1', CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1' },
});
await model.close();
const heard = (step) => model.requests.find((r) => r.role === `main step ${step}`)?.conversation ?? '';

check('Claude Code finished the script', () => expect(result.code === 0, `exit ${result.code}: ${result.stderr.slice(0, 500)} ${result.stdout.slice(0, 500)}`));
check('the model heard the open review\'s concerns with the prompt (UserPromptSubmit additionalContext)', () => {
  const text = heard(0);
  expect(text.includes(`open concerns — review ${reviewId}`), `UserPromptSubmit context missing from the first request: ${text.slice(-1500)}`);
});
check('the risky edit went through', () => expect(readFileSync(abs('app/auth/session.rb'), 'utf8').includes('15.minutes.ago'), 'the file was not edited'));
check('the model heard the advice on the risky file (PreToolUse additionalContext) and the open concerns on it (PostToolUse)', () => {
  const text = heard(1);
  expect(text.includes('app/auth/session.rb is risky'), `PreToolUse advice missing from the step 1 request: ${text.slice(-1500)}`);
  expect(text.includes(`review ${reviewId} has open concerns on app/auth/session.rb`), `PostToolUse advice missing from the step 1 request: ${text.slice(-1500)}`);
});
check('git push to main was denied, and the model read why', () => {
  const text = heard(2);
  expect(text.includes('git push to main is gated') && text.includes(reviewId), `step 2 request did not carry the denial: ${text.slice(-1500)}`);
});
check('the remote did not move', () => expect(run('git', ['ls-remote', remote, 'main']).out.split('\t')[0] === pushedBefore, 'origin/main moved'));
check('the record shows the push refused by Flightdeck\'s gate', () => {
  const fd = (args) => {
    const r = spawnSync(process.execPath, [cli, ...args, '--repo', repo], { encoding: 'utf8', env: { ...env, PATH: process.env.PATH } });
    if (r.status !== 0) throw new Error(`flightdeck ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  fd(['ingest', 'claude', '--projects-dir', join(home, '.claude', 'projects'), '--json']);
  const record = JSON.parse(fd(['show', 'latest', '--format', 'json']));
  const refusals = record.approvals.map((a) => [a.kind, a.subject, a.by]);
  expect(JSON.stringify(refusals) === JSON.stringify([['denial', 'Bash: git push origin main', "Flightdeck's gate"]]), `approvals: ${JSON.stringify(refusals)}`);
});
if (!keep) rmSync(tmpRoot, { recursive: true, force: true });
else console.log(`kept ${tmpRoot}`);
finish();
