import { test } from 'node:test';
import assert from 'node:assert/strict';
import { containsSecret, redactText, redactValue } from '../../../src/core/capture/redact';

// Every secret here is FAKE, generated from a fixed seed. They are built at run time so that no
// secret-shaped literal sits in the source for secret scanners (or people) to trip over.

/** mulberry32: a small deterministic PRNG, so the corpus is the same on every run. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const next = prng(20240601);
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const DIGITS = '0123456789';
const ALNUM = UPPER + LOWER + DIGITS;
const BASE64 = `${ALNUM}+/`;
const BASE64URL = `${ALNUM}-_`;
const HEX = '0123456789abcdef';

/** `length` random characters from `alphabet`; with letters and digits in it, always some of each. */
function fake(alphabet: string, length: number): string {
  const mixed = /[0-9]/.test(alphabet) && /[A-Za-z]/.test(alphabet);
  for (;;) {
    let out = '';
    for (let i = 0; i < length; i++) out += alphabet[Math.floor(next() * alphabet.length)];
    if (!mixed || (/[0-9]/.test(out) && /[A-Za-z]/.test(out))) return out;
  }
}

const base64url = (json: object): string => Buffer.from(JSON.stringify(json)).toString('base64url');
const pemBody = (lines: number): string => Array.from({ length: lines }, () => fake(BASE64, 64)).join('\n');

const S = {
  aws: `AKIA${fake(UPPER + DIGITS, 16)}`,
  awsSession: `ASIA${fake(UPPER + DIGITS, 16)}`,
  awsSecret: fake(BASE64, 40),
  ghp: `ghp_${fake(ALNUM, 36)}`,
  ghs: `ghs_${fake(ALNUM, 36)}`,
  githubPat: `github_pat_${fake(ALNUM, 22)}_${fake(ALNUM, 59)}`,
  anthropic: `sk-ant-api03-${fake(BASE64URL, 93)}AA`,
  openai: `sk-proj-${fake(BASE64URL, 120)}`,
  openaiLegacy: `sk-${fake(ALNUM, 48)}`,
  slackBot: `xoxb-${fake(DIGITS, 12)}-${fake(DIGITS, 13)}-${fake(ALNUM, 24)}`,
  slackUser: `xoxp-${fake(DIGITS, 12)}-${fake(DIGITS, 12)}-${fake(DIGITS, 13)}-${fake(HEX, 32)}`,
  slackHookPath: `T${fake(UPPER + DIGITS, 8)}/B${fake(UPPER + DIGITS, 10)}/${fake(ALNUM, 24)}`,
  stripeLive: `sk_live_${fake(ALNUM, 24)}`,
  stripeRestricted: `rk_test_${fake(ALNUM, 24)}`,
  stripeWebhook: `whsec_${fake(ALNUM, 32)}`,
  google: `AIza${fake(BASE64URL, 35)}`,
  npm: `npm_${fake(ALNUM, 36)}`,
  jwt: `${base64url({ alg: 'HS256', typ: 'JWT' })}.${base64url({ sub: 'user-42', name: 'Jane', iat: 1717171717 })}.${fake(BASE64URL, 43)}`,
  rsaBody: pemBody(6),
  opensshBody: pemBody(4),
  pw: `Hq7${fake(ALNUM, 11)}`,
  pw2: `Zr4${fake(ALNUM, 9)}`,
  opaque: fake(ALNUM, 32),
  opaque2: fake(ALNUM, 40),
  hex64: fake(HEX, 64),
  djangoKey: `django-insecure-${fake(LOWER + DIGITS + '!@#%^*(-_=+)', 50)}`,
  sentryKey: fake(HEX, 32),
  uuidToken: `${fake(HEX, 8)}-${fake(HEX, 4)}-4${fake(HEX, 3)}-8${fake(HEX, 3)}-${fake(HEX, 12)}`,
};

const rsaKey = `-----BEGIN RSA PRIVATE KEY-----\n${S.rsaBody}\n-----END RSA PRIVATE KEY-----`;
const opensshKey = `-----BEGIN OPENSSH PRIVATE KEY-----\n${S.opensshBody}\n-----END OPENSSH PRIVATE KEY-----`;
const basicAuth = Buffer.from(`jane:${S.pw}`).toString('base64');

interface Positive {
  name: string;
  input: string;
  /** Substrings that must not survive redaction. */
  secrets: string[];
  /** The exact redacted text, for a representative subset. */
  expected?: string;
}

