import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addedWhole, classifyChanges, type ChangedFile } from '../../../src/core/risk/classify';
import { DEFAULT_POLICY } from '../../../src/core/risk/policy';
import type { Policy } from '../../../src/core/risk/types';

const file = (path: string, lines: string[] = [], change: ChangedFile['change'] = 'modified'): ChangedFile => ({
  path, change, added: lines.map((text, i) => ({ line: i + 10, text })),
});
const categoriesOf = (f: ChangedFile, policy: Policy = DEFAULT_POLICY): string[] => classifyChanges(policy, [f])[0]?.categories ?? [];

test('files risky by their path fall into their category, with the glob that matched', () => {
  const cases: [string, string][] = [
    ['app/controllers/sessions_controller.rb', 'auth'],
    ['packages/auth/server/lib/session.ts', 'auth'],
    ['src/lib/useAuth.ts', 'auth'],
    ['hc/payments/views.py', 'payments'],
    ['app/models/subscription.rb', 'payments'],
    ['packages/ee/server-only/stripe/webhook.ts', 'payments'],
    ['db/migrate/20250101_add_users.rb', 'migrations'],
    ['hc/api/migrations/0042_check_kind.py', 'migrations'],
    ['packages/prisma/migrations/2024_x/migration.sql', 'migrations'],
    ['packages/prisma/schema.prisma', 'migrations'],
    ['alembic/versions/abc_add.py', 'migrations'],
    ['src/main/resources/db/migration/V2__users.sql', 'migrations'],
    ['app/policies/document_policy.rb', 'permissions'],
    ['packages/lib/utils/permissions.ts', 'permissions'],
    ['.github/workflows/ci.yml', 'infra'],
    ['docker/Dockerfile', 'infra'],
    ['infra/main.tf', 'infra'],
    ['config/deploy.yml', 'infra'],
    ['.env.production', 'secrets'],
    ['certs/server.key', 'secrets'],
    ['config/master.key', 'secrets'],
    ['yarn.lock', 'dependencies'],
    ['services/api/go.mod', 'dependencies'],
    ['requirements-dev.txt', 'dependencies'],
  ];
  for (const [path, category] of cases) {
    const [risky] = classifyChanges(DEFAULT_POLICY, [file(path)]);
    assert.ok(risky?.categories.includes(category), `${path} should be ${category}, got ${risky?.categories.join(',') ?? 'nothing'}`);
    const m = risky.matches.find((x) => x.category === category);
    assert.match(m?.rule ?? '', /^path /);
    assert.equal(m?.line, undefined);
  }
});

