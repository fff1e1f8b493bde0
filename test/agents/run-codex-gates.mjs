// Agent end-to-end, Codex and the gates: in enforce mode, with an open review of a risky change, the real Codex
// CLI (pinned), connected with `flightdeck connect codex`, is told to push to main. Flightdeck's PreToolUse hook
// must refuse the push before it runs (Codex honours exit 2 and hands the reason to the model), the remote must
// not move, and the record must hold the denial under Codex's session.
//   node test/agents/run-codex-gates.mjs [--keep]
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { CODEX, codexBin, installStamp, repoRoot } from './codexVersion.mjs';
import { makeGatedRepo } from './gatedRepo.mjs';
import { runAgent } from './runAgent.mjs';
import { check, expect, expectEqual, fail, finish, show } from './checks.mjs';
import { startScriptedResponses } from './scriptedResponses.mjs';

const keep = process.argv.includes('--keep');
const cli = join(repoRoot, 'dist', 'cli.js');
const PROMPT = 'Make idle sessions expire after 15 minutes in app/auth/session.rb, then push to main.';
if (!existsSync(installStamp) || !existsSync(codexBin) || !existsSync(cli)) {
  fail(`preconditions: Codex ${CODEX} (node scripts/install-codex.mjs) and dist/cli.js (node esbuild.mjs) are needed`);
  finish();
}

const tmpRoot = realpathSync(mkdtempSync(join(tmpdir(), 'fd-codex-gates-')));
const repo = join(tmpRoot, 'repo');
const remote = join(tmpRoot, 'origin.git');
const home = join(tmpRoot, 'home');
const codexHome = join(home, '.codex');
mkdirSync(codexHome, { recursive: true });
const env = {
  PATH: `${dirname(process.execPath)}:/usr/local/bin:/usr/bin:/bin`, HOME: home, GIT_CONFIG_NOSYSTEM: '1', CODEX_HOME: codexHome,
  GIT_AUTHOR_NAME: 'Ada Tester', GIT_AUTHOR_EMAIL: 'ada@example.com', GIT_COMMITTER_NAME: 'Ada Tester', GIT_COMMITTER_EMAIL: 'ada@example.com',
};
const { run, write, pushedBefore, review, reviewId } = makeGatedRepo({ repo, remote, tmpRoot, env, cli });
check('an open review with concerns before the session', () => expect(review.code === 1 && reviewId, `review exited ${review.code}: ${review.err}`));

// --- Codex with a scripted model, connected to Flightdeck --------------------------------------------------------
const steps = [
  { text: 'Pushing to main.', shell: 'git push origin main' },
  { text: 'The push to main is gated by an open review; I stopped there.' },
];
const model = await startScriptedResponses({ steps, prompt: PROMPT });
writeFileSync(join(codexHome, 'config.toml'), [
  'model = "gpt-5.5"', 'model_provider = "scripted"', 'approval_policy = "never"', 'sandbox_mode = "danger-full-access"', '',
  '[model_providers.scripted]', 'name = "Scripted"', `base_url = "${model.url}/v1"`, 'wire_api = "responses"', 'env_key = "SCRIPTED_API_KEY"', '',
].join('\n'));
const connect = run(process.execPath, [cli, 'connect', 'codex', '--repo', repo, '--json']);
check('flightdeck connect codex', () => expect(connect.code === 0 && JSON.parse(connect.out).changed === true, connect.err || connect.out));

// `exec` cannot ask a person to trust the hooks: this run skips that review (see README, Connect Codex).
const result = await runAgent(codexBin, ['exec', '--skip-git-repo-check', '--dangerously-bypass-approvals-and-sandbox', '--dangerously-bypass-hook-trust', PROMPT], {
  cwd: repo,
  env: { ...env, SHELL: '/bin/bash', LANG: 'C.UTF-8', SCRIPTED_API_KEY: 'test' },
});
await model.close();

check('Codex finished the script', () => expect(result.code === 0, `exit ${result.code}: ${result.stderr.slice(-800)} ${result.stdout.slice(-500)}`));
check('the remote did not move', () => expect(run('git', ['ls-remote', remote, 'main']).out.split('\t')[0] === pushedBefore, 'origin/main moved'));

const sessionsDir = join(codexHome, 'sessions');
const rollout = existsSync(sessionsDir)
  ? readdirSync(sessionsDir, { recursive: true }).map(String).filter((f) => /rollout-.+\.jsonl$/.test(f)).map((f) => join(sessionsDir, f))[0]
  : undefined;
const sessionId = /([0-9a-f-]{36})\.jsonl$/.exec(rollout ?? '')?.[1];
check('Codex handed the model the reason: the push is gated by the open review', () => {
  const lines = readFileSync(rollout ?? '', 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
  const output = lines.find((l) => l.type === 'response_item' && l.payload?.type === 'function_call_output' && l.payload.call_id === 'call_e2e_01')?.payload.output;
  const text = typeof output === 'string' ? output : JSON.stringify(output ?? '');
  expect(text.includes('git push to main is gated') && text.includes(reviewId), `the push's output: ${text.slice(0, 800)}`);
});
check('the record holds the denial under Codex\'s session, and the push as refused', () => {
  const fd = (args) => {
    const r = run(process.execPath, [cli, ...args, '--repo', repo]);
    if (r.code !== 0) throw new Error(`flightdeck ${args.join(' ')}: ${r.err}`);
    return JSON.parse(r.out);
  };
  const denied = fd(['log', '--kind', 'gate.denied', '--json']);
  expectEqual(denied.map((e) => [e.data.gate, e.source, e.session]), [['push', 'codex-hook', sessionId]]);
  fd(['ingest', 'codex', '--sessions-dir', sessionsDir, '--json']);
  const record = fd(['show', 'latest', '--format', 'json']);
  expectEqual([record.id, record.agent], [sessionId, 'codex']);
  const push = record.commands.find((c) => c.command === 'git push origin main');
  expect(push && push.outcome === 'denied', `the push in the record: ${show(record.commands)}`);
  const refusals = record.approvals.map((a) => [a.kind, a.by]);
  expectEqual(refusals, [['denial', "Flightdeck's gate"]]);
});
if (!keep) rmSync(tmpRoot, { recursive: true, force: true });
else console.log(`kept ${tmpRoot}`);
finish();