const positives: Positive[] = [
  // --- commands
  {
    name: 'AWS access key id in an export',
    input: `export AWS_ACCESS_KEY_ID=${S.aws}`,
    secrets: [S.aws],
    expected: 'export AWS_ACCESS_KEY_ID=[REDACTED:aws-access-key]',
  },
  {
    name: 'AWS session credentials inline before a command',
    input: `AWS_ACCESS_KEY_ID=${S.awsSession} AWS_SECRET_ACCESS_KEY=${S.awsSecret} aws s3 ls`,
    secrets: [S.awsSession, S.awsSecret],
    expected: 'AWS_ACCESS_KEY_ID=[REDACTED:aws-access-key] AWS_SECRET_ACCESS_KEY=[REDACTED:env-secret] aws s3 ls',
  },
  {
    name: 'GitHub token in a push URL',
    input: `git push https://${S.ghp}@github.com/acme/app.git main`,
    secrets: [S.ghp],
    expected: 'git push https://[REDACTED:github-token]@github.com/acme/app.git main',
  },
  {
    name: 'GitHub app token as URL password in git remote -v',
    input: `origin\thttps://x-access-token:${S.ghs}@github.com/acme/app.git (fetch)`,
    secrets: [S.ghs],
    expected: 'origin\thttps://x-access-token:[REDACTED:github-token]@github.com/acme/app.git (fetch)',
  },
  {
    name: 'Anthropic key before a command',
    input: `ANTHROPIC_API_KEY=${S.anthropic} claude -p "fix the tests"`,
    secrets: [S.anthropic],
    expected: 'ANTHROPIC_API_KEY=[REDACTED:anthropic-key] claude -p "fix the tests"',
  },
  {
    name: 'curl with a bearer token',
    input: `curl -H "Authorization: Bearer ${S.opaque}" https://api.x`,
    secrets: [S.opaque],
    expected: 'curl -H "Authorization: Bearer [REDACTED:bearer]" https://api.x',
  },
  {
    name: 'curl with a JWT bearer token',
    input: `curl -sS -H 'Authorization: Bearer ${S.jwt}' https://api.example.com/me`,
    secrets: [S.jwt],
    expected: "curl -sS -H 'Authorization: Bearer [REDACTED:jwt]' https://api.example.com/me",
  },
  {
    name: 'curl with an API key header',
    input: `curl -H "X-Api-Key: ${S.opaque}" -H "Accept: application/json" https://api.example.com`,
    secrets: [S.opaque],
    expected: 'curl -H "X-Api-Key: [REDACTED:env-secret]" -H "Accept: application/json" https://api.example.com',
  },
  {
    name: 'curl basic auth user:password',
    input: `curl -u admin:${S.pw} https://jenkins.example.com/api/json`,
    secrets: [S.pw],
    expected: 'curl -u admin:[REDACTED:password] https://jenkins.example.com/api/json',
  },
  {
    name: 'Slack webhook in curl',
    input: `curl -X POST -d '{"text":"deployed"}' https://hooks.slack.com/services/${S.slackHookPath}`,
    secrets: [S.slackHookPath],
    expected: `curl -X POST -d '{"text":"deployed"}' https://hooks.slack.com/services/[REDACTED:slack-webhook]`,
  },
  {
    name: 'mysql -p with a quoted password',
    input: `mysql -u root -p'${S.pw}' app < schema.sql`,
    secrets: [S.pw],
    expected: "mysql -u root -p'[REDACTED:password]' app < schema.sql",
  },
  {
    name: 'mysqldump -p with a bare password',
    input: `mysqldump -uroot -p${S.pw} app > dump.sql`,
    secrets: [S.pw],
    expected: 'mysqldump -uroot -p[REDACTED:password] app > dump.sql',
  },
  {
    name: 'PGPASSWORD before psql',
    input: `PGPASSWORD=${S.pw} psql -h db -U app -c 'select 1'`,
    secrets: [S.pw],
    expected: "PGPASSWORD=[REDACTED:password] psql -h db -U app -c 'select 1'",
  },
  {
    name: '--password with a separate value',
    input: `docker login -u jane --password ${S.pw} ghcr.io`,
    secrets: [S.pw],
    expected: 'docker login -u jane --password [REDACTED:password] ghcr.io',
  },
  {
    name: '--api-key= flag',
    input: `./deploy --region eu-west-1 --api-key=${S.opaque}`,
    secrets: [S.opaque],
    expected: './deploy --region eu-west-1 --api-key=[REDACTED:env-secret]',
  },
  {
    name: 'aws configure set with a space-separated secret',
    input: `aws configure set aws_secret_access_key ${S.awsSecret}`,
    secrets: [S.awsSecret],
    expected: 'aws configure set aws_secret_access_key [REDACTED:generic-high-entropy]',
  },
  {
    name: 'password inside an echoed string',
    input: `echo "password: ${S.pw}" >> notes.txt`,
    secrets: [S.pw],
    expected: 'echo "password: [REDACTED:password]" >> notes.txt',
  },
  {
    name: 'kubectl from-literal password',
    input: `kubectl create secret generic db --from-literal=username=app --from-literal=password=${S.pw}`,
    secrets: [S.pw],
    expected: 'kubectl create secret generic db --from-literal=username=app --from-literal=password=[REDACTED:password]',
  },
  {
    name: 'PowerShell env assignment',
    input: `$env:OPENAI_API_KEY = "${S.openai}"`,
    secrets: [S.openai],
    expected: '$env:OPENAI_API_KEY = "[REDACTED:openai-key]"',
  },
  // --- URLs and connection strings
  {
    name: 'postgres connection string',
    input: `postgres://app:${S.pw}@db:5432/x`,
    secrets: [S.pw],
    expected: 'postgres://app:[REDACTED:password]@db:5432/x',
  },
  {
    name: 'mongodb+srv connection string in an env var',
    input: `DATABASE_URL="mongodb+srv://admin:${S.pw}@cluster0.example.mongodb.net/prod?retryWrites=true"`,
    secrets: [S.pw],
    expected: 'DATABASE_URL="mongodb+srv://admin:[REDACTED:password]@cluster0.example.mongodb.net/prod?retryWrites=true"',
  },
  {
    name: 'redis URL with an empty user',
    input: `REDIS_URL=redis://:${S.pw2}@cache:6379/0`,
    secrets: [S.pw2],
    expected: 'REDIS_URL=redis://:[REDACTED:password]@cache:6379/0',
  },
  {
    name: 'password in a query string',
    input: `GET https://app.example.com/login?user=jane&password=${S.pw}&next=/home`,
    secrets: [S.pw],
    expected: 'GET https://app.example.com/login?user=jane&password=[REDACTED:password]&next=/home',
  },
  {
    name: 'Google API key in a query string',
    input: `https://maps.googleapis.com/maps/api/geocode/json?address=Berlin&key=${S.google}`,
    secrets: [S.google],
    expected: 'https://maps.googleapis.com/maps/api/geocode/json?address=Berlin&key=[REDACTED:google-api-key]',
  },
  // --- prompts and prose
  {
    name: 'OpenAI key pasted in a prompt',
    input: `use my key ${S.openaiLegacy} for the embeddings script`,
    secrets: [S.openaiLegacy],
    expected: 'use my key [REDACTED:openai-key] for the embeddings script',
  },
  {
    name: 'fine-grained GitHub PAT pasted in a prompt',
    input: `Here is a PAT with repo scope: ${S.githubPat}. Please open the PR.`,
    secrets: [S.githubPat],
    expected: 'Here is a PAT with repo scope: [REDACTED:github-token]. Please open the PR.',
  },
  {
    name: 'high-entropy value next to "key is"',
    input: `the deploy key is ${S.opaque} (rotate monthly)`,
    secrets: [S.opaque],
    expected: 'the deploy key is [REDACTED:generic-high-entropy] (rotate monthly)',
  },
  {
    name: 'high-entropy value after "token:" in prose',
    input: `ok, use this token: ${S.opaque2} and retry`,
    secrets: [S.opaque2],
    expected: 'ok, use this token: [REDACTED:generic-high-entropy] and retry',
  },
  {
    name: 'hex signing secret next to "secret"',
    input: `webhook signing secret ${S.hex64}`,
    secrets: [S.hex64],
    expected: 'webhook signing secret [REDACTED:generic-high-entropy]',
  },
  // --- tool outputs
  {
    name: 'cat of an RSA private key',
    input: `$ cat ~/.ssh/id_rsa\n${rsaKey}\n$ `,
    secrets: [S.rsaBody.slice(0, 64), S.rsaBody.slice(-64)],
    expected: '$ cat ~/.ssh/id_rsa\n[REDACTED:private-key]\n$ ',
  },
  {
    name: 'OpenSSH private key inside other output',
    input: `Generated key:\n${opensshKey}\nDone.`,
    secrets: [S.opensshBody.slice(0, 64)],
    expected: 'Generated key:\n[REDACTED:private-key]\nDone.',
  },
  {
    name: 'private key cut off before its END line',
    input: `-----BEGIN PRIVATE KEY-----\n${S.rsaBody}\n... (output truncated)`,
    secrets: [S.rsaBody.slice(0, 64), S.rsaBody.slice(-64)],
  },
  {
    name: 'GCP service account JSON with an escaped PEM',
    input: `{"type": "service_account", "private_key": "-----BEGIN PRIVATE KEY-----\\n${S.rsaBody.replace(/\n/g, '\\n')}\\n-----END PRIVATE KEY-----\\n", "client_email": "ci@acme.iam.gserviceaccount.com"}`,
    secrets: [S.rsaBody.slice(0, 64)],
    expected:
      '{"type": "service_account", "private_key": "[REDACTED:private-key]\\n", "client_email": "ci@acme.iam.gserviceaccount.com"}',
  },
  {
    name: 'HTTP request dump with basic auth',
    input: `> GET /v1/items HTTP/1.1\n> Host: api.example.com\n> authorization: Basic ${basicAuth}\n> Accept: */*`,
    secrets: [basicAuth],
    expected: '> GET /v1/items HTTP/1.1\n> Host: api.example.com\n> authorization: Basic [REDACTED:bearer]\n> Accept: */*',
  },
  {
    name: 'Authorization header in a JSON request log',
    input: `{"method":"GET","headers":{"Authorization":"Bearer ${S.opaque}","Accept":"*/*"}}`,
    secrets: [S.opaque],
    expected: '{"method":"GET","headers":{"Authorization":"Bearer [REDACTED:bearer]","Accept":"*/*"}}',
  },
  {
    name: 'JWT in a login response',
    input: `{"id_token":"${S.jwt}","expires_in":3600}`,
    secrets: [S.jwt],
    expected: '{"id_token":"[REDACTED:jwt]","expires_in":3600}',
  },
  {
    name: 'docker config.json auth',
    input: `{"auths":{"ghcr.io":{"auth":"${basicAuth}"}}}`,
    secrets: [basicAuth],
    expected: '{"auths":{"ghcr.io":{"auth":"[REDACTED:env-secret]"}}}',
  },
  {
    name: 'raw transcript line with JSON-escaped env output',
    input: `{"type":"tool_result","content":"DB_PASSWORD=${S.pw}\\nAPI_TOKEN=${S.opaque}\\nNODE_ENV=production\\n"}`,
    secrets: [S.pw, S.opaque],
    expected: '{"type":"tool_result","content":"DB_PASSWORD=[REDACTED:password]\\nAPI_TOKEN=[REDACTED:env-secret]\\nNODE_ENV=production\\n"}',
  },
  {
    name: 'raw transcript line with a key word right after an escaped newline',
    input: `{"type":"text","text":"Done.\\nkey ${S.opaque2}\\n"}`,
    secrets: [S.opaque2],
    expected: '{"type":"text","text":"Done.\\nkey [REDACTED:generic-high-entropy]\\n"}',
  },
  {
    name: 'raw transcript line with JSON-escaped JSON',
    input: `{"content":"{\\"clientSecret\\": \\"${S.opaque}\\", \\"region\\": \\"eu\\"}"}`,
    secrets: [S.opaque],
    expected: '{"content":"{\\"clientSecret\\": \\"[REDACTED:env-secret]\\", \\"region\\": \\"eu\\"}"}',
  },
  // --- env dumps and .env files
  {
    name: 'env dump',
    input: `HOME=/home/jane\nGITHUB_TOKEN=${S.ghp}\nSSH_AUTH_SOCK=/tmp/ssh-Xyz/agent.42\nMY_SERVICE_TOKEN=${S.opaque}\nPATH=/usr/bin:/bin`,
    secrets: [S.ghp, S.opaque],
    expected:
      'HOME=/home/jane\nGITHUB_TOKEN=[REDACTED:github-token]\nSSH_AUTH_SOCK=/tmp/ssh-Xyz/agent.42\nMY_SERVICE_TOKEN=[REDACTED:env-secret]\nPATH=/usr/bin:/bin',
  },
  {
    name: 'printenv | grep output',
    input: `CI_JOB_TOKEN=${S.opaque2}\nSLACK_BOT_TOKEN=${S.slackBot}`,
    secrets: [S.opaque2, S.slackBot],
    expected: 'CI_JOB_TOKEN=[REDACTED:env-secret]\nSLACK_BOT_TOKEN=[REDACTED:slack-token]',
  },
  {
    name: '.env file',
    input: `NODE_ENV=production\nSECRET_KEY_BASE=${S.hex64}\nSESSION_SECRET="${S.pw} with spaces"\nNEXTAUTH_SECRET='${S.opaque}'\nSTRIPE_SECRET_KEY=${S.stripeLive}\nPORT=3000\n`,
    secrets: [S.hex64, S.pw, S.opaque, S.stripeLive],
    expected:
      'NODE_ENV=production\nSECRET_KEY_BASE=[REDACTED:env-secret]\nSESSION_SECRET="[REDACTED:env-secret]"\nNEXTAUTH_SECRET=\'[REDACTED:env-secret]\'\nSTRIPE_SECRET_KEY=[REDACTED:stripe-key]\nPORT=3000\n',
  },
  {
    name: '~/.aws/credentials',
    input: `[default]\naws_access_key_id = ${S.aws}\naws_secret_access_key = ${S.awsSecret}\nregion = eu-west-1`,
    secrets: [S.aws, S.awsSecret],
    expected: '[default]\naws_access_key_id = [REDACTED:aws-access-key]\naws_secret_access_key = [REDACTED:env-secret]\nregion = eu-west-1',
  },
  {
    name: '.npmrc auth token',
    input: `//registry.npmjs.org/:_authToken=${S.npm}`,
    secrets: [S.npm],
    expected: '//registry.npmjs.org/:_authToken=[REDACTED:npm-token]',
  },
  {
    name: '.env with short secret names (PASS, PWD) in several cases',
    input: `SERVICE_PWD=${S.pw}\nDB_PASS=${S.pw2}\nsmtpPass=${S.opaque}\nPWD=/home/jane\nOLDPWD=/tmp\n`,
    secrets: [S.pw, S.pw2, S.opaque],
    expected: 'SERVICE_PWD=[REDACTED:password]\nDB_PASS=[REDACTED:password]\nsmtpPass=[REDACTED:password]\nPWD=/home/jane\nOLDPWD=/tmp\n',
  },
  {
    name: '.netrc on one line, with a UUID API key as the password',
    input: `machine api.example.com login bob password ${S.uuidToken}\n`,
    secrets: [S.uuidToken],
    expected: 'machine api.example.com login bob password [REDACTED:password]\n',
  },
  {
    name: '.netrc with one token a line, in a diff',
    input: `+machine api.example.com\n+  login bob@example.com\n+  password ${S.pw}\n`,
    secrets: [S.pw],
    expected: '+machine api.example.com\n+  login bob@example.com\n+  password [REDACTED:password]\n',
  },
  {
    name: '.netrc line written by a command',
    input: `echo "machine api.example.com login bob password ${S.pw}" > ~/.netrc`,
    secrets: [S.pw],
    expected: 'echo "machine api.example.com login bob password [REDACTED:password]" > ~/.netrc',
  },
  {
    name: 'Sentry DSN in an env file and in code',
    input: `SENTRY_DSN=https://${S.sentryKey}@o123.ingest.sentry.io/456\nSentry.init({ dsn: "https://${S.sentryKey}@o123.ingest.sentry.io/456" });`,
    secrets: [S.sentryKey],
    expected: 'SENTRY_DSN=[REDACTED:env-secret]\nSentry.init({ dsn: "[REDACTED:env-secret]" });',
  },
  {
    name: 'a token as the user part of a URL in prose',
    input: `the DSN is https://${S.sentryKey}@o123.ingest.sentry.io/456 for now`,
    secrets: [S.sentryKey],
    expected: 'the DSN is https://[REDACTED:password]@o123.ingest.sentry.io/456 for now',
  },
  // --- JSON and YAML
  {
    name: 'YAML and JSON with short secret names, quoted',
    input: `db:\n  DB_PASS: "${S.pw}"\n{"dbPass": "${S.pw2}", "authKey": '${S.opaque}', "credentials": "${S.opaque2}"}`,
    secrets: [S.pw, S.pw2, S.opaque, S.opaque2],
    expected: 'db:\n  DB_PASS: "[REDACTED:password]"\n{"dbPass": "[REDACTED:password]", "authKey": \'[REDACTED:env-secret]\', "credentials": "[REDACTED:env-secret]"}',
  },
  {
    name: 'INI section with a password and a DSN',
    input: `[database]\nuser = app\npass = ${S.pw}\ndsn = postgres://app:${S.pw2}@db/app\n`,
    secrets: [S.pw, S.pw2],
    expected: '[database]\nuser = app\npass = [REDACTED:password]\ndsn = [REDACTED:env-secret]\n',
  },
  {
    name: 'JSON config with secret-named keys',
    input: `{"name": "app", "apiKey": "${S.opaque}", "clientSecret": "${S.pw}", "timeout": 30}`,
    secrets: [S.opaque, S.pw],
    expected: '{"name": "app", "apiKey": "[REDACTED:env-secret]", "clientSecret": "[REDACTED:env-secret]", "timeout": 30}',
  },
  {
    name: 'Slack user token and Stripe keys in JSON',
    input: `{"slack": {"token": "${S.slackUser}"}, "stripe": {"restricted": "${S.stripeRestricted}", "webhook": "${S.stripeWebhook}"}}`,
    secrets: [S.slackUser, S.stripeRestricted, S.stripeWebhook],
    expected:
      '{"slack": {"token": "[REDACTED:slack-token]"}, "stripe": {"restricted": "[REDACTED:stripe-key]", "webhook": "[REDACTED:stripe-key]"}}',
  },
  {
    name: 'YAML database settings',
    input: `database:\n  host: db\n  username: app\n  password: ${S.pw}\n  pool: 5\n`,
    secrets: [S.pw],
    expected: 'database:\n  host: db\n  username: app\n  password: [REDACTED:password]\n  pool: 5\n',
  },
  {
    name: 'Kubernetes secret with quoted stringData',
    input: `kind: Secret\nstringData:\n  api-key: "${S.opaque}"\n  db-password: '${S.pw}'\n`,
    secrets: [S.opaque, S.pw],
    expected: 'kind: Secret\nstringData:\n  api-key: "[REDACTED:env-secret]"\n  db-password: \'[REDACTED:password]\'\n',
  },
  {
    name: 'docker-compose environment list',
    input: `    environment:\n      - POSTGRES_USER=app\n      - POSTGRES_PASSWORD=${S.pw}\n`,
    secrets: [S.pw],
    expected: '    environment:\n      - POSTGRES_USER=app\n      - POSTGRES_PASSWORD=[REDACTED:password]\n',
  },
  // --- diffs and code
  {
    name: 'diff adding and removing an API key',
    input: `--- a/.env\n+++ b/.env\n@@ -1,2 +1,2 @@\n-API_KEY=${S.opaque2}\n+API_KEY=${S.opaque}\n DEBUG=false`,
    secrets: [S.opaque, S.opaque2],
    expected: '--- a/.env\n+++ b/.env\n@@ -1,2 +1,2 @@\n-API_KEY=[REDACTED:env-secret]\n+API_KEY=[REDACTED:env-secret]\n DEBUG=false',
  },
  {
    name: 'diff adding a YAML client secret',
    input: `+oauth:\n+  client_id: web-app\n+  client_secret: ${S.opaque}\n`,
    secrets: [S.opaque],
    expected: '+oauth:\n+  client_id: web-app\n+  client_secret: [REDACTED:env-secret]\n',
  },
  {
    name: 'hardcoded key in Python',
    input: `client = OpenAI(api_key="${S.openai}")`,
    secrets: [S.openai],
    expected: 'client = OpenAI(api_key="[REDACTED:openai-key]")',
  },
  {
    name: 'Django settings SECRET_KEY',
    input: `SECRET_KEY = '${S.djangoKey}'`,
    secrets: [S.djangoKey],
    expected: "SECRET_KEY = '[REDACTED:env-secret]'",
  },
  {
    name: 'TOML token',
    input: `[registry]\ntoken = "${S.opaque}"`,
    secrets: [S.opaque],
    expected: '[registry]\ntoken = "[REDACTED:env-secret]"',
  },
  {
    name: 'TypeScript constant with a Google key',
    input: `const MAPS_KEY = '${S.google}';`,
    secrets: [S.google],
    expected: "const MAPS_KEY = '[REDACTED:google-api-key]';",
  },
];

