// Which shell commands are gated: deploys and pushes. One list, shared by the Claude Code hook, `flightdeck
// check-push` and the ship gates. Commands are split into simple commands (`a && b; c | d`) and read word by word,
// so `echo "deploy"` or `grep release notes.md` is not a deploy, and `FOO=1 npx vercel --prod` is.
import { shellScript, stripPrefixes } from '../capture/classify';

/**
 * Deploy commands: each is the leading words of a simple command (after env assignments and wrappers like
 * `npx`, `sudo`); later words may have flags between them. A `deploy`/`release`/`publish` script run by a package manager counts.
 */
export const DEPLOY_COMMANDS: readonly string[] = [
  'deploy', 'release', 'publish',
  'npm publish', 'yarn publish', 'pnpm publish', 'cargo publish', 'gem push', 'twine upload', 'poetry publish',
  'npm run deploy', 'npm run release', 'npm run publish', 'yarn deploy', 'yarn release', 'pnpm deploy', 'pnpm release',
  'pnpm run deploy', 'pnpm run release', 'yarn run deploy', 'yarn run release', 'bun run deploy', 'make deploy', 'make release',
  'terraform apply', 'terraform destroy', 'tofu apply', 'pulumi up', 'pulumi destroy', 'cdk deploy', 'sam deploy', 'serverless deploy', 'sls deploy',
  'kubectl apply', 'kubectl delete', 'kubectl rollout', 'kubectl set image', 'kubectl scale', 'helm upgrade', 'helm install', 'helm uninstall',
  'fly deploy', 'flyctl deploy', 'vercel --prod', 'vercel deploy --prod', 'netlify deploy --prod', 'heroku container:release', 'railway up',
  'firebase deploy', 'gcloud app deploy', 'gcloud run deploy', 'gcloud functions deploy', 'aws cloudformation deploy', 'aws ecs update-service',
  'aws lambda update-function-code', 'az webapp deploy', 'wrangler deploy', 'wrangler publish', 'eb deploy', 'cap production deploy',
  'docker push', 'docker compose push', 'ansible-playbook', 'gh release create',
];

/** A command line's simple commands, each as its words (quotes removed; a `$(…)` or backtick body is its own command). */
export function simpleCommands(line: string): string[][] {
  const out: string[][] = [];
  let words: string[] = [];
  let word = '';
  let inWord = false;
  const endWord = (): void => {
    if (inWord) words.push(word);
    word = '';
    inWord = false;
  };
  const endCommand = (): void => {
    endWord();
    if (words.length) out.push(words);
    words = [];
  };
  for (let i = 0; i < line.length; i++) {
    const c = line[i] as string;
    if (c === "'") {
      const close = line.indexOf("'", i + 1);
      word += line.slice(i + 1, close < 0 ? line.length : close);
      inWord = true;
      i = close < 0 ? line.length : close;
    } else if (c === '"') {
      let j = i + 1;
      for (; j < line.length && line[j] !== '"'; j++) {
        if (line[j] === '\\' && j + 1 < line.length) j++;
        word += line[j];
      }
      inWord = true;
      i = j;
    } else if (c === '\\' && i + 1 < line.length) {
      word += line[++i];
      inWord = true;
    } else if (c === ' ' || c === '\t') endWord();
    else if (c === '\n' || c === ';' || c === '&' || c === '|' || c === '(' || c === ')' || c === '`') endCommand();
    else if (c === '$' && line[i + 1] === '(') {
      endCommand();
      i++;
    } else {
      word += c;
      inWord = true;
    }
  }
  endCommand();
  return out;
}

