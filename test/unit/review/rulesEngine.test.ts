import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RulesEngine } from '../../../src/core/review/rulesEngine';
import { buildReviewInput } from '../../../src/core/review/subject';
import type { Concern, ReviewInput } from '../../../src/core/review/types';
import type { Policy, RiskyFile } from '../../../src/core/risk/types';

const POLICY: Policy = {
  version: 1, mode: 'advisory', protectedBranches: ['main'], ignore: [],
  categories: [
    { id: 'auth', title: 'Authentication and sessions', paths: [], content: [], exclude: [], review: true, requiredChecks: [] },
    { id: 'payments', title: 'Payments', paths: [], content: [], exclude: [], review: true, requiredChecks: [] },
    { id: 'migrations', title: 'Migrations and schema', paths: [], content: [], exclude: [], review: true, requiredChecks: ['test'], requiredCheckPattern: 'migrat' },
    { id: 'dependencies', title: 'Dependencies', paths: [], content: [], exclude: [], review: true, requiredChecks: [] },
    { id: 'infra', title: 'CI and deploy', paths: [], content: [], exclude: [], review: true, requiredChecks: [] },
  ],
};

/** A new file's diff, as git prints it. */
function added(path: string, content: string): string {
  const lines = content.replace(/\n$/, '').split('\n');
  return `diff --git a/${path} b/${path}\nnew file mode 100644\nindex 0000000..1111111\n--- /dev/null\n+++ b/${path}\n@@ -0,0 +1,${lines.length} @@\n${lines.map((l) => `+${l}`).join('\n')}\n`;
}

function deleted(path: string, content: string): string {
  const lines = content.replace(/\n$/, '').split('\n');
  return `diff --git a/${path} b/${path}\ndeleted file mode 100644\nindex 1111111..0000000\n--- a/${path}\n+++ /dev/null\n@@ -1,${lines.length} +0,0 @@\n${lines.map((l) => `-${l}`).join('\n')}\n`;
}

/** A modification: `hunk` is the hunk body (lines starting with ' ', '+' or '-'), starting at line `at`. */
function modified(path: string, hunk: string, at = 1, header = ''): string {
  const body = hunk.replace(/\n$/, '').split('\n');
  const oldCount = body.filter((l) => !l.startsWith('+')).length;
  const newCount = body.filter((l) => !l.startsWith('-')).length;
  return `diff --git a/${path} b/${path}\nindex 1111111..2222222 100644\n--- a/${path}\n+++ b/${path}\n@@ -${at},${oldCount} +${at},${newCount} @@${header ? ` ${header}` : ''}\n${body.join('\n')}\n`;
}

function input(files: [path: string, change: RiskyFile['change'], categories: string[]][], diff: string, extra: Partial<ReviewInput> = {}): ReviewInput {
  return {
    reviewId: 'r', intent: 'the task', boundary: '', baseCommit: 'b', policyHash: 'p', checks: [{ kind: 'test', command: 'bin/rails test test/migrations', passed: true }],
    files: files.map(([path, change, categories]) => ({ path, change, categories, matches: [] })), diff,
    changedPaths: files.map(([p]) => p),
    ...extra,
  };
}

const rules = new RulesEngine(POLICY);
const found = (i: ReviewInput, rule?: string): Concern[] => rules.reviewNow(i).concerns.filter((c) => !rule || c.rule === rule);
const brief = (cs: Concern[]): [string | undefined, string, number | undefined][] => cs.map((c) => [c.rule, c.file, c.line]);
const migration = (path: string, content: string): Concern[] => found(input([[path, 'added', ['migrations']]], added(path, content)), 'migration-without-down');