const negatives: string[] = [
  'commit 3f786850e387550fdab836ed7e6dc881de23001b\nAuthor: Jane Doe <jane@example.com>',
  'git rev-parse HEAD\n9c1185a5c5e9fc54612808977ee8f548b2258d31',
  'session 550e8400-e29b-41d4-a716-446655440000 started',
  '{"id": "7d444840-9dc0-11d1-b245-5ffdce74fad2", "parentUuid": "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d"}',
  `"integrity": "sha512-${fake(BASE64, 86)}=="`,
  '"resolved": "https://registry.npmjs.org/tokenizer/-/tokenizer-1.2.3.tgz"',
  'src/core/auth/tokenizer.ts',
  'cat ~/.aws/credentials',
  'npm test -- signup',
  'Implement the reset password flow and send a password reset email.',
  "import { Tokenizer } from './tokenizer';",
  'const tokens = tokenizer.tokenize(input);',
  '"usage": {"input_tokens": 1234, "cache_read_input_tokens": 0, "output_tokens": 56}',
  'max_tokens=4096',
  `<img src="data:image/png;base64,${fake(BASE64, 4000)}=">`,
  "function getToken(): string { return process.env.GITHUB_TOKEN ?? ''; }",
  'db = connect(host=host, password=os.environ["DB_PASSWORD"])',
  'token=getToken()',
  'connect(user=user, password=pw)',
  'export GITHUB_TOKEN=$(gh auth token)',
  'env:\n  NODE_AUTH_TOKEN: ${{ secrets.NPM_TOKEN }}',
  'curl -H "Authorization: Bearer $API_TOKEN" https://api.example.com',
  'SSH_AUTH_SOCK=/tmp/ssh-XXXXabcd/agent.1234',
  'GIT_AUTHOR_NAME=Jane\nGIT_AUTHOR_EMAIL=jane@example.com',
  'TOKENIZERS_PARALLELISM=false',
  'interface Credentials {\n  username: string;\n  password: string\n}',
  '"password": {"type": "string", "minLength": 8}',
  'docker login --username jane --password-stdin ghcr.io',
  'psql --no-password -h db app',
  'git clone git@github.com:acme/app.git',
  'http://localhost:3000/api/auth/callback?next=/dashboard',
  'mysql -u root -p app',
  'The API key is stored in the keychain; rotate it monthly.',
  `-----BEGIN CERTIFICATE-----\n${fake(BASE64, 64)}\n-----END CERTIFICATE-----`,
  `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI${fake(BASE64, 43)} jane@laptop`,
  "if (pem.startsWith('-----BEGIN PRIVATE KEY-----')) {",
  'FROM node:20@sha256:4d8e1b0a6f3c2e9d7b5a4c3e2f1d0c9b8a7f6e5d4c3b2a1f0e9d8c7b6a5f4e3d',
  'const apiKey = config.apiKey;',
  'self.password = password',
  'Bearer authentication is required for this endpoint',
  'xoxo-hugs-and-kisses',
  '"scripts": {"task-build-production-bundle": "node build.mjs"}',
  'the AKIA prefix marks AWS access key IDs',
  "key: node-modules-${{ hashFiles('**/package-lock.json') }}",
  'redis://localhost:6379/0',
  'PASSWORD_MIN_LENGTH=12',
  'credential.helper=osxkeychain',
  'if (password === confirmPassword) return true;',
  'GOOGLE_APPLICATION_CREDENTIALS_FILE=/etc/gcp/sa.json',
  '{"type":"assistant","message":{"stop_reason":"tool_use","usage":{"input_tokens":10,"output_tokens":3}}}',
  'export API_KEY="$(cat key.txt)"',
  '{"error":"token: invalid"}',
  'const headers = { "Authorization": "Bearer " + token };',
  'valueFrom:\n  secretKeyRef:\n    name: db\n    key: password',
  'key 3f786850e387550fdab836ed7e6dc881de23001b',
  'url = f"postgres://{user}:{password}@{host}/db"',
  // Placeholders and references under secret names, and words that only look like them.
  'DB_PASS=\nDB_PASS=${DB_PASSWORD}\nDB_PASS=<your-password>\nDB_PASS=changeme\nDB_PASS=your_db_password\nSENTRY_DSN=process.env.SENTRY_DSN',
  'db:\n  password: "${DB_PASSWORD}"\n  pass: "<your-password>"\n  token: "CHANGE_ME"\n  secret: "your-secret-here"',
  'PWD=/home/jane/app\nOLDPWD=/home/jane',
  'cwd=$(pwd)',
  'PASS_THROUGH=true\npass_filenames: false\nbypass=1\npasses: 3',
  'const pass = process.env.DB_PASS;\nif (dsn) connect(dsn)',
  'Add a password field to the login page\npassword reset\nlogin page password field\nthe machine learning password field',
  'ssh://git@github.com/acme/app.git and https://jane@bitbucket.org/acme/app.git',
  'Sentry.init({ dsn: process.env.SENTRY_DSN })',
];

