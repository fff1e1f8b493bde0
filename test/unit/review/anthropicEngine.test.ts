import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AnthropicEngine, DEFAULT_MODEL, PROMPT_VERSION } from '../../../src/core/review/anthropicEngine';
import { buildReviewInput, type ReviewSubject } from '../../../src/core/review/subject';
import type { ReviewInput } from '../../../src/core/review/types';
import { messagesServer, type Reply } from './messagesServer';

const AWS_KEY = 'AKIAQ3EGVP7XKM2ZT4NB';
const PASSWORD = 'hunter2hunter2';
const STRIPE = 'sk_live_4eC39HqLyjWDarjtT1zdp7dc';

const RAW_DIFF = `diff --git a/app/auth/session.rb b/app/auth/session.rb
index 1111111..2222222 100644
--- a/app/auth/session.rb
+++ b/app/auth/session.rb
@@ -10,7 +10,9 @@ class Session
   def active?
-    last_seen_at > 30.minutes.ago
+    # idle sessions stay valid
+    true
   end
+  AWS_ACCESS_KEY_ID = "${AWS_KEY}"
+  password = "${PASSWORD}"
 end
diff --git a/app/billing/charge.rb b/app/billing/charge.rb
index 3333333..4444444 100644
--- a/app/billing/charge.rb
+++ b/app/billing/charge.rb
@@ -1,3 +1,4 @@
 class Charge
+  Stripe.api_key = "${STRIPE}"
   def amount_cents = (amount * 100).round
 end
`;

function subject(): ReviewSubject {
  return {
    policy: { policy: { version: 1, mode: 'advisory', protectedBranches: ['main'], ignore: [], categories: [] }, source: 'default', path: '', hash: 'p'.repeat(64) },
    baseCommit: 'a'.repeat(40),
    files: [
      { path: 'app/auth/session.rb', change: 'modified', categories: ['auth'], matches: [{ category: 'auth', rule: 'path **/auth/**' }] },
      { path: 'app/billing/charge.rb', change: 'modified', categories: ['payments'], matches: [{ category: 'payments', rule: 'path **/billing/**' }] },
    ],
    changedPaths: ['app/auth/session.rb', 'app/billing/charge.rb'],
    rawDiff: RAW_DIFF,
    intent: 'Expire idle sessions after 30 minutes of inactivity',
    boundary: 'may change: app/auth/**; forbids: no schema changes',
  };
}

const input = (): ReviewInput => buildReviewInput(subject(), 'rev-1', []);

async function withServer(replies: Reply[], t: { after(fn: () => Promise<void>): void }) {
  const server = await messagesServer(replies);
  t.after(() => server.close());
  return server;
}

const engine = (baseUrl: string, extra: Partial<ConstructorParameters<typeof AnthropicEngine>[0]> = {}) =>
  new AnthropicEngine({ apiKey: 'test-key-123', model: 'claude-test-1', baseUrl, timeoutMs: 5_000, ...extra });