test('Rails migrations: up without down, irreversible operations in change, and reversible ones', () => {
  const upOnly = `class AddLastSeenToUsers < ActiveRecord::Migration[7.1]
  def up
    add_column :users, :last_seen_at, :datetime
    execute "UPDATE users SET last_seen_at = created_at"
  end
end`;
  assert.deepEqual(brief(migration('db/migrate/20260301120000_add_last_seen_to_users.rb', upOnly)), [['migration-without-down', 'db/migrate/20260301120000_add_last_seen_to_users.rb', 2]]);
  const upDown = upOnly.replace('  end\nend', '  end\n\n  def down\n    remove_column :users, :last_seen_at\n  end\nend');
  assert.deepEqual(migration('db/migrate/20260301120000_add_last_seen_to_users.rb', upDown), []);
  const irreversibleDown = upOnly.replace('  end\nend', '  end\n\n  def down\n    raise ActiveRecord::IrreversibleMigration\n  end\nend');
  assert.deepEqual(brief(migration('db/migrate/1_x.rb', irreversibleDown)), [['migration-without-down', 'db/migrate/1_x.rb', 7]]);

  const reversible = `class CreateSessions < ActiveRecord::Migration[7.1]
  def change
    create_table :sessions do |t|
      t.references :user, null: false
      t.datetime :expires_at
    end
    add_index :sessions, :expires_at
    remove_column :users, :legacy_token, :string
  end
end`;
  assert.deepEqual(migration('db/migrate/20260302_create_sessions.rb', reversible), []);
  const bareRemove = reversible.replace('remove_column :users, :legacy_token, :string', 'remove_column :users, :legacy_token');
  const c = migration('db/migrate/20260302_create_sessions.rb', bareRemove);
  assert.deepEqual(brief(c), [['migration-without-down', 'db/migrate/20260302_create_sessions.rb', 8]]);
  assert.match(c[0]?.explanation ?? '', /remove_column.*cannot be reversed/);
  const withReversible = `class Backfill < ActiveRecord::Migration[7.1]
  def change
    reversible do |dir|
      dir.up { execute "UPDATE users SET active = true" }
      dir.down { execute "UPDATE users SET active = NULL" }
    end
  end
end`;
  assert.deepEqual(migration('db/migrate/3_backfill.rb', withReversible), []);
});

test('Django migrations: RunPython and RunSQL need their reverse; schema operations reverse themselves', () => {
  const base = (ops: string): string => `from django.db import migrations, models


def forwards(apps, schema_editor):
    Session = apps.get_model("auth_app", "Session")
    Session.objects.filter(expires_at__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("auth_app", "0007_session")]

    operations = [
${ops}
    ]`;
  const path = 'auth_app/migrations/0008_purge_sessions.py';
  assert.deepEqual(brief(migration(path, base('        migrations.RunPython(forwards),'))), [['migration-without-down', path, 13]]);
  assert.deepEqual(migration(path, base('        migrations.RunPython(forwards, migrations.RunPython.noop),')), []);
  assert.deepEqual(migration(path, base('        migrations.RunPython(forwards, reverse_code=migrations.RunPython.noop),')), []);
  assert.deepEqual(brief(migration(path, base('        migrations.AddField("session", "ip", models.CharField(max_length=45)),\n        migrations.RunSQL("CREATE INDEX CONCURRENTLY s_ip ON auth_app_session (ip)"),'))), [['migration-without-down', path, 14]]);
  assert.deepEqual(migration(path, base('        migrations.RunSQL(\n            "CREATE INDEX s_ip ON auth_app_session (ip)",\n            reverse_sql="DROP INDEX s_ip",\n        ),')), []);
  assert.deepEqual(migration(path, base('        migrations.AddField("session", "ip", models.CharField(max_length=45)),')), []);
  assert.deepEqual(migration('auth_app/migrations/__init__.py', ''), []);
});

test('Knex, TypeORM and Alembic migrations: a missing or empty down is a concern', () => {
  const knexUp = `exports.up = function (knex) {
  return knex.schema.alterTable('payments', (t) => {
    t.integer('amount_cents').notNullable();
  });
};`;
  const path = 'migrations/20260301_amount_cents.js';
  assert.deepEqual(brief(migration(path, knexUp)), [['migration-without-down', path, 1]]);
  assert.deepEqual(migration(path, `${knexUp}\n\nexports.down = function (knex) {\n  return knex.schema.alterTable('payments', (t) => t.dropColumn('amount_cents'));\n};`), []);
  assert.deepEqual(migration(path, `${knexUp}\n\nexports.down = (knex) => knex.schema.alterTable('payments', (t) => t.dropColumn('amount_cents'));`), []);
  assert.deepEqual(brief(migration(path, `${knexUp}\n\nexports.down = async function () {\n  // nothing to do\n};`)), [['migration-without-down', path, 7]]);

  const typeorm = `import { MigrationInterface, QueryRunner } from "typeorm";

export class AddRefunds1700000000000 implements MigrationInterface {
  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(\`ALTER TABLE "payment" ADD "refunded_cents" integer NOT NULL DEFAULT 0\`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {}
}`;
  const tp = 'src/migrations/1700000000000-AddRefunds.ts';
  const c = migration(tp, typeorm);
  assert.deepEqual(brief(c), [['migration-without-down', tp, 8]]);
  assert.match(c[0]?.explanation ?? '', /TypeORM/);
  assert.deepEqual(migration(tp, typeorm.replace('Promise<void> {}', 'Promise<void> {\n    await queryRunner.query(`ALTER TABLE "payment" DROP COLUMN "refunded_cents"`);\n  }')), []);

  const alembic = `"""add invoices

Revision ID: 3f2a
"""
from alembic import op
import sqlalchemy as sa


def upgrade():
    op.add_column("invoice", sa.Column("voided_at", sa.DateTime()))


def downgrade():
    pass`;
  const ap = 'alembic/versions/3f2a_add_invoices.py';
  assert.deepEqual(brief(migration(ap, alembic)), [['migration-without-down', ap, 13]]);
  assert.deepEqual(migration(ap, alembic.replace('    pass', '    op.drop_column("invoice", "voided_at")')), []);
});