test('positive corpus covers every kind and is large enough', () => {
  assert.ok(positives.length >= 40, `${positives.length} positives`);
  const kinds = new Set(positives.flatMap((p) => [...(p.expected ?? redactText(p.input)).matchAll(/\[REDACTED:([a-z-]+)\]/g)].map((m) => m[1])));
  for (const kind of [
    'aws-access-key', 'github-token', 'anthropic-key', 'openai-key', 'slack-token', 'slack-webhook', 'stripe-key',
    'google-api-key', 'npm-token', 'jwt', 'private-key', 'password', 'bearer', 'env-secret', 'generic-high-entropy',
  ]) {
    assert.ok(kinds.has(kind), `no positive case for ${kind}`);
  }
});

for (const p of positives) {
  test(`redacts: ${p.name}`, () => {
    assert.ok(containsSecret(p.input), 'containsSecret(input)');
    const out = redactText(p.input);
    if (p.expected !== undefined) assert.equal(out, p.expected);
    for (const secret of p.secrets) assert.ok(!out.includes(secret), `secret survived: ${secret}\n${out}`);
    assert.ok(!containsSecret(out), `containsSecret(output): ${out}`);
    assert.equal(redactText(out), out, 'redacting twice changes nothing');
  });
}

test('negative corpus is large enough', () => {
  assert.ok(negatives.length >= 25, `${negatives.length} negatives`);
});

