// STAND-IN — replaced when the risk branch is merged. `flightdeck review` gets its risky changes through the
// RiskScanner seam (src/core/review/subject.ts); until src/core/risk/{policy,changes,classify}.ts exist, this
// minimal scanner fills it: a few fixed path-glob categories (no policy file, no content rules) and git's diff.
// The lead replaces `standInScanner` with one built on loadPolicy + readChanges + classify and deletes this file.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runGit } from '../core/capture/gitHistory';
import { globToRegExp } from '../core/capture/task';
import type { RiskScan, RiskScanner } from '../core/review/subject';
import type { Policy, RiskCategory, RiskyFile } from '../core/risk/types';

const category = (id: string, title: string, paths: string[], extra: Partial<RiskCategory> = {}): RiskCategory => ({
  id, title, paths, content: [], exclude: ['**/test/**', '**/tests/**', '**/spec/**', '**/*.test.*', '**/*_test.*', '**/*_spec.rb'], review: true, requiredChecks: [], ...extra,
});

/** STAND-IN policy: paths only. The real defaults come from src/core/risk/policy.ts. */
export const STAND_IN_POLICY: Policy = {
  version: 1,
  mode: 'advisory',
  protectedBranches: ['main', 'master'],
  ignore: ['**/node_modules/**', 'dist/**'],
  categories: [
    category('auth', 'Authentication and sessions', ['**/auth/**', '**/*auth*.*', '**/*session*.*', '**/*login*.*', '**/passport*.*']),
    category('payments', 'Payments and billing', ['**/billing/**', '**/payments/**', '**/*payment*.*', '**/*charge*.*', '**/*invoice*.*', '**/*stripe*.*']),
    category('migrations', 'Migrations and schema', ['db/migrate/**', '**/migrations/**', '**/alembic/versions/**', '**/*.sql'],
      { requiredChecks: ['test'], requiredCheckPattern: 'migrat' }),
    category('infra', 'Production, infrastructure, deploy and CI', ['.github/workflows/**', '.gitlab-ci.yml', '**/Dockerfile', '**/*.tf', 'deploy/**', 'k8s/**']),
    category('dependencies', 'Dependencies', ['**/package.json', '**/requirements*.txt', '**/Gemfile', '**/go.mod', '**/Cargo.toml', '**/pyproject.toml']),
    category('permissions', 'Permissions and access control', ['**/permissions/**', '**/*permission*.*', '**/*policy*.rb', '**/*role*.*']),
  ],
};

const EMPTY_TREE = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';

function classify(path: string): RiskyFile['categories'] {
  if (STAND_IN_POLICY.ignore.some((g) => globToRegExp(g).test(path))) return [];
  return STAND_IN_POLICY.categories
    .filter((c) => c.paths.some((g) => globToRegExp(g).test(path)) && !c.exclude.some((g) => globToRegExp(g).test(path)))
    .map((c) => c.id);
}

/** An untracked file as git would show it added. */
function addedFileDiff(repoRoot: string, path: string): string {
  let text: string;
  try {
    text = readFileSync(join(repoRoot, path), 'utf8');
  } catch {
    return '';
  }
  const lines = text.endsWith('\n') ? text.slice(0, -1).split('\n') : text.split('\n');
  return [`diff --git a/${path} b/${path}`, 'new file mode 100644', '--- /dev/null', `+++ b/${path}`,
    `@@ -0,0 +1,${lines.length} @@`, ...lines.map((l) => `+${l}`), ''].join('\n');
}

/** STAND-IN scanner: the working tree's changes (committed or not, untracked included) since `base` or HEAD. */
export const standInScanner: RiskScanner = async (repoRoot, base) => {
  const baseCommit = base || (await runGit(repoRoot, ['rev-parse', 'HEAD'])).trim() || EMPTY_TREE;
  const changed: RiskScan['changed'] = [];
  const status = await runGit(repoRoot, ['diff', '--name-status', '-M', '-z', baseCommit]);
  const parts = status.split('\0').filter(Boolean);
  for (let i = 0; i < parts.length; i++) {
    const code = parts[i] ?? '';
    if (code.startsWith('R')) {
      changed.push({ path: parts[i + 2] ?? '', change: 'renamed' });
      i += 2;
    } else {
      changed.push({ path: parts[i + 1] ?? '', change: code === 'A' ? 'added' : code === 'D' ? 'deleted' : 'modified' });
      i += 1;
    }
  }
  const untracked = (await runGit(repoRoot, ['ls-files', '--others', '--exclude-standard', '-z'])).split('\0').filter(Boolean);
  for (const path of untracked) changed.push({ path, change: 'added' });
  const risky = changed.flatMap((c): RiskyFile[] => {
    const categories = classify(c.path);
    return categories.length ? [{ path: c.path, change: c.change, categories, matches: categories.map((id) => ({ category: id, rule: 'path (stand-in)' })) }] : [];
  });
  const untrackedSet = new Set(untracked);
  return {
    policy: {
      policy: STAND_IN_POLICY, source: 'default', path: join(repoRoot, '.flightdeck', 'policy.json'),
      hash: createHash('sha256').update(JSON.stringify(STAND_IN_POLICY)).digest('hex'),
    },
    baseCommit,
    changed,
    risky,
    async diff(paths) {
      const tracked = paths.filter((p) => !untrackedSet.has(p));
      const text = tracked.length ? await runGit(repoRoot, ['diff', '--no-color', '--no-ext-diff', '-M', baseCommit, '--', ...tracked]) : '';
      return text + paths.filter((p) => untrackedSet.has(p)).map((p) => addedFileDiff(repoRoot, p)).join('');
    },
  };
};