test('a passing review: the server gets the intent, boundary, categories and diff, never a planted secret', async (t) => {
  const server = await withServer([{ kind: 'tool', input: { verdict: 'pass', concerns: [] } }], t);
  const verdict = await engine(server.url).review(input());
  assert.equal(verdict.status, 'passed', verdict.error);
  assert.deepEqual(verdict.concerns, []);
  assert.equal(verdict.engine, 'anthropic');
  assert.equal(verdict.model, 'claude-test-1');
  assert.equal(verdict.promptVersion, PROMPT_VERSION);

  assert.equal(server.received.length, 1);
  const [req] = server.received;
  assert.ok(req);
  assert.equal(req.method, 'POST');
  assert.equal(req.url, '/v1/messages');
  assert.equal(req.body.model, 'claude-test-1');
  assert.deepEqual(req.body.tool_choice, { type: 'tool', name: 'report_review' });
  assert.match(String(req.headers.authorization ?? req.headers['x-api-key']), /test-key-123/);
  const user = req.body.messages?.[0]?.content ?? '';
  assert.match(user, /Expire idle sessions after 30 minutes of inactivity/);
  assert.match(user, /may change: app\/auth\/\*\*; forbids: no schema changes/);
  assert.match(user, /app\/auth\/session\.rb \(modified\): auth/);
  assert.match(user, /app\/billing\/charge\.rb \(modified\): payments/);
  assert.match(user, /\+    # idle sessions stay valid/);
  assert.match(user, /-    last_seen_at > 30\.minutes\.ago/);
  assert.match(req.body.system ?? '', /not style|Do not comment on style/);
  for (const secret of [AWS_KEY, PASSWORD, STRIPE]) assert.equal(req.raw.includes(secret), false, `${secret} reached the server`);
  assert.match(user, /\[REDACTED:aws-access-key\]/);
  // The hash is of exactly the bytes the server received.
  assert.equal(verdict.inputHash, createHash('sha256').update(req.raw).digest('hex'));
});

// Built at run time, so no secret-shaped literal sits in the source.
const DB_PASS = `s3cr3t${'v4lue'.repeat(2)}`;
const SERVICE_PWD = `hunter2${'secret'}`;
const SENTRY_KEY = '0123456789abcdef'.split('').reverse().join('').repeat(2);
const NETRC_TOKEN = `6f1c2e4a-${'9b3d'}-4c1e-8a2f-${'5e6d7c8b9a01'}`;
const PEM_BODY = `MIIEow${'IBAAKCAQEA7x'.repeat(5)}`;

const SECRETS_DIFF = `diff --git a/.env.production b/.env.production
new file mode 100644
index 0000000..5555555
--- /dev/null
+++ b/.env.production
@@ -0,0 +1,3 @@
+SERVICE_PWD=${SERVICE_PWD}
+DB_PASS=${DB_PASS}
+SENTRY_DSN=https://${SENTRY_KEY}@o123.ingest.sentry.io/456
diff --git a/.netrc b/.netrc
new file mode 100644
index 0000000..6666666
--- /dev/null
+++ b/.netrc
@@ -0,0 +1 @@
+machine api.example.com login bob password ${NETRC_TOKEN}
diff --git a/deploy/tls.pem b/deploy/tls.pem
deleted file mode 100644
index 7777777..0000000
--- a/deploy/tls.pem
+++ /dev/null
@@ -1,3 +0,0 @@
------BEGIN PRIVATE KEY-----
-${PEM_BODY}
------END PRIVATE KEY-----
diff --git a/deploy/config.yml b/deploy/config.yml
index 8888888..9999999 100644
--- a/deploy/config.yml
+++ b/deploy/config.yml
@@ -1,2 +1,5 @@
 database:
+  DB_PASS: "${DB_PASS}"
+  dsn: https://${SENTRY_KEY}@o123.ingest.sentry.io/456
+  netrc: machine api.example.com login bob password ${NETRC_TOKEN}
   pool: 5
`;

function secretsSubject(): ReviewSubject {
  const secretsByPath = (path: string, change: 'added' | 'deleted') =>
    ({ path, change, categories: ['secrets'], matches: [{ category: 'secrets', rule: 'path **/.env.*' }] });
  return {
    ...subject(),
    files: [
      secretsByPath('.env.production', 'added'),
      secretsByPath('.netrc', 'added'),
      secretsByPath('deploy/tls.pem', 'deleted'),
      { path: 'deploy/config.yml', change: 'modified', categories: ['infra'], matches: [{ category: 'infra', rule: 'path **/deploy/**' }] },
    ],
    changedPaths: ['.env.production', '.netrc', 'deploy/tls.pem', 'deploy/config.yml'],
    rawDiff: SECRETS_DIFF,
  };
}

test('secrets never reach the server: secrets files are withheld whole (path and change kept), other files are redacted', async (t) => {
  const server = await withServer([{ kind: 'tool', input: { verdict: 'pass', concerns: [] } }], t);
  const verdict = await engine(server.url).review(buildReviewInput(secretsSubject(), 'rev-2', []));
  assert.equal(verdict.status, 'passed', verdict.error);
  const [req] = server.received;
  assert.ok(req);
  for (const secret of [DB_PASS, SERVICE_PWD, SENTRY_KEY, NETRC_TOKEN, PEM_BODY]) assert.equal(req.raw.includes(secret), false, `${secret} reached the server`);
  const user = req.body.messages?.[0]?.content ?? '';
  assert.match(user, /- \.env\.production \(added\): secrets/);
  assert.match(user, /- deploy\/tls\.pem \(deleted\): secrets/);
  for (const path of ['.env.production', '.netrc', 'deploy/tls.pem']) {
    const header = path === 'deploy/tls.pem' ? `--- a/${path}\n+++ /dev/null` : `--- /dev/null\n+++ b/${path}`;
    assert.ok(user.includes(`${header}\n[contents withheld: a secrets file]\n`), `${path} withheld after its header:\n${user}`);
  }
  assert.equal(user.includes('SERVICE_PWD'), false, 'not even the names in a secrets file are sent');
  assert.match(user, /\+ {2}DB_PASS: "\[REDACTED:password\]"/);
  assert.match(user, /\+ {2}dsn: \[REDACTED:env-secret\]/);
  assert.match(user, /\+ {2}netrc: machine api\.example\.com login bob password \[REDACTED:password\]/);
});

test('a review with concerns: each with file, line, severity, title, explanation, raised by anthropic', async (t) => {
  const server = await withServer([{
    kind: 'tool',
    model: 'claude-test-1-20260101',
    input: {
      verdict: 'concerns',
      concerns: [
        { file: 'app/auth/session.rb', line: 12, severity: 'high', title: 'Idle sessions never expire', explanation: 'active? now always returns true, the opposite of the intent.' },
        { file: 'app/billing/charge.rb', severity: 'low', title: 'Rounding', explanation: 'Float money.' },
      ],
    },
  }], t);
  const verdict = await engine(server.url).review(input());
  assert.equal(verdict.status, 'concerns');
  assert.equal(verdict.model, 'claude-test-1-20260101', 'the model that answered is recorded');
  assert.deepEqual(verdict.concerns, [
    { file: 'app/auth/session.rb', line: 12, severity: 'high', title: 'Idle sessions never expire', explanation: 'active? now always returns true, the opposite of the intent.', engine: 'anthropic' },
    { file: 'app/billing/charge.rb', severity: 'low', title: 'Rounding', explanation: 'Float money.', engine: 'anthropic' },
  ]);
});

test('"pass" with concerns listed is concerns: a contradictory answer never hides one', async (t) => {
  const server = await withServer([{ kind: 'tool', input: { verdict: 'pass', concerns: [{ file: 'a.rb', severity: 'medium', title: 't', explanation: 'e' }] } }], t);
  const verdict = await engine(server.url).review(input());
  assert.equal(verdict.status, 'concerns');
  assert.equal(verdict.concerns.length, 1);
});

test('a concern is pinned to the reviewed files only: another path is kept with no file and named in its text; impossible lines are dropped', async (t) => {
  const added = `diff --git a/app/auth/otp.rb b/app/auth/otp.rb
new file mode 100644
--- /dev/null
+++ b/app/auth/otp.rb
@@ -0,0 +1,3 @@
+class Otp
+  def valid? = true
+end
`;
  const reviewed: ReviewSubject = {
    ...subject(),
    files: [...subject().files, { path: 'app/auth/otp.rb', change: 'added', categories: ['auth'], matches: [] }, { path: 'app/auth/old.rb', change: 'deleted', categories: ['auth'], matches: [] }],
    rawDiff: RAW_DIFF + added,
  };
  const c = (file: string, line?: unknown) => ({ file, ...(line === undefined ? {} : { line }), severity: 'high', title: `on ${file}`, explanation: 'why' });
  const server = await withServer([{ kind: 'tool', input: { verdict: 'concerns', concerns: [
    c('../../etc/passwd', 1), c('./app/auth/session.rb', 12), c('app\\billing\\charge.rb', 0), c('b/app/auth/otp.rb', 2), c('app/auth/otp.rb', 40),
    c('app/auth/old.rb', 3), c('lib/not_reviewed.rb', 5), c('app/auth/session.rb', 2.5), c('app/auth/session.rb', '7'), c('/etc/shadow'),
  ] } }], t);
  const verdict = await engine(server.url).review(buildReviewInput(reviewed, 'rev-3', []));
  assert.equal(verdict.status, 'concerns', verdict.error);
  assert.deepEqual(verdict.concerns.map((x) => [x.title, x.file, x.line]), [
    ['on ../../etc/passwd', '', undefined],
    ['on ./app/auth/session.rb', 'app/auth/session.rb', 12],
    ['on app\\billing\\charge.rb', 'app/billing/charge.rb', undefined],
    ['on b/app/auth/otp.rb', 'app/auth/otp.rb', 2],
    ['on app/auth/otp.rb', 'app/auth/otp.rb', undefined],
    ['on app/auth/old.rb', 'app/auth/old.rb', undefined],
    ['on lib/not_reviewed.rb', '', undefined],
    ['on app/auth/session.rb', 'app/auth/session.rb', undefined],
    ['on app/auth/session.rb', 'app/auth/session.rb', undefined],
    ['on /etc/shadow', '', undefined],
  ]);
  assert.equal(verdict.concerns[0]?.explanation, '(The reviewer named "../../etc/passwd", which is not a file in this review.) why');
  assert.match(verdict.concerns[6]?.explanation ?? '', /named "lib\/not_reviewed\.rb"/);
  for (const x of verdict.concerns) assert.ok(!('line' in x) || x.line !== undefined, 'no line key left undefined');
});

test('malformed answers fail with a clear error and never pass', async (t) => {
  const cases: [Reply, RegExp][] = [
    [{ kind: 'tool', input: { verdict: 'maybe', concerns: [] } }, /verdict is "maybe"/],
    [{ kind: 'tool', input: { verdict: 'pass' } }, /concerns is not a list/],
    [{ kind: 'tool', input: { verdict: 'concerns', concerns: [] } }, /none is listed/],
    [{ kind: 'tool', input: { verdict: 'concerns', concerns: [{ file: 'a', severity: 'critical', title: 't', explanation: 'e' }] } }, /severity "critical"/],
    [{ kind: 'tool', input: { verdict: 'concerns', concerns: [{ file: 'a', severity: 'high', title: '', explanation: 'e' }] } }, /title is not a non-empty string/],
    [{ kind: 'tool', input: { verdict: 'pass', concerns: [] }, stopReason: 'max_tokens' }, /cut off/],
    [{ kind: 'text', text: 'Looks good to me!' }, /no report_review call/],
    [{ kind: 'raw', status: 200, body: '{"type":"message","content":"nope"}' }, /not a message/],
  ];
  for (const [reply, message] of cases) {
    const server = await withServer([reply], t);
    const verdict = await engine(server.url).review(input());
    assert.equal(verdict.status, 'failed', JSON.stringify(reply));
    assert.deepEqual(verdict.concerns, []);
    assert.match(verdict.error ?? '', /^review failed: malformed answer from claude-test-1: /);
    assert.match(verdict.error ?? '', message);
    assert.match(verdict.error ?? '', /, retry$/);
  }
});

test('a 429 with retry-after is retried once after waiting; a second 429 fails saying when to retry', async (t) => {
  const limited: Reply = { kind: 'status', status: 429, headers: { 'retry-after': '1' }, error: { type: 'rate_limit_error', message: 'slow down' } };
  const once = await withServer([limited, { kind: 'tool', input: { verdict: 'pass', concerns: [] } }], t);
  const start = Date.now();
  const ok = await engine(once.url).review(input());
  assert.equal(ok.status, 'passed', ok.error);
  assert.equal(once.received.length, 2);
  assert.ok(Date.now() - start >= 900, 'waited for retry-after before retrying');
  assert.equal(once.received[0]?.raw, once.received[1]?.raw, 'the retry sends the same request');

  const twice = await withServer([limited, limited, limited], t);
  const failed = await engine(twice.url).review(input());
  assert.equal(failed.status, 'failed');
  assert.equal(failed.error, 'review failed: rate limited, retry after 1 s');
  assert.equal(twice.received.length, 2, 'one bounded retry, not more');

  const long = await withServer([{ ...limited, headers: { 'retry-after': '120' } }], t);
  const tooLong = await engine(long.url, { maxRetryWaitMs: 10_000 }).review(input());
  assert.equal(tooLong.error, 'review failed: rate limited, retry after 120 s');
  assert.equal(long.received.length, 1, 'a wait beyond the bound is not waited for');
});

test('a 500 fails at once saying so, and asks for a retry', async (t) => {
  const server = await withServer([{ kind: 'status', status: 500 }], t);
  const verdict = await engine(server.url).review(input());
  assert.equal(verdict.status, 'failed');
  assert.match(verdict.error ?? '', /^review failed: the API answered 500 \(Internal server error\), retry$/);
  assert.equal(server.received.length, 1);
  assert.equal(verdict.inputHash, createHash('sha256').update(server.received[0]?.raw ?? '').digest('hex'));
});

test('a server that never answers times out after the engine\'s timeout', async (t) => {
  const server = await withServer([{ kind: 'hang' }], t);
  const start = Date.now();
  const verdict = await engine(server.url, { timeoutMs: 300 }).review(input());
  assert.equal(verdict.status, 'failed');
  assert.equal(verdict.error, 'review failed: no answer within 0.3 s, retry');
  assert.ok(Date.now() - start < 4_500, 'gave up well before the 5 s default of this test');
  assert.equal(server.received.length, 1);
});

test('a refused key and an unreachable server fail with what to do', async (t) => {
  const server = await withServer([{ kind: 'status', status: 401, error: { type: 'authentication_error', message: 'invalid x-api-key' } }], t);
  const refused = await engine(server.url).review(input());
  assert.equal(refused.status, 'failed');
  assert.match(refused.error ?? '', /the API key was refused \(401: invalid x-api-key\); set a valid key and retry/);

  const gone = await messagesServer([]);
  await gone.close();
  const unreachable = await engine(gone.url).review(input());
  assert.equal(unreachable.status, 'failed');
  assert.match(unreachable.error ?? '', /^review failed: could not reach the API \(.+\), retry$/);
});

test('an engine without a key refuses to start', () => {
  assert.throws(() => new AnthropicEngine({ apiKey: ' ' }), /needs an API key/);
});

test('the default model, and the one package.json offers in settings, is a model the pinned SDK names', () => {
  const root = join(__dirname, '..', '..', '..');
  const types = readFileSync(join(root, 'node_modules', '@anthropic-ai', 'sdk', 'resources', 'messages', 'messages.d.ts'), 'utf8');
  const union = /export type Model = ([^;]+);/.exec(types)?.[1] ?? '';
  const named = [...union.matchAll(/'([^']+)'/g)].map((m) => m[1]);
  assert.ok(named.length > 5, 'the SDK lists its models');
  assert.ok(named.includes(DEFAULT_MODEL), `${DEFAULT_MODEL} is not among ${named.join(', ')}`);
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { contributes: { configuration: { properties: Record<string, { default?: unknown }> } | { properties: Record<string, { default?: unknown }> }[] } };
  const sections = Array.isArray(manifest.contributes.configuration) ? manifest.contributes.configuration : [manifest.contributes.configuration];
  const setting = sections.map((c) => c.properties['flightdeck.review.model']).find(Boolean);
  assert.equal(setting?.default, DEFAULT_MODEL);
});