/** A simple command's words from the program on: env assignments and wrappers (`sudo -u ci`, `npx`, `env -i`, `xargs`) dropped. */
function programWords(words: readonly string[]): string[] {
  // ./node_modules/.bin/vercel → vercel, ./scripts/deploy.sh → deploy
  return stripPrefixes(words).map((w, n) => (n === 0 ? w.replace(/^.*\//, '').replace(/\.(sh|bash|zsh|py|js|mjs|ts|rb|ps1)$/, '') : w));
}

/** How many `sh -c '…'` strings inside each other are opened up: what an agent writes by hand, not a maze. */
const MAX_SHELL_DEPTH = 2;

/**
 * The simple commands a command line runs: its own, and those of the scripts it hands a shell (`bash -c '…'`,
 * `sudo sh -c "…"`, `eval '…'`), so that a push or a deploy wrapped in one is seen.
 */
export function commandsRun(line: string, depth = 0): string[][] {
  return simpleCommands(line).flatMap((words) => {
    if (depth >= MAX_SHELL_DEPTH) return [words];
    const prog = stripPrefixes(words);
    const script = prog[0] === 'eval' ? prog.slice(1).join(' ') : shellScript(prog);
    return script === undefined ? [words] : commandsRun(script, depth + 1);
  });
}

/** A word naming the repository's `.flightdeck` folder or a file in it (`.flightdeck`, `./.flightdeck/policy.json`). */
const FLIGHTDECK_PATH = /(^|\/)\.flightdeck(\/|$)/;
/** Programs that change or remove every file they are given. */
const CHANGES_EACH_ARGUMENT = new Set(['rm', 'rmdir', 'unlink', 'shred', 'truncate', 'tee', 'mv']);
/** Programs that write only their last argument (the others are read). */
const WRITES_LAST_ARGUMENT = new Set(['cp', 'ln', 'install', 'rsync']);
/** Git subcommands that change or remove the paths they are given. */
const GIT_CHANGES_PATHS = new Set(['rm', 'mv', 'checkout', 'restore', 'clean']);
/** An output redirection (`>`, `>>`, `2>`, `&>`, `>|`) and, when written together, its target. */
const REDIRECT = /^(?:\d*|&)>>?\|?(.*)$/;

/** Whether a simple command writes, moves or deletes something under `.flightdeck` (as far as its words show it). */
function changesFlightdeckFolder(words: readonly string[]): boolean {
  for (let i = 0; i < words.length; i++) {
    const redirect = REDIRECT.exec(words[i] as string);
    if (redirect && FLIGHTDECK_PATH.test(redirect[1] || (words[i + 1] ?? ''))) return true;
  }
  const prog = programWords(words);
  const [name = ''] = prog;
  const args = prog.slice(1).filter((w) => !w.startsWith('-'));
  if (CHANGES_EACH_ARGUMENT.has(name)) return args.some((w) => FLIGHTDECK_PATH.test(w));
  if (WRITES_LAST_ARGUMENT.has(name)) return FLIGHTDECK_PATH.test(args[args.length - 1] ?? '');
  if (name === 'dd') return prog.some((w) => w.startsWith('of=') && FLIGHTDECK_PATH.test(w.slice(3)));
  // `sed -i`, `sed -i.bak`, `sed --in-place`, `perl -pi -e`: an in-place edit of the files named.
  if (name === 'sed' || name === 'perl') return prog.some((w) => /^-[a-zA-Z]*i|^--in-place/.test(w)) && args.some((w) => FLIGHTDECK_PATH.test(w));
  if (name === 'find') return prog.some((w) => w === '-delete' || w === '-exec' || w === '-execdir') && args.some((w) => FLIGHTDECK_PATH.test(w));
  const git = gitSubcommand(words);
  return git !== undefined && GIT_CHANGES_PATHS.has(git.sub ?? '') && prog.slice(git.at + 1).some((w) => FLIGHTDECK_PATH.test(w));
}

/** The first simple command of a line that writes, moves or deletes the `.flightdeck` folder or a file in it. */
export function flightdeckFolderChange(line: string): string | undefined {
  return commandsRun(line).find(changesFlightdeckFolder)?.join(' ');
}

/** Flightdeck's subcommands that are a person's decision: run by an agent, the record would name the person. */
const PERSON_ONLY_SUBCOMMANDS = new Set(['override', 'resolve']);
/** Programs that run the script or package a later word names (`node dist/cli.js`, `npm exec flightdeck`). */
const SCRIPT_RUNNERS = new Set(['node', 'bun', 'deno', 'tsx', 'ts-node', 'npm', 'pnpm', 'yarn', 'exec', 'run', 'x', 'dlx']);
/** A word that runs Flightdeck's CLI: `flightdeck`, `flightdeck@1.2`, `…/flightdeck-1.2/dist/cli.js`, `dist/cli.js`. */
const RUNS_FLIGHTDECK = /flightdeck|^(.*\/)?cli(\.js)?$/i;

/** A Flightdeck subcommand a person must run (`override`, `resolve`) that a command line runs, with its `--gate`. */
export function personOnlyFlightdeckCommand(line: string): { subcommand: string; gate?: string } | undefined {
  for (const words of commandsRun(line)) {
    const prog = programWords(words);
    let i = 0;
    while (i < prog.length && (SCRIPT_RUNNERS.has(prog[i] as string) || (prog[i] as string).startsWith('-'))) i++;
    if (!RUNS_FLIGHTDECK.test(prog[i] ?? '')) continue;
    for (i++; i < prog.length && (prog[i] as string).startsWith('-'); i += prog[i] === '--repo' ? 2 : 1);
    const subcommand = prog[i];
    if (subcommand === undefined || !PERSON_ONLY_SUBCOMMANDS.has(subcommand)) continue;
    const gate = prog.indexOf('--gate');
    const gateValue = prog.find((w) => w.startsWith('--gate='))?.slice('--gate='.length);
    return { subcommand, ...(gate > 0 && prog[gate + 1] ? { gate: prog[gate + 1] } : gateValue ? { gate: gateValue } : {}) };
  }
  return undefined;
}

const deployPatterns = DEPLOY_COMMANDS.map((p) => p.split(' '));
/** Every deploy pattern's program, as a test on a command line's text: a line with none of them is not parsed. */
const DEPLOY_PROGRAM = new RegExp([...new Set(deployPatterns.map((p) => p[0] as string))].map((w) => w.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&')).join('|'), 'i');

/** A command line as the cheap substring tests read it: quotes and backslashes gone, so `git pu''sh` still says push. */
export const unquoted = (line: string): string => line.replace(/["'\\]/g, '');

/** The deploy pattern a command line runs, if any (`terraform apply`, `vercel --prod`). */
export function deployCommand(line: string): string | undefined {
  if (!DEPLOY_PROGRAM.test(unquoted(line))) return undefined;
  for (const words of commandsRun(line)) {
    const prog = programWords(words);
    for (const pattern of deployPatterns) {
      const [first, ...rest] = pattern;
      if (prog[0] !== first) continue;
      // The pattern's other words appear in order among the command's words (flags may sit between them).
      let at = 1;
      const ok = rest.every((p) => {
        while (at < prog.length && prog[at] !== p) at++;
        return at++ < prog.length;
      });
      if (ok) return pattern.join(' ');
    }
  }
  return undefined;
}

/** One `git push` in a command line: the remote and the branches it updates on it. */
export interface GitPush {
  remote?: string;
  /** Remote branch names (without refs/heads/); empty when the push names none and follows git's defaults. */
  branches: string[];
  /** For each of `branches`, the local ref pushed to it (`HEAD` for the current branch; empty for a deletion). */
  sources: string[];
  /** `--all`, `--mirror`: every branch. */
  all: boolean;
  /** `--delete` / `:branch`: deletions only. */
  deletes: boolean;
}

/** Options of `git push` that take a value as the next word. */
const PUSH_VALUE_OPTIONS = new Set(['-o', '--push-option', '--repo', '--receive-pack', '--exec', '--signed', '--recurse-submodules']);
/** Options of `git` before the subcommand that take a value. */
const GIT_VALUE_OPTIONS = new Set(['-C', '-c', '--git-dir', '--work-tree', '--namespace', '--exec-path', '--config-env']);

const branchOf = (ref: string): string => ref.replace(/^\+/, '').replace(/^refs\/heads\//, '');

/** A simple command's git subcommand (`git -C dir commit …` → commit), or undefined when it does not run git. */
function gitSubcommand(words: readonly string[]): { sub: string | undefined; at: number } | undefined {
  const prog = programWords(words);
  if (prog[0] !== 'git') return undefined;
  let i = 1;
  while (i < prog.length && (prog[i] as string).startsWith('-')) i += GIT_VALUE_OPTIONS.has(prog[i] as string) ? 2 : 1;
  return { sub: prog[i], at: i };
}

/** Git subcommands that make commits: what a push after them in the same command line carries is not there yet. */
const COMMITTING = new Set(['commit', 'merge', 'cherry-pick', 'revert', 'am', 'rebase', 'pull']);

/** Whether a command line makes commits with git as well as pushing (`git commit -am … && git push`). */
export function commitsBeforePushing(line: string): boolean {
  return commandsRun(line).some((words) => COMMITTING.has(gitSubcommand(words)?.sub ?? ''));
}

/**
 * Every `git push` in a command line. A push without a refspec (or to `HEAD`) updates the current branch
 * (`currentBranch`, read from .git/HEAD), as git's default `push.default=simple` does.
 */
export function gitPushes(line: string, currentBranch: string | undefined): GitPush[] {
  const out: GitPush[] = [];
  for (const words of commandsRun(line)) {
    const git = gitSubcommand(words);
    if (git?.sub !== 'push') continue;
    const prog = programWords(words);
    let i = git.at;
    const args: string[] = [];
    // `… | xargs git push origin`: the refspecs come from stdin, so any branch may be pushed.
    const viaXargs = words.slice(0, words.length - prog.length).some((w) => w.replace(/^.*\//, '') === 'xargs');
    const push: GitPush = { branches: [], sources: [], all: viaXargs, deletes: false };
    for (i++; i < prog.length; i++) {
      const w = prog[i] as string;
      if (w === '--all' || w === '--mirror' || w === '--branches') push.all = true;
      else if (w === '--delete' || w === '-d') push.deletes = true;
      else if (PUSH_VALUE_OPTIONS.has(w)) i++;
      else if (w.startsWith('-')) continue;
      else args.push(w);
    }
    const [remote, ...refspecs] = args;
    push.remote = remote;
    if (refspecs.length === 0) {
      if (!push.all && currentBranch) {
        push.branches.push(currentBranch);
        push.sources.push('HEAD');
      }
    }
    for (const spec of refspecs) {
      const colon = spec.indexOf(':');
      const src = colon < 0 ? spec : spec.slice(0, colon);
      const dst = colon < 0 ? spec : spec.slice(colon + 1);
      if (colon >= 0 && src.replace(/^\+/, '') === '') {
        push.deletes = true;
        continue;
      }
      if (push.deletes) continue;
      // `HEAD` (or `HEAD:HEAD`) is the current branch; `HEAD:main` is main.
      const target = dst.replace(/^\+/, '') === 'HEAD' ? currentBranch : branchOf(dst);
      if (target) {
        push.branches.push(target);
        push.sources.push(src.replace(/^\+/, '') || 'HEAD');
      }
    }
    if (push.deletes && refspecs.length) {
      const deleted = refspecs.filter((s) => !s.includes(':')).map(branchOf);
      push.branches.push(...deleted);
      push.sources.push(...deleted.map(() => ''));
    }
    out.push(push);
  }
  return out;
}

/** A branch glob (`main`, `release/*`) as a test; `*` stays within one path segment, `**` crosses them. */
export function branchMatcher(globs: readonly string[]): (branch: string) => boolean {
  const res = globs.map((g) => new RegExp(`^${g.trim().replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*\*/g, '\u0000').replace(/\*/g, '[^/]*').replace(/\u0000/g, '.*').replace(/\?/g, '[^/]')}$`));
  return (branch) => res.some((r) => r.test(branch));
}

/** What a command line pushes to protected branches, ref by ref (not deletions, not `--all`): as git's pre-push hook will be told. */
export function protectedPushes(line: string, currentBranch: string | undefined, protectedBranches: readonly string[]): { remote: string | undefined; branch: string; source: string }[] {
  const isProtected = branchMatcher(protectedBranches);
  return gitPushes(line, currentBranch).flatMap((push) => push.branches
    .map((branch, i) => ({ remote: push.remote, branch, source: push.sources[i] ?? '' }))
    .filter((p) => p.source !== '' && isProtected(p.branch)));
}

/** The protected branches a command line pushes to (a deletion of one counts), in order, without repeats. */
export function protectedPushTargets(line: string, currentBranch: string | undefined, protectedBranches: readonly string[]): string[] {
  const isProtected = branchMatcher(protectedBranches);
  const out = new Set<string>();
  for (const push of gitPushes(line, currentBranch)) {
    if (push.all) {
      // Every local branch: the protected ones among them are not known without git; the current one is named.
      out.add(currentBranch && isProtected(currentBranch) ? currentBranch : protectedBranches[0] ?? 'main');
    }
    for (const b of push.branches) if (isProtected(b)) out.add(b);
  }
  return [...out];
}