for (const text of negatives) {
  test(`leaves alone: ${JSON.stringify(text.slice(0, 70))}`, () => {
    assert.equal(redactText(text), text);
    assert.ok(!containsSecret(text));
  });
}

test('placeholders keep the surrounding command readable', () => {
  assert.equal(
    redactText(`PGPASSWORD=${S.pw} pg_dump -h db app | gzip > app.sql.gz`),
    'PGPASSWORD=[REDACTED:password] pg_dump -h db app | gzip > app.sql.gz',
  );
});

test('redactValue redacts every string and secret-keyed values, deeply, without touching the input', () => {
  const when = new Date(0);
  const input = {
    command: `curl -H "Authorization: Bearer ${S.opaque}" https://api.x`,
    env: { GITHUB_TOKEN: S.ghp, HOME: '/home/jane', DB_PASSWORD: S.pw2 },
    headers: { Authorization: `Basic ${basicAuth}`, Cookie: `sid=${S.opaque2}`, Accept: 'application/json' },
    password: 12345678,
    apiKey: '',
    token: null,
    refreshToken: '${REFRESH_TOKEN}',
    auth: { user: 'jane', pass: S.pw, enabled: true },
    secrets: [S.opaque, 'second'],
    usage: { max_tokens: 4096, input_tokens: 12 },
    lines: ['plain', `export OPENAI_API_KEY=${S.openai}`],
    when,
  };
  const before = JSON.stringify(input);
  const out = redactValue(input);

  assert.deepEqual(out, {
    command: 'curl -H "Authorization: Bearer [REDACTED:bearer]" https://api.x',
    env: { GITHUB_TOKEN: '[REDACTED:github-token]', HOME: '/home/jane', DB_PASSWORD: '[REDACTED:password]' },
    headers: { Authorization: '[REDACTED:bearer]', Cookie: '[REDACTED:env-secret]', Accept: 'application/json' },
    password: '[REDACTED:password]',
    apiKey: '',
    token: null,
    refreshToken: '${REFRESH_TOKEN}',
    auth: { user: '[REDACTED:env-secret]', pass: '[REDACTED:env-secret]', enabled: true },
    secrets: ['[REDACTED:env-secret]', '[REDACTED:env-secret]'],
    usage: { max_tokens: 4096, input_tokens: 12 },
    lines: ['plain', 'export OPENAI_API_KEY=[REDACTED:openai-key]'],
    when,
  });
  assert.equal(JSON.stringify(input), before, 'input unchanged');
  assert.notEqual(out, input);
  assert.notEqual(out.env, input.env);
  assert.equal(out.when, when, 'non-plain objects are passed through');
});