test('raw SQL migrations need a matching down file (or a Down section) in the change', () => {
  const up = 'ALTER TABLE accounts ADD COLUMN locked_at timestamptz;';
  const path = 'db/migrations/0042_lock_accounts.up.sql';
  const only = input([[path, 'added', ['migrations']]], added(path, up));
  assert.deepEqual(brief(found(only, 'migration-without-down')), [['migration-without-down', path, 1]]);
  const both = input([[path, 'added', ['migrations']], ['db/migrations/0042_lock_accounts.down.sql', 'added', ['migrations']]],
    added(path, up) + added('db/migrations/0042_lock_accounts.down.sql', 'ALTER TABLE accounts DROP COLUMN locked_at;'));
  assert.deepEqual(found(both, 'migration-without-down'), []);
  assert.deepEqual(brief(migration('db/migrations/0043_x.sql', `-- +goose Up\n${up}`)), [['migration-without-down', 'db/migrations/0043_x.sql', 1]]);
  assert.deepEqual(migration('db/migrations/0043_x.sql', `-- +goose Up\n${up}\n-- +goose Down\nALTER TABLE accounts DROP COLUMN locked_at;`), []);
});

test('an edited old migration is not judged by its hunks', () => {
  const path = 'db/migrate/20200101_create_users.rb';
  const i = input([[path, 'modified', ['migrations']]], modified(path, '   def up\n-    create_table :users\n+    create_table :users, id: :uuid\n   end', 2));
  assert.deepEqual(found(i, 'migration-without-down'), []);
});

test('auth or payment code changed without a test change is a concern; with one it is not', () => {
  const auth = modified('app/services/session_timeout.rb', '   def expired?(session)\n-    session.last_seen_at < 30.minutes.ago\n+    false\n   end', 10);
  const alone = input([['app/services/session_timeout.rb', 'modified', ['auth']]], auth);
  assert.deepEqual(brief(found(alone, 'auth-change-without-test')), [['auth-change-without-test', 'app/services/session_timeout.rb', 11]]);
  const tested = { ...alone, changedPaths: ['app/services/session_timeout.rb', 'spec/services/session_timeout_spec.rb'] };
  assert.deepEqual(found(tested, 'auth-change-without-test'), []);
  for (const testPath of ['test/services/session_timeout_test.rb', 'src/auth/session.test.ts', 'tests/test_session.py', 'pkg/auth/session_test.go', 'src/__tests__/auth.ts']) {
    assert.deepEqual(found({ ...alone, changedPaths: ['app/services/session_timeout.rb', testPath] }, 'auth-change-without-test'), [], testPath);
  }
  const pay = modified('app/models/charge.rb', '-  def total = amount\n+  def total = amount * 1.2', 5);
  assert.deepEqual(brief(found(input([['app/models/charge.rb', 'modified', ['payments']]], pay))).filter(([r]) => r === 'payment-change-without-test'), [['payment-change-without-test', 'app/models/charge.rb', 5]]);
  // Removing auth code alone is not "changed without a test".
  const gone = input([['app/auth/legacy.rb', 'deleted', ['auth']]], deleted('app/auth/legacy.rb', 'class Legacy\nend'));
  assert.deepEqual(found(gone, 'auth-change-without-test'), []);
});