test('risky logic in generically named files is caught by added content, with its line', () => {
  const cases: [string, string, string][] = [
    ['src/utils.ts', 'const ok = await bcrypt.compare(input, user.hash);', 'auth'],
    ['app/models/user.rb', '  has_secure_password', 'auth'],
    ['src/server/helpers.ts', 'const claims = jwt.verify(token, secret);', 'auth'],
    ['app/repositories/order_repository.php', '$this->stripe->refunds->create([...]);', 'payments'],
    ['app/Observers/OrderObserver.php', '$order->amount_cents = $line->unit_amount * $qty;', 'payments'],
    ['src/server/team.ts', 'if (!hasPermission(user, "document:delete")) throw new ForbiddenError();', 'permissions'],
    ['db/setup.sql', 'ALTER TABLE users ADD COLUMN role text;', 'migrations'],
    ['config/app.js', 'const key = "AKIAIOSFODNN7EXAMPLE";', 'secrets'],
  ];
  for (const [path, line, category] of cases) {
    const [risky] = classifyChanges(DEFAULT_POLICY, [file(path, ['// nothing here', line])]);
    assert.ok(risky?.categories.includes(category), `${path}: "${line}" should be ${category}, got ${risky?.categories.join(',') ?? 'nothing'}`);
    const m = risky.matches.find((x) => x.category === category);
    assert.equal(m?.line, 11, 'the new line number of the matching line');
    assert.match(m?.rule ?? '', /^content \//);
    assert.ok(m?.match && line.toLowerCase().includes(m.match.toLowerCase()));
  }
});

test('ordinary changes are not risky: tests, docs, translations, UI text, generated code', () => {
  const quiet: ChangedFile[] = [
    file('src/components/Button.tsx', ['export const Button = () => <button>Save</button>;']),
    file('test/auth/session.test.ts', ['await bcrypt.compare(a, b);']),
    file('spec/models/subscription_spec.rb', ['expect(subscription).to be_active']),
    file('docs/payments.md', ['Stripe is used for billing.']),
    file('config/locales/en.yml', ['  password: Password']),
    file('app/assets/stripe-logo.svg'),
    file('src/__snapshots__/auth.test.ts.snap', ['jwt.verify']),
    file('dist/auth.js', ['jwt.verify(t)']),
    file('README.md', ['Run migrations with rails db:migrate']),
    file('src/api/reports.ts', ['const total = rows.reduce((s, r) => s + r.value, 0);']),
  ];
  assert.deepEqual(classifyChanges(DEFAULT_POLICY, quiet), []);
});

test('content patterns read only added lines of source files, and a deletion is judged by its path', () => {
  assert.deepEqual(categoriesOf(file('notes/ideas.txt', ['jwt.verify(token)'])), []);
  assert.deepEqual(categoriesOf(file('db/migrate/1_drop_users.rb', [], 'deleted')), ['migrations']);
  assert.deepEqual(categoriesOf({ ...file('assets/blob.bin', ['jwt.verify']), binary: true }), []);
});

test('a rename is risky by either its old or its new path', () => {
  const [r] = classifyChanges(DEFAULT_POLICY, [{ path: 'lib/old/helpers.rb', oldPath: 'app/auth/helpers.rb', change: 'renamed', added: [] }]);
  assert.deepEqual(r?.categories, ['auth']);
});

test('a file in several categories lists each, with every rule', () => {
  const [r] = classifyChanges(DEFAULT_POLICY, [file('app/controllers/billing/sessions_controller.rb', ['Stripe::Checkout::Session.create(payment_method_types: ["card"])'])]);
  assert.deepEqual(r?.categories, ['auth', 'payments']);
  assert.ok(r?.matches.some((m) => m.category === 'payments' && m.line === 10));
});

test("a project's policy: its own categories, excludes, content paths and ignore list", () => {
  const policy: Policy = {
    ...DEFAULT_POLICY,
    ignore: ['legacy/**'],
    categories: [
      { id: 'exports', title: 'Exports', paths: ['**/export/**'], content: ['\\bto_csv\\b'], contentPaths: ['**/*.rb'], exclude: ['**/export/preview/**'], review: true, requiredChecks: [] },
    ],
  };
  assert.deepEqual(categoriesOf(file('app/export/run.rb'), policy), ['exports']);
  assert.deepEqual(categoriesOf(file('app/export/preview/x.rb'), policy), []);
  assert.deepEqual(categoriesOf(file('app/models/report.rb', ['rows.to_csv']), policy), ['exports']);
  assert.deepEqual(categoriesOf(file('app/models/report.py', ['rows.to_csv']), policy), [], 'content only in contentPaths');
  assert.deepEqual(categoriesOf(file('legacy/export/x.rb'), policy), []);
});

test('globs: ** across folders, {a,b} alternatives, a bare name at any depth, case-insensitive', () => {
  const policy: Policy = { ...DEFAULT_POLICY, ignore: [], categories: [{ id: 'x', title: 'X', paths: ['src/**/*.{sql,prisma}', 'Makefile'], content: [], exclude: [], review: true, requiredChecks: [] }] };
  assert.deepEqual(categoriesOf(file('src/a/b/c.sql'), policy), ['x']);
  assert.deepEqual(categoriesOf(file('src/c.PRISMA'), policy), ['x']);
  assert.deepEqual(categoriesOf(file('src/c.ts'), policy), []);
  assert.deepEqual(categoriesOf(file('tools/build/Makefile'), policy), ['x']);
  assert.deepEqual(categoriesOf(file('lib/src/a.sql'), policy), []);
});

test('at most ten content matches per category and file are kept', () => {
  const [r] = classifyChanges(DEFAULT_POLICY, [file('src/lib.ts', Array.from({ length: 50 }, () => 'jwt.verify(t, k)'))]);
  assert.equal(r?.matches.filter((m) => m.category === 'auth').length, 10);
});

test('content scanned as one text finds exactly the lines a line-by-line reading finds, edge cases included', () => {
  // The oracle: each line on its own, tested with each category's patterns as written.
  const perLine = (policy: Policy, lines: { line: number; text: string }[]): string[] =>
    policy.categories.flatMap((c) =>
      lines
        .filter((l) => l.text.length <= 2000 && c.content.some((p) => new RegExp(p, 'i').test(l.text)))
        .slice(0, 10)
        .map((l) => `${c.id}:${l.line}`),
    );
  const contentOf = (f: ChangedFile, policy: Policy): string[] =>
    (classifyChanges(policy, [f])[0]?.matches ?? []).filter((m) => m.line !== undefined).map((m) => `${m.category}:${m.line}`);
  const policy: Policy = {
    ...DEFAULT_POLICY,
    categories: [
      ...DEFAULT_POLICY.categories,
      { id: 'anchors', title: 'A', paths: [], content: ['^\\s*key\\b', 'end$', '^$'], exclude: [], review: true, requiredChecks: [] },
      { id: 'across', title: 'B', paths: [], content: ['foo\\s*=\\s*bar', 'x[^y]*z'], exclude: [], review: true, requiredChecks: [] },
      { id: 'around', title: 'C', paths: [], content: ['(?<=\\s)tok', 'pos(?=\\s)'], exclude: [], review: true, requiredChecks: [] },
      // A line break beside it would change these: read line by line.
      { id: 'negative', title: 'D', paths: [], content: ['(?<!\\S)neg\\b', 'last(?!\\s)'], exclude: [], review: true, requiredChecks: [] },
    ],
  };
  const pieces = ['jwt.verify(t, k)', '  key = 1', 'key', 'the end', 'end', '', 'foo =', ' bar', 'foo = bar', 'x', 'z', 'xz', 'tok', ' tok', 'neg', ' neg x',
    'pos', 'pos ', 'last', 'last ', 'Stripe::Refund.create(charge: id)', 'add_column :users, :role, :string', 'a'.repeat(2100) + ' jwt.verify(t)', 'plain code', '\tkey\r', 'end\r', 'rôle == "admin" → 🙂'];
  let seed = 7;
  const random = (n: number): number => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed % n);
  for (let round = 0; round < 300; round++) {
    const lines = Array.from({ length: 1 + random(40) }, () => pieces[random(pieces.length)] as string);
    const text = lines.join(random(2) ? '\n' : '\r\n') + (random(3) ? '\n' : '');
    // A file added whole (its text), and the same lines as a diff's added lines at other line numbers.
    const whole = addedWhole('src/x.ts', 'added', text);
    const expectedWhole = perLine(policy, whole.added);
    assert.deepEqual(contentOf(addedWhole('src/x.ts', 'added', text), policy), expectedWhole, JSON.stringify(text));
    const numbered = whole.added.map((l, i) => ({ line: 3 * i + 5, text: l.text }));
    assert.deepEqual(contentOf({ path: 'src/x.ts', change: 'modified', added: numbered }, policy), perLine(policy, numbered), JSON.stringify(text));
  }
  // Its lines as the line-by-line reading had them: a CR dropped, no line after the last break.
  assert.deepEqual(addedWhole('a', 'added', 'one\r\ntwo\n').added, [{ line: 1, text: 'one' }, { line: 2, text: 'two' }]);
  assert.deepEqual(addedWhole('a', 'added', '').added, []);
});
