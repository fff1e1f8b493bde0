// The shapes shared by the policy, risk classification, reviews and gates. Plain data: the CLI, the hooks,
// the extension and the board all read them.

/** Check kinds a category can require (the same kinds the record classifies commands into). */
export type RequiredCheck = 'test' | 'typecheck' | 'lint' | 'build';

/** One risky category: which files and which content make a change fall into it, and what it then needs. */
export interface RiskCategory {
  /** Stable id: auth, payments, migrations, infra, secrets, dependencies, permissions, or a project's own. */
  id: string;
  /** What people read: "Authentication and sessions". */
  title: string;
  /** Repository-relative globs (`**`, `*`, `?`, `{a,b}`) of files that are in this category by their path. */
  paths: string[];
  /** Regular expressions (JavaScript source, case-insensitive) matched against a change's added lines. */
  content: string[];
  /** Globs of files whose content is looked at for `content` (default: source files); paths here never match by content alone. */
  contentPaths?: string[];
  /** Globs never in this category (tests, fixtures, docs…). */
  exclude: string[];
  /** Whether a change in this category opens a review. */
  review: boolean;
  /** Checks the record must show run (and passing) after the last change in this category. */
  requiredChecks: RequiredCheck[];
  /** A command pattern a required check must match (e.g. migrations need a migration test: "migrat"). */
  requiredCheckPattern?: string;
}

/** A project's policy: `.flightdeck/policy.json`, or the defaults when it has none. */
export interface Policy {
  version: 1;
  /** advisory: concerns are shown and can be overridden; enforce: gates hold until passed or overridden. */
  mode: 'advisory' | 'enforce';
  /** Branches a push to which is gated (globs: `main`, `release/*`). */
  protectedBranches: string[];
  /** Globs never risky in any category. */
  ignore: string[];
  categories: RiskCategory[];
  /** Ship gates: where the deploy lock lives, the queue's grace, what a ship needs. Absent: a local lock, defaults. */
  deploy?: DeployPolicy;
}

/** The `deploy` block of a policy. */
export interface DeployPolicy {
  /** local: every window and process on this machine; remote: the team, through a lock ref on the git remote. */
  lock?: 'local' | 'remote';
  /** The git remote holding the team's lock ref (default origin). */
  remote?: string;
  /** Seconds the head of the ship queue has to take a freed lock before the turn passes (default 120). */
  graceSeconds?: number;
  /** Check kinds the record must show passing on the exact commit being shipped. */
  requiredChecks?: RequiredCheck[];
  /** The upstream branch a release starts from, e.g. origin/main (default: the branch's upstream). */
  base?: string;
  /** Whether a teammate's pass (imported by team sync) proves a required check; default: only this clone's runs count. */
  acceptTeamChecks?: boolean;
}

/** Where the policy in force came from, and what went wrong with the file, if anything. */
export interface PolicyState {
  policy: Policy;
  /** default: no file; file: the file as written; last-good: the file is broken, its last good version is in force. */
  source: 'default' | 'file' | 'last-good';
  path: string;
  /** sha256 of the policy's canonical JSON: recorded with every verdict. */
  hash: string;
  /** The file's problem, with its 1-based line and column. */
  error?: { message: string; line: number; column: number };
}

/** Why a file is in a category: the rule that matched. */
export interface RiskMatch {
  category: string;
  /** "path auth/**" or "content /jwt\\.verify/". */
  rule: string;
  /** 1-based line of the new file, for a content match. */
  line?: number;
  /** The text the content pattern matched on that line (at most 80 characters). */
  match?: string;
}

export interface RiskyFile {
  /** Repository-relative, with forward slashes. */
  path: string;
  change: 'added' | 'modified' | 'deleted' | 'renamed';
  categories: string[];
  matches: RiskMatch[];
}