test('redactValue copies clean data faithfully', () => {
  const input = { a: [1, 'two', { three: false, four: null }], b: 'reset password flow' };
  const out = redactValue(input);
  assert.deepEqual(out, input);
  assert.notEqual(out, input);
  assert.equal(redactValue('just text'), 'just text');
  assert.equal(redactValue(42), 42);
  assert.equal(redactValue(null), null);
});

test('redactValue on a parsed transcript line', () => {
  const line = {
    type: 'assistant',
    message: {
      content: [{ type: 'tool_use', name: 'Bash', input: { command: `mysql -u root -p'${S.pw}' app` } }],
      usage: { input_tokens: 10, output_tokens: 2 },
    },
  };
  const out = redactValue(line);
  assert.equal(out.message.content[0]?.input.command, "mysql -u root -p'[REDACTED:password]' app");
  assert.deepEqual(out.message.usage, line.message.usage);
});

/** About 10 MB of ordinary text (code, paths, prose) with no secret in it. */
function tenMegabytes(chunk: string): string {
  return chunk.repeat(Math.ceil(10_000_000 / chunk.length));
}

test('10 MB without secrets comes back as the same string', { timeout: 60_000 }, () => {
  const clean = tenMegabytes('the quick brown fox jumps over the lazy dog; const x = foo(bar) + 1; // src/app/main.ts\n');
  assert.ok(clean.length >= 10_000_000);
  assert.equal(redactText(clean), clean);
  assert.ok(!containsSecret(clean));
});

