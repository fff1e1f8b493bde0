// The offline second eye: deterministic checks on a risky change, each concern naming its rule, file and line.
import { createHash } from 'node:crypto';
import { dependencyChange } from '../capture/classify';
import type { Policy } from '../risk/types';
import { addedDependencies } from './dependencies';
import { parseUnifiedDiff, type DiffFile } from './diff';
import { isMigrationPath, missingDown } from './migrations';
import { isSecretsFileByPath } from './secretFiles';
import type { Concern, ReviewEngine, ReviewInput, Verdict } from './types';

/** Bumped whenever a rule changes what it reports, so a past verdict says which rules made it. */
export const RULES_VERSION = 'rules-2';

export type RuleId =
  | 'migration-without-down'
  | 'auth-change-without-test'
  | 'payment-change-without-test'
  | 'secret-literal'
  | 'secrets-file-committed'
  | 'required-check-missing'
  | 'dependency-added'
  | 'protected-file-deleted';

/** Test files of the common frameworks: a change to one is evidence the change was tested. */
const TEST_PATH = /(^|\/)(tests?|spec|specs|__tests__|e2e)\/|\.(test|spec)\.[cm]?[jt]sx?$|_(test|spec)\.(go|py|rb|rs|exs?)$|(^|\/)test_[^/]+\.py$|(Tests?|IT)\.(java|kt|cs|scala)$|Test\.php$/;
const CI_PATH = /(^|\/)\.github\/workflows\/[^/]+\.ya?ml$|(^|\/)\.gitlab-ci\.yml$|(^|\/)\.circleci\/config\.yml$|(^|\/)Jenkinsfile$|(^|\/)azure-pipelines\.yml$|(^|\/)bitbucket-pipelines\.yml$|(^|\/)\.buildkite\/[^/]+\.ya?ml$/;

const isTest = (path: string): boolean => TEST_PATH.test(path);

function concern(rule: RuleId, file: string, line: number | undefined, severity: Concern['severity'], title: string, explanation: string): Concern {
  const c: Concern = { file, severity, title, explanation, rule, engine: 'rules' };
  if (line !== undefined) c.line = line;
  return c;
}

/** Which kinds of check count as "the test" for a category's required-check pattern. */
function patternApplies(kind: string, required: readonly string[]): boolean {
  return required.includes('test') ? kind === 'test' : true;
}

export class RulesEngine implements ReviewEngine {
  readonly id = 'rules';

  /** `policy` says which checks each category requires; without it that rule is skipped. */
  constructor(private readonly policy?: Policy) {}

  async review(input: ReviewInput): Promise<Verdict> {
    return this.reviewNow(input);
  }

  /** The same verdict, synchronously: rules need nothing but the input. */
  reviewNow(input: ReviewInput): Verdict {
    const concerns = [
      ...this.migrations(input),
      ...this.untested(input),
      ...this.secrets(input),
      ...this.secretsFiles(input),
      ...this.requiredChecks(input),
      ...this.dependencies(input),
      ...this.deletions(input),
    ];
    return {
      status: concerns.length ? 'concerns' : 'passed',
      concerns,
      engine: this.id,
      promptVersion: RULES_VERSION,
      inputHash: createHash('sha256').update(JSON.stringify([input, this.policy?.categories ?? null])).digest('hex'),
    };
  }

  private diffFiles(input: ReviewInput): Map<string, DiffFile> {
    return new Map(parseUnifiedDiff(input.diff).map((f) => [f.path, f]));
  }

  private migrations(input: ReviewInput): Concern[] {
    const diff = this.diffFiles(input);
    const changed = new Set([...(input.changedPaths ?? []), ...input.files.map((f) => f.path)]);
    return input.files.flatMap((f) => {
      const file = diff.get(f.path);
      // New migrations only: an old one has run already, and its diff hunks do not show the whole file.
      if (!file || file.change !== 'added' || !isMigrationPath(f.path)) return [];
      const missing = missingDown(file, changed);
      return missing
        ? [concern('migration-without-down', f.path, missing.line, 'high', 'Migration has no way back',
          `This ${missing.framework} migration ${missing.why}. If it fails or must be undone in production there is no rollback path; add one, or record why it cannot be undone.`)]
        : [];
    });
  }