test('a secret on an added line is found before redaction; the diff an engine gets has it redacted', () => {
  const diff = modified('config/initializers/stripe.rb', '-Stripe.api_key = ENV.fetch("STRIPE_KEY")\n+Stripe.api_key = "sk_live_4eC39HqLyjWDarjtT1zdp7dc"\n+DB_PASSWORD = "hunter2hunter2"', 3);
  const i = buildReviewInput({
    policy: { policy: POLICY, source: 'default', path: '', hash: 'h' }, baseCommit: 'b',
    files: [{ path: 'config/initializers/stripe.rb', change: 'modified', categories: ['payments', 'secrets'], matches: [
      { category: 'secrets', rule: 'content /sk_live_/', line: 3, match: 'sk_live_4eC39HqLyjWDarjtT1zdp7dc' },
    ] }],
    changedPaths: ['config/initializers/stripe.rb', 'spec/stripe_spec.rb'], rawDiff: diff, intent: 't', boundary: '',
  }, 'r', []);
  assert.equal(i.diff.includes('sk_live_4eC39HqLyjWDarjtT1zdp7dc'), false);
  assert.equal(i.files[0]?.matches[0]?.match, '[REDACTED:stripe-key]', 'the excerpt a content rule matched is redacted too');
  assert.equal(i.diff.includes('hunter2hunter2'), false);
  const cs = found(i, 'secret-literal');
  assert.deepEqual(brief(cs), [['secret-literal', 'config/initializers/stripe.rb', 3], ['secret-literal', 'config/initializers/stripe.rb', 4]]);
  assert.match(cs[0]?.title ?? '', /stripe key/);
  for (const c of cs) assert.doesNotMatch(JSON.stringify(c), /sk_live_|hunter2/);
  // An environment lookup is not a secret.
  assert.deepEqual(found(input([['a.rb', 'modified', ['payments']]], modified('a.rb', '+Stripe.api_key = ENV.fetch("STRIPE_KEY")')), 'secret-literal'), []);
});

test('a credentials file (secrets by its path) added or edited is a concern; deleted, or secret only by content, it is not', () => {
  const byPath = (path: string, change: RiskyFile['change']): RiskyFile => ({ path, change, categories: ['secrets'], matches: [{ category: 'secrets', rule: 'path **/.env' }] });
  const i = input([], [added('.env', 'FEATURE_FLAGS=on'), modified('.netrc', '+machine h.example.com'), deleted('deploy/tls.pem', 'x')].join(''), {
    files: [
      byPath('.env', 'added'), byPath('.netrc', 'modified'), byPath('deploy/tls.pem', 'deleted'), byPath('certs/old.key', 'renamed'),
      { path: 'app/config.rb', change: 'modified', categories: ['secrets'], matches: [{ category: 'secrets', rule: 'content /AKIA/', line: 3, match: '[REDACTED:aws-access-key]' }] },
    ],
  });
  const cs = found(i, 'secrets-file-committed');
  assert.deepEqual(brief(cs), [['secrets-file-committed', '.env', undefined], ['secrets-file-committed', '.netrc', undefined], ['secrets-file-committed', 'certs/old.key', undefined]]);
  for (const c of cs) {
    assert.equal(c.severity, 'high');
    assert.match(c.explanation, /secret store/);
    assert.match(c.explanation, /\.gitignore/);
  }
  assert.equal(rules.reviewNow(i).status, 'concerns');
});

test('a check the category requires must have run and passed after the last change', () => {
  const path = 'db/migrate/20260301_add_idx.rb';
  const diff = added(path, 'class AddIdx < ActiveRecord::Migration[7.1]\n  def change\n    add_index :users, :email\n  end\nend');
  const files: [string, RiskyFile['change'], string[]][] = [[path, 'added', ['migrations']]];
  const none = found(input(files, diff, { checks: [] }), 'required-check-missing');
  assert.deepEqual(none.map((c) => [c.file, c.severity, c.title]), [[path, 'medium', 'Required test matching /migrat/ did not run after the last change']]);
  const other = found(input(files, diff, { checks: [{ kind: 'test', command: 'npm test', passed: true }] }), 'required-check-missing');
  assert.equal(other.length, 1, 'a test that is not a migration test does not count');
  const failed = found(input(files, diff, { checks: [{ kind: 'test', command: 'bin/rails test test/migrations', passed: false }] }), 'required-check-missing');
  assert.deepEqual(failed.map((c) => [c.severity, c.title]), [['high', 'Required test matching /migrat/ failed after the last change']]);
  assert.match(failed[0]?.explanation ?? '', /bin\/rails test test\/migrations/);
  assert.deepEqual(found(input(files, diff, { checks: [{ kind: 'test', command: 'bin/rails test test/migrations', passed: false }, { kind: 'test', command: 'bin/rails test test/migrations', passed: true }] }), 'required-check-missing'), []);
  assert.deepEqual(new RulesEngine().reviewNow(input(files, diff, { checks: [] })).concerns.filter((c) => c.rule === 'required-check-missing'), [], 'without a policy the rule is skipped');
});