test('10 MB of near misses (every negative case) comes back unchanged', { timeout: 60_000 }, () => {
  const nearMisses = tenMegabytes(`${negatives.join('\n')}\n`);
  assert.equal(redactText(nearMisses), nearMisses);
});

test('10 MB with a secret near the end: only the secret is replaced', { timeout: 60_000 }, () => {
  const clean = tenMegabytes('the quick brown fox jumps over the lazy dog; const x = foo(bar) + 1;\n');
  const text = `${clean}export OPENAI_API_KEY=${S.openai}\ndone\n`;
  const out = redactText(text);
  assert.equal(out, `${clean}export OPENAI_API_KEY=[REDACTED:openai-key]\ndone\n`);
  assert.ok(!out.includes(S.openai));
});

test('pathological inputs finish and redact correctly (bounded patterns, no catastrophic backtracking)', { timeout: 30_000 }, () => {
  const adversarial = [
    'a'.repeat(200_000),
    'password='.repeat(50_000),
    'password_'.repeat(20_000) + '=x',
    'key '.repeat(100_000),
    '-----BEGIN PRIVATE KEY-----'.repeat(5_000),
    'x://'.repeat(50_000) + '@',
    'mysql '.repeat(20_000),
    `"token": "${'\\'.repeat(100_000)}`,
    `"token": "${'a'.repeat(100_000)}`,
    'Bearer '.repeat(50_000),
    'eyJ'.repeat(100_000),
    'authorization: '.repeat(20_000),
    `postgres://${'u'.repeat(100_000)}:${'p'.repeat(100_000)}`,
    '\npassword '.repeat(50_000),
    `${'machine m login l '.repeat(20_000)}password x1`,
    `https://${'a1'.repeat(100_000)}@`,
    'DB_PASS='.repeat(50_000),
  ];
  for (const text of adversarial) assert.equal(typeof redactText(text), 'string');
  const buried = `${'key '.repeat(100_000)}GITHUB_TOKEN=${S.ghp}`;
  assert.ok(redactText(buried).endsWith('GITHUB_TOKEN=[REDACTED:github-token]'));
});