  private untested(input: ReviewInput): Concern[] {
    const paths = input.changedPaths ?? input.files.map((f) => f.path);
    if (paths.some(isTest)) return [];
    const diff = this.diffFiles(input);
    const out: Concern[] = [];
    const groups: [RuleId, string, string[]][] = [
      ['auth-change-without-test', 'Authentication or access control', ['auth', 'permissions']],
      ['payment-change-without-test', 'Payment', ['payments']],
    ];
    for (const [rule, what, categories] of groups) {
      const touched = input.files.filter((f) => f.change !== 'deleted' && !isTest(f.path) && f.categories.some((c) => categories.includes(c)));
      const first = touched[0];
      if (!first) continue;
      const line = diff.get(first.path)?.added[0]?.line;
      const others = touched.length > 1 ? ` (and ${touched.slice(1).map((f) => f.path).join(', ')})` : '';
      out.push(concern(rule, first.path, line, 'high', `${what} code changed with no test change`,
        `${first.path}${others} changed, and no test file changed in the same change. A mistake here is costly and silent; add or update a test that exercises the new behaviour.`));
    }
    return out;
  }

  private secrets(input: ReviewInput): Concern[] {
    const found = input.secrets ?? parseUnifiedDiff(input.diff).flatMap((f) =>
      f.added.flatMap((l) => {
        const kind = /\[REDACTED:([a-z-]+)\]/.exec(l.text)?.[1];
        return kind ? [{ file: f.path, line: l.line, kind }] : [];
      }));
    return found.map((s) => concern('secret-literal', s.file, s.line, 'high', `A secret is written into the code (${s.kind.replace(/-/g, ' ')})`,
      `An added line holds what looks like a secret (${s.kind.replace(/-/g, ' ')}). Anyone who can read the repository can use it; move it to the environment or a secret store, and rotate it if it is real.`));
  }

  private secretsFiles(input: ReviewInput): Concern[] {
    // Deleting one is the fix, not the problem; a file in the category only by a line of content is secret-literal's.
    return input.files.filter((f) => f.change !== 'deleted' && isSecretsFileByPath(f)).map((f) =>
      concern('secrets-file-committed', f.path, undefined, 'high', 'A credentials file is in the change',
        `${f.path} is a file that holds credentials (keys, passwords, tokens), and this change adds or edits it in the repository, where everyone with access to it, and every clone and fork, gets a copy. Keep credentials in a secret store or an ignored file (add ${f.path} to .gitignore, commit a template such as .env.example without values), take the file out of the change, and rotate any credential it held.`));
  }

  private requiredChecks(input: ReviewInput): Concern[] {
    if (!this.policy) return [];
    const out: Concern[] = [];
    for (const category of this.policy.categories) {
      const file = input.files.find((f) => f.categories.includes(category.id));
      if (!file || category.requiredChecks.length === 0) continue;
      let pattern: RegExp | undefined;
      try {
        pattern = category.requiredCheckPattern ? new RegExp(category.requiredCheckPattern, 'i') : undefined;
      } catch {
        pattern = undefined; // the policy loader reports a bad pattern; a review does not fail over it
      }
      for (const kind of category.requiredChecks) {
        const wanted = pattern && patternApplies(kind, category.requiredChecks) ? pattern : undefined;
        const runs = input.checks.filter((c) => c.kind === kind && (!wanted || wanted.test(c.command)));
        if (runs.some((c) => c.passed)) continue;
        const which = `${kind}${wanted ? ` matching /${wanted.source}/` : ''}`;
        const failed = runs.filter((c) => !c.passed).map((c) => c.command);
        out.push(concern('required-check-missing', file.path, undefined, failed.length ? 'high' : 'medium',
          failed.length ? `Required ${which} failed after the last change` : `Required ${which} did not run after the last change`,
          `${category.title} changes need a passing ${which} after the last change. ${failed.length ? `It ran and failed: ${failed.join('; ')}.` : 'The record shows none.'} Run it and let it pass before this ships.`));
      }
    }
    return out;
  }

  private dependencies(input: ReviewInput): Concern[] {
    const diff = this.diffFiles(input);
    return input.files.flatMap((f) => {
      const file = diff.get(f.path);
      if (!file || !dependencyChange(f.path)?.manifest) return [];
      return addedDependencies(file).map((d) => concern('dependency-added', f.path, d.line, 'medium', `New dependency: ${d.name}`,
        `${d.name} is added to ${f.path}. A new package runs with the application's rights; check that it is the intended one (name, maintainer, licence) and that its version is pinned by the lockfile.`));
    });
  }

  private deletions(input: ReviewInput): Concern[] {
    return input.files.flatMap((f) => {
      if (f.change !== 'deleted') return [];
      const what = isMigrationPath(f.path) ? 'migration' : CI_PATH.test(f.path) ? 'CI workflow' : undefined;
      if (!what) return [];
      return [concern('protected-file-deleted', f.path, undefined, 'high', `A ${what} is deleted`,
        what === 'migration'
          ? `${f.path} is deleted. Databases that ran it still have its changes, and new ones will not: schema history diverges. Add a new migration that undoes it instead.`
          : `${f.path} is deleted, so the checks it ran no longer gate changes. Say why in the change, or keep it.`)];
    });
  }
}