test('a dependency added to a manifest is a concern; a version bump or a script is not', () => {
  const pkg = modified('package.json', `   "scripts": {
-    "test": "node --test"
+    "test": "node --test --test-concurrency=1"
   },
   "dependencies": {
-    "express": "^4.18.2",
+    "express": "^4.19.0",
+    "left-pad": "^1.3.0",
     "zod": "^3.23.0"
   }`, 5);
  assert.deepEqual(found(input([['package.json', 'modified', ['dependencies']]], pkg), 'dependency-added').map((c) => [c.title, c.line]), [['New dependency: left-pad', 10]]);
  // A hunk inside the dependencies object, its header line not shown.
  const inside = modified('package.json', '     "express": "^4.18.2",\n+    "jsonwebtoken": "9.0.2",\n     "zod": "^3.23.0"', 12);
  assert.deepEqual(found(input([['package.json', 'modified', ['dependencies']]], inside), 'dependency-added').map((c) => c.title), ['New dependency: jsonwebtoken']);
  const req = modified('requirements.txt', ' django==5.0.6\n-stripe==8.0.0\n+stripe==9.1.0\n+pyjwt[crypto]>=2.8\n+# a comment', 1);
  assert.deepEqual(found(input([['requirements.txt', 'modified', ['dependencies']]], req), 'dependency-added').map((c) => [c.title, c.line]), [['New dependency: pyjwt', 3]]);
  const gem = modified('Gemfile', ' gem "rails", "~> 7.1"\n+gem "devise"', 4);
  assert.deepEqual(found(input([['Gemfile', 'modified', ['dependencies']]], gem), 'dependency-added').map((c) => c.title), ['New dependency: devise']);
  const cargo = modified('Cargo.toml', ' serde = "1"\n+jsonwebtoken = { version = "9" }', 8, '[dependencies]');
  assert.deepEqual(found(input([['Cargo.toml', 'modified', ['dependencies']]], cargo), 'dependency-added').map((c) => c.title), ['New dependency: jsonwebtoken']);
  const gomod = modified('go.mod', ' require (\n \tgithub.com/a/b v1.0.0\n+\tgithub.com/golang-jwt/jwt/v5 v5.2.1\n+\tgolang.org/x/sys v0.20.0 // indirect\n )', 5);
  assert.deepEqual(found(input([['go.mod', 'modified', ['dependencies']]], gomod), 'dependency-added').map((c) => c.title), ['New dependency: github.com/golang-jwt/jwt/v5']);
});

test('a deleted migration or CI workflow is a concern; other deletions are not', () => {
  const files: [string, RiskyFile['change'], string[]][] = [
    ['.github/workflows/ci.yml', 'deleted', ['infra']],
    ['db/migrate/20240101_create_payments.rb', 'deleted', ['migrations']],
    ['deploy/old-notes.md', 'deleted', ['infra']],
  ];
  const diff = files.map(([p]) => deleted(p, 'x')).join('');
  assert.deepEqual(brief(found(input(files, diff), 'protected-file-deleted')), [
    ['protected-file-deleted', '.github/workflows/ci.yml', undefined],
    ['protected-file-deleted', 'db/migrate/20240101_create_payments.rb', undefined],
  ]);
});

test('a careful risky change passes with no concern at all (precise, not noisy)', () => {
  const migrationPath = 'db/migrate/20260301_add_expires_at.rb';
  const authPath = 'app/models/session.rb';
  const diff = added(migrationPath, `class AddExpiresAt < ActiveRecord::Migration[7.1]
  def change
    add_column :sessions, :expires_at, :datetime
    add_index :sessions, :expires_at
  end
end`) + modified(authPath, '   def active?\n-    true\n+    expires_at.future?\n   end', 4) +
    modified('package.json', '   "dependencies": {\n-    "express": "^4.18.2"\n+    "express": "^4.19.2"\n   }', 10);
  const i = input([[migrationPath, 'added', ['migrations']], [authPath, 'modified', ['auth']], ['package.json', 'modified', ['dependencies']]], diff, {
    changedPaths: [migrationPath, authPath, 'package.json', 'test/models/session_test.rb'],
  });
  const verdict = rules.reviewNow(i);
  assert.deepEqual(verdict.concerns, []);
  assert.equal(verdict.status, 'passed');
  assert.equal(verdict.engine, 'rules');
  assert.match(verdict.inputHash, /^[0-9a-f]{64}$/);
  assert.equal(rules.reviewNow(i).inputHash, verdict.inputHash, 'the same input hashes the same');
});
