/**
 * Classifies what an agent did: which shell commands were checks (tests, typechecks, lints,
 * builds) or dependency changes, and which changed files are dependency manifests, lockfiles or
 * configuration. Plain TypeScript with no imports, so the extension, the CLI and tests share it.
 */

export type CheckKind = 'test' | 'typecheck' | 'lint' | 'build';

/** A user-supplied rule: `pattern` is a regular expression source matched against one simple command. */
export interface CheckRule {
  kind: CheckKind;
  pattern: string;
}

export interface CheckMatch {
  kind: CheckKind;
  /** The simple command (one part of a compound line) that is the check, as written. */
  command: string;
}

export interface DependencyFileChange {
  manifest: boolean;
  lockfile: boolean;
}

export type DependencyAction = 'add' | 'remove' | 'install' | 'update';

export interface DependencyCommand {
  manager: string;
  action: DependencyAction;
  /** Package specs as typed (`x@1` stays `x@1`); flags and their values are left out. */
  packages: string[];
}

export type ConfigCategory = 'ci' | 'typescript' | 'env' | 'docker' | 'infra' | 'build' | 'lint' | 'editor';

export interface ConfigChange {
  category: ConfigCategory;
}

// ---------------------------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------------------------

/** The first simple command of `commandLine` that is a check; `extraRules` are tried before the built-in ones. */
export function classifyCheck(commandLine: string, extraRules: readonly CheckRule[] = []): CheckMatch | undefined {
  const rules = compileRules(extraRules);
  for (const cmd of simpleCommands(commandLine)) {
    const kind = ruleKind(rules, cmd) ?? toolKind(cmd.words);
    if (kind) return { kind, command: cmd.text };
  }
  return undefined;
}

/** Whether a changed file is a dependency manifest or lockfile. */
export function dependencyChange(path: string): DependencyFileChange | undefined {
  const p = pathParts(path);
  if (!p || isThirdParty(p)) return undefined;
  if (LOCKFILES.has(p.base)) return { manifest: false, lockfile: true };
  if (isManifest(p)) return { manifest: true, lockfile: false };
  return undefined;
}

/** The first simple command of `commandLine` that adds, removes, installs or updates dependencies. */
export function dependencyCommand(commandLine: string): DependencyCommand | undefined {
  for (const cmd of simpleCommands(commandLine)) {
    const found = dependencyOf(cmd.words);
    if (found) return found;
  }
  return undefined;
}

/** Whether a changed file configures CI, TypeScript, the environment, containers, infrastructure, builds, linters or editors. */
export function configChange(path: string): ConfigChange | undefined {
  const p = pathParts(path);
  if (!p || isThirdParty(p)) return undefined;
  const rule = CONFIG_RULES.find(([, matches]) => matches(p));
  return rule && { category: rule[0] };
}

// ---------------------------------------------------------------------------------------------
// Shell lines → simple commands
// ---------------------------------------------------------------------------------------------

interface SimpleCommand {
  /** The source text, trimmed. */
  text: string;
  /** Words with quotes removed and redirections dropped. */
  words: string[];
  /** Files the command's output redirections write (`> f`, `>> f`, `&> f`), as written. */
  writes: string[];
}

interface Heredoc {
  delimiter: string;
  stripTabs: boolean;
}

const SEPARATORS = new Set([';', '&', '|', '\n', '(', ')']);
const ESCAPABLE = /^[\s'"`$\\;&|<>()#*?[\]{}~!=]$/;
// Sticky, so reading at an offset does not copy the rest of a long line.
const REDIRECTION = /&>>?|<<<|<<-?|<>|>>|>&|<&|>\||>|</y;
const FD_DUPLICATE = /\d+|-/y;
const HEREDOC_WORD = /[^\s;&|<>()]*/y;

/**
 * Splits a shell line into simple commands on `;`, `&&`, `||`, `|`, `&`, newlines and
 * parentheses, honouring quotes, escapes and heredocs. Command substitutions (`$(…)`, backticks)
 * stay opaque inside their word: what they run is not classified.
 */
class ShellSplitter {
  private i = 0;
  private start = 0;
  private word: string | undefined;
  private words: string[] = [];
  private writes: string[] = [];
  /** The next word is a redirection's file: read (`<`) or written (`>`). */
  private redirectTarget: 'read' | 'write' | undefined;
  private heredocs: Heredoc[] = [];
  private readonly out: SimpleCommand[] = [];

  constructor(private readonly src: string) {}

  split(): SimpleCommand[] {
    while (this.i < this.src.length) this.step(this.src.charAt(this.i), this.src.charAt(this.i + 1));
    this.endCommand(this.src.length);
    return this.out;
  }

  private step(c: string, next: string): void {
    if (c === ' ' || c === '\t' || c === '\r') {
      this.endWord();
      this.i++;
    } else if (c === '#' && this.word === undefined) this.skipComment();
    else if (c === '\\') this.readEscape(next);
    else if (c === "'") this.append(this.readSingleQuoted());
    else if (c === '"') this.append(this.readDoubleQuoted());
    else if (c === '`' || (c === '$' && next === '(')) this.append(this.readSubstitution());
    else if (c === '<' || c === '>' || (c === '&' && next === '>')) this.readRedirection();
    else if (SEPARATORS.has(c)) this.readSeparator(c, next);
    else {
      this.append(c);
      this.i++;
    }
  }

  /** A backslash before an ordinary character is kept, so Windows paths (`C:\\tools\\npm.cmd`) survive. */
  private readEscape(next: string): void {
    if (next === '\n') this.i += 2; // backslash-newline continues the line
    else if (ESCAPABLE.test(next)) {
      this.append(next);
      this.i += 2;
    } else {
      this.append('\\');
      this.i++;
    }
  }

  private append(text: string): void {
    this.word = (this.word ?? '') + text;
  }

  private endWord(): void {
    if (this.word === undefined) return;
    if (this.redirectTarget === 'write') this.writes.push(this.word);
    if (this.redirectTarget) this.redirectTarget = undefined;
    else this.words.push(this.word);
    this.word = undefined;
  }

  private endCommand(end: number): void {
    this.endWord();
    this.redirectTarget = undefined;
    if (this.words.length > 0 || this.writes.length > 0) {
      this.out.push({ text: this.src.slice(this.start, end).trim(), words: this.words, writes: this.writes });
    }
    this.words = [];
    this.writes = [];
  }

  private readSeparator(c: string, next: string): void {
    this.endCommand(this.i);
    const double = ((c === '&' || c === '|' || c === ';') && next === c) || (c === '|' && next === '&');
    this.i += double ? 2 : 1;
    if (c === '\n') this.skipHeredocBodies(this.heredocs);
    this.start = this.i;
  }

  private skipComment(): void {
    const end = this.src.indexOf('\n', this.i);
    this.i = end === -1 ? this.src.length : end;
  }

  private readRedirection(): void {
    if (this.word !== undefined && /^\d+$/.test(this.word)) this.word = undefined; // the 2 of 2>&1 is a file descriptor
    this.endWord();
    const op = this.match(REDIRECTION) || '>';
    this.i += op.length;
    if (op === '<<' || op === '<<-') {
      this.heredocs.push(this.readHeredocDelimiter(op === '<<-'));
      return;
    }
    const fd = op.endsWith('&') ? this.match(FD_DUPLICATE) : '';
    if (fd) this.i += fd.length;
    else this.redirectTarget = op.includes('>') ? 'write' : 'read'; // the next word is the redirection's file
  }

  private match(re: RegExp): string {
    re.lastIndex = this.i;
    return re.exec(this.src)?.[0] ?? '';
  }

  private readHeredocDelimiter(stripTabs: boolean): Heredoc {
    while (this.src[this.i] === ' ' || this.src[this.i] === '\t') this.i++;
    const raw = this.match(HEREDOC_WORD);
    this.i += raw.length;
    return { delimiter: raw.replace(/['"\\]/g, ''), stripTabs };
  }

  /** Called just after a newline: a heredoc's body is data, not commands. */
  private skipHeredocBodies(pending: Heredoc[]): void {
    for (const doc of pending.splice(0)) {
      while (this.i < this.src.length) {
        const end = this.src.indexOf('\n', this.i);
        const stop = end === -1 ? this.src.length : end;
        const line = this.src.slice(this.i, stop).replace(/\r$/, '');
        this.i = stop + 1;
        if ((doc.stripTabs ? line.replace(/^\t+/, '') : line) === doc.delimiter) break;
      }
    }
  }

  private readSingleQuoted(): string {
    const end = this.src.indexOf("'", this.i + 1);
    const stop = end === -1 ? this.src.length : end;
    const text = this.src.slice(this.i + 1, stop);
    this.i = stop + 1;
    return text;
  }

  private readDoubleQuoted(): string {
    let text = '';
    this.i++;
    while (this.i < this.src.length) {
      const c = this.src.charAt(this.i);
      const next = this.src.charAt(this.i + 1);
      if (c === '"') {
        this.i++;
        break;
      }
      if (c === '\\' && '$`"\\\n'.includes(next) && next !== '') {
        if (next !== '\n') text += next;
        this.i += 2;
      } else if (c === '`' || (c === '$' && next === '(')) text += this.readSubstitution();
      else {
        text += c;
        this.i++;
      }
    }
    return text;
  }

  /** Reads `$(…)` or a backquoted command whole, nested quotes and heredocs included, and returns it as written. */
  private readSubstitution(): string {
    const from = this.i;
    if (this.src[this.i] === '`') this.readBackquoted();
    else this.readParenthesised();
    return this.src.slice(from, this.i);
  }

  private readBackquoted(): void {
    this.i++;
    while (this.i < this.src.length && this.src[this.i] !== '`') this.i += this.src[this.i] === '\\' ? 2 : 1;
    this.i++;
  }

  private readParenthesised(): void {
    const heredocs: Heredoc[] = [];
    let depth = 1;
    this.i += 2;
    while (this.i < this.src.length && depth > 0) {
      const c = this.src.charAt(this.i);
      if (c === '\\') this.i += 2;
      else if (c === "'") this.readSingleQuoted();
      else if (c === '"') this.readDoubleQuoted();
      else if (c === '`') this.readBackquoted();
      else if (this.src.startsWith('<<', this.i) && this.src[this.i + 2] !== '<') {
        const stripTabs = this.src[this.i + 2] === '-';
        this.i += stripTabs ? 3 : 2;
        heredocs.push(this.readHeredocDelimiter(stripTabs));
      } else {
        if (c === '(') depth++;
        if (c === ')') depth--;
        this.i++;
        if (c === '\n') this.skipHeredocBodies(heredocs);
      }
    }
  }
}

const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*\+?=/;

interface Wrapper {
  /** Its options that take a separate value (`sudo -u ci`). */
  valueFlags?: readonly string[];
  /** Operands between its options and the wrapped command (`timeout 60 …`). */
  operands?: number;
}

/** Commands and keywords that run the command after them. */
const WRAPPERS: Readonly<Record<string, Wrapper>> = {
  '!': {},
  '{': {},
  if: {},
  then: {},
  else: {},
  elif: {},
  do: {},
  while: {},
  until: {},
  time: { valueFlags: ['-f', '-o'] },
  nohup: {},
  exec: { valueFlags: ['-a'] },
  command: {},
  env: { valueFlags: ['-u', '-C', '--unset', '--chdir'] },
  sudo: { valueFlags: ['-u', '-g', '-h', '-p', '-C', '-D', '-U', '-r', '-t'] },
  nice: { valueFlags: ['-n'] },
  doas: { valueFlags: ['-u', '-C'] },
  xargs: { valueFlags: ['-I', '-n', '-P', '-L', '-d', '-E', '-s', '-a', '--arg-file', '--delimiter', '--max-args', '--max-procs', '--max-lines'] },
  setsid: {},
  stdbuf: { valueFlags: ['-i', '-o', '-e'] },
  timeout: { valueFlags: ['-s', '-k', '--signal', '--kill-after'], operands: 1 },
  'xvfb-run': { valueFlags: ['-n', '-s', '-f', '-e', '-w'] },
  'cross-env': {},
  dotenv: { valueFlags: ['-e', '-c', '-v'] },
  npx: { valueFlags: ['-p', '--package'] },
  pnpx: {},
  bunx: { valueFlags: ['-p', '--package'] },
  uvx: { valueFlags: ['--from', '--with', '-p', '--python'] },
  nyc: {},
  c8: {},
};

/** Subcommands that run the command after them (`pnpm exec vitest`, `bundle exec rspec`). */
const SUBCOMMAND_WRAPPERS: Readonly<Record<string, Readonly<Record<string, Wrapper>>>> = {
  npm: { exec: { valueFlags: ['-p', '--package', '-w', '--workspace'] }, x: { valueFlags: ['-p', '--package'] } },
  pnpm: { exec: {}, dlx: {} },
  yarn: { exec: {}, dlx: { valueFlags: ['-p', '--package'] } },
  bun: { x: {} },
  uv: { run: { valueFlags: ['--with', '-p', '--python', '--package', '--group', '--extra', '--directory', '--project', '--env-file'] } },
  poetry: { run: {} },
  pipenv: { run: {} },
  pdm: { run: {} },
  bundle: { exec: {} },
};

const SHELLS = new Set(['sh', 'bash', 'zsh', 'dash', 'ksh']);

/** Simple commands with env assignments and wrappers removed; `bash -c '…'` is opened up. */
function* simpleCommands(line: string, depth = 0): Generator<SimpleCommand> {
  for (const cmd of new ShellSplitter(line).split()) {
    const words = stripPrefixes(cmd.words);
    const script = depth < 3 ? shellScript(words) : undefined;
    if (script !== undefined) yield* simpleCommands(script, depth + 1);
    else if (words.length > 0 || cmd.writes.length > 0) yield { text: cmd.text, words, writes: cmd.writes };
  }
}

/** A file a shell command line writes or deletes, as written (relative to the directory it runs in). */
export interface ShellFileWrite {
  path: string;
  change: 'modified' | 'deleted';
  /** The directory `cd` moved to before it, as written, when the line changes directory first. */
  dir?: string;
}

/** Commands that name the files they change, and how to find them among their words. */
const FILE_COMMANDS: Readonly<Record<string, (args: string[]) => ShellFileWrite[]>> = {
  tee: (args) => operands(args).map((path) => ({ path, change: 'modified' })),
  touch: (args) => operands(args, ['-d', '-r', '-t']).map((path) => ({ path, change: 'modified' })),
  rm: (args) => operands(args).map((path) => ({ path, change: 'deleted' })),
  unlink: (args) => operands(args).map((path) => ({ path, change: 'deleted' })),
  mv: (args) => {
    const files = operands(args, ['-t', '-S']);
    const target = files.pop();
    return target === undefined || files.length === 0 ? [] : [...files.map((path) => ({ path, change: 'deleted' as const })), { path: target, change: 'modified' as const }];
  },
  cp: (args) => {
    const files = operands(args, ['-t', '-S']);
    const target = files.pop();
    return target === undefined || files.length === 0 ? [] : [{ path: target, change: 'modified' }];
  },
  sed: (args) => {
    if (!args.some((a) => /^-[a-zA-Z]*i/.test(a) || a.startsWith('--in-place'))) return [];
    const scripted = args.some((a) => a === '-e' || a === '-f' || a.startsWith('--expression') || a.startsWith('--file'));
    const files = operands(args, ['-e', '-f', '--expression', '--file', '-l']);
    return (scripted ? files : files.slice(1)).map((path) => ({ path, change: 'modified' }));
  },
};

/** Words that are not options (nor the values of `valueFlags`); everything after `--` is an operand. */
function operands(args: readonly string[], valueFlags: readonly string[] = []): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '--') return [...out, ...args.slice(i + 1)];
    if (valueFlags.includes(a)) i++;
    else if (!a.startsWith('-') || a === '-') out.push(a);
  }
  return out.filter((a) => a !== '-');
}

/** Pseudo-files and whole-system paths that are never a workspace's files. */
const NOT_A_FILE = /^\/(dev|proc|sys)\//;

/**
 * The files a shell command line visibly writes or deletes: output redirections, `tee`, `touch`, `rm`,
 * `mv`, `cp`, `sed -i`. Read from the text alone, so a hook and a transcript find the same files;
 * what a program writes on its own (a build, a formatter) is not visible here.
 */
export function fileWrites(commandLine: string): ShellFileWrite[] {
  const out: ShellFileWrite[] = [];
  let dir: string | undefined;
  for (const cmd of simpleCommands(commandLine)) {
    const [first, ...args] = cmd.words;
    const name = first === undefined ? '' : commandName(first);
    if (name === 'cd') {
      const target = args.find((a) => !a.startsWith('-'));
      dir = target === undefined ? undefined : target.startsWith('/') || dir === undefined ? target : `${dir}/${target}`;
      continue;
    }
    const found = [...cmd.writes.map((path): ShellFileWrite => ({ path, change: 'modified' })), ...(own(FILE_COMMANDS, name)?.(args) ?? [])];
    for (const w of found) {
      if (w.path === '' || NOT_A_FILE.test(w.path) || /[*?$`]/.test(w.path)) continue;
      out.push(dir === undefined ? w : { ...w, dir });
    }
  }
  return out;
}

/** A simple command's words from the command it runs on: env assignments and wrappers (`sudo -u ci`, `npx`, `xargs`) dropped. */
export function stripPrefixes(words: readonly string[]): string[] {
  let rest = [...words];
  for (let next = stripOne(rest); next; next = stripOne(rest)) rest = next;
  return rest;
}

function stripOne(words: readonly string[]): string[] | undefined {
  const [first, second = ''] = words;
  if (first === undefined) return undefined;
  if (ASSIGNMENT.test(first)) return words.slice(1);
  const name = commandName(first);
  const viaSubcommand = own(SUBCOMMAND_WRAPPERS, name);
  const subWrapper = viaSubcommand && own(viaSubcommand, second);
  if (subWrapper) return skipWrapperArgs(words.slice(2), subWrapper);
  const wrapper = own(WRAPPERS, name);
  return wrapper && skipWrapperArgs(words.slice(1), wrapper);
}

function skipWrapperArgs(args: readonly string[], wrapper: Wrapper): string[] {
  let i = 0;
  while (i < args.length && args[i]?.startsWith('-') && args[i] !== '--') i += wrapper.valueFlags?.includes(args[i] ?? '') ? 2 : 1;
  if (args[i] === '--') i++;
  return args.slice(i + (wrapper.operands ?? 0));
}

/** The script of `sh -c 'script'` (also `bash -lc`, `zsh -ec` …). */
export function shellScript(words: readonly string[]): string | undefined {
  const [first, ...args] = words;
  if (first === undefined || !SHELLS.has(commandName(first))) return undefined;
  for (const [i, arg] of args.entries()) {
    if (!arg.startsWith('-')) return undefined;
    if (/^-[a-z]*c[a-z]*$/.test(arg)) return args[i + 1];
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Checks
// ---------------------------------------------------------------------------------------------

const CHECK_KINDS: ReadonlySet<string> = new Set<CheckKind>(['test', 'typecheck', 'lint', 'build']);

interface CompiledRule {
  kind: CheckKind;
  re: RegExp;
}

// Settings are re-read on every call; compiling each source once keeps that cheap.
const ruleCache = new Map<string, RegExp | null>();

function compileRules(rules: readonly CheckRule[]): CompiledRule[] {
  const out: CompiledRule[] = [];
  for (const rule of Array.isArray(rules) ? rules : []) {
    const re = ruleRegExp(rule);
    if (re) out.push({ kind: rule.kind, re });
  }
  return out;
}

/** Rules come from user settings: a malformed one is skipped, never thrown. */
function ruleRegExp(rule: CheckRule): RegExp | undefined {
  if (typeof rule?.pattern !== 'string' || rule.pattern === '' || !CHECK_KINDS.has(rule.kind)) return undefined;
  if (!ruleCache.has(rule.pattern)) {
    if (ruleCache.size >= 256) ruleCache.clear();
    ruleCache.set(rule.pattern, tryRegExp(rule.pattern));
  }
  return ruleCache.get(rule.pattern) ?? undefined;
}

function tryRegExp(source: string): RegExp | null {
  try {
    return new RegExp(source);
  } catch {
    return null;
  }
}

/** A rule matches the command as written or with its env assignments and wrappers removed. */
function ruleKind(rules: readonly CompiledRule[], cmd: SimpleCommand): CheckKind | undefined {
  const bare = cmd.words.join(' ');
  return rules.find(({ re }) => re.test(cmd.text) || re.test(bare))?.kind;
}

type KindOf = (args: readonly string[]) => CheckKind | undefined;

function toolKind(words: readonly string[]): CheckKind | undefined {
  const [first, ...args] = words;
  return first === undefined ? undefined : own(TOOLS, commandName(first))?.(args);
}

/** Script, task and target names: `test:unit`, `lint-fix`, `build_all`, `check-types`. */
const SCRIPT_KINDS: readonly (readonly [RegExp, CheckKind])[] = [
  [/^(test|tests|spec|e2e)([:_-]|$)/, 'test'],
  [/^(typecheck|type-check|tsc|check-types|check[:_-]types?|ts[:_-]check)([:_-]|$)/, 'typecheck'],
  [/^(lint|eslint|stylelint)([:_-]|$)|^(format|fmt|prettier)[:_-]check$/, 'lint'],
  [/^(build|compile)([:_-]|$)/, 'build'],
];

function scriptKind(name: string | undefined): CheckKind | undefined {
  return name === undefined ? undefined : SCRIPT_KINDS.find(([re]) => re.test(name))?.[1];
}

/** make and just targets: GNU's `check` target runs the test suite. */
function makeTargetKind(name: string): CheckKind | undefined {
  return name === 'check' ? 'test' : scriptKind(name);
}

const always =
  (kind: CheckKind): KindOf =>
  () =>
    kind;

const withFlag =
  (kind: CheckKind, ...flags: string[]): KindOf =>
  (args) =>
    args.some((a) => flags.includes(a)) ? kind : undefined;

function bySubcommand(table: Readonly<Record<string, CheckKind | KindOf>>, valueFlags: readonly string[] = []): KindOf {
  return (args) => {
    const i = firstPositionalIndex(args, valueFlags);
    const entry = i === -1 ? undefined : own(table, args[i] ?? '');
    return typeof entry === 'function' ? entry(args.slice(i + 1)) : entry;
  };
}

/** The first of several targets or goals that is a check (`make clean test`, `gradle clean build`). */
function anyTarget(kindOf: (name: string) => CheckKind | undefined, valueFlags: readonly string[] = []): KindOf {
  return (args) => {
    for (const name of positionals(args, valueFlags)) {
      const kind = kindOf(name);
      if (kind) return kind;
    }
    return undefined;
  };
}

const PM_VALUE_FLAGS: Readonly<Record<string, readonly string[]>> = {
  npm: ['--prefix', '-C', '-w', '--workspace', '--loglevel', '--registry'],
  pnpm: ['--filter', '-F', '-C', '--dir', '--loglevel', '--reporter'],
  yarn: ['--cwd'],
  bun: ['--cwd', '-c', '--config', '--filter'],
};
const RUN_SUBCOMMANDS = new Set(['run', 'run-script', 'rum', 'urn']);
const TEST_SUBCOMMANDS = new Set(['test', 't', 'tst']);

/** npm, pnpm, yarn and bun: `test`, `run <script>`, and (not npm) a script or bin named directly. */
function packageManagerKind(manager: string): KindOf {
  return (args) => {
    let pos = positionals(args, own(PM_VALUE_FLAGS, manager));
    if (manager === 'yarn' && pos[0] === 'workspace') pos = pos.slice(2);
    if (manager === 'yarn' && pos[0] === 'workspaces') pos = pos.slice(pos[1] === 'foreach' ? 2 : 1);
    const [sub, script] = pos;
    if (sub === undefined) return undefined;
    if (TEST_SUBCOMMANDS.has(sub)) return 'test';
    if (RUN_SUBCOMMANDS.has(sub)) return scriptKind(script);
    if (manager === 'npm') return undefined; // npm runs no script by its bare name
    return scriptKind(sub) ?? toolKind(args.slice(args.indexOf(sub)));
  };
}

const NODE_VALUE_FLAGS = ['-r', '--require', '--import', '--loader', '--experimental-loader', '--conditions', '-C', '--test-reporter', '--test-reporter-destination'];

/** `node --test …` and `node --run <script>`; options after the script belong to the script. */
const nodeKind: KindOf = (args) => {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (!arg.startsWith('-')) return undefined;
    if (arg === '--test') return 'test';
    if (arg === '--run') return scriptKind(args[i + 1]);
    if (arg.startsWith('--run=')) return scriptKind(arg.slice('--run='.length));
    if (NODE_VALUE_FLAGS.includes(arg)) i++;
  }
  return undefined;
};

/** `python -m <module> …` is classified like the module's own command; `manage.py test` is Django's runner. */
const pythonKind: KindOf = (args) => {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === '-m' || /^-m\w/.test(arg)) {
      const module = arg === '-m' ? args[i + 1] : arg.slice(2);
      const rest = args.slice(arg === '-m' ? i + 2 : i + 1);
      return module === 'unittest' ? 'test' : toolKind([module ?? '', ...rest]);
    }
    if (arg === '-c') return undefined;
    if (!arg.startsWith('-')) return commandName(arg) === 'manage.py' && args[i + 1] === 'test' ? 'test' : undefined;
    if (arg === '-X' || arg === '-W') i++;
  }
  return undefined;
};

const TSC_META_FLAGS = new Set(['--init', '--version', '-v', '--help', '-h', '--all', '--showconfig', '--listfilesonly']);

/** tsc with --noEmit only typechecks; otherwise it emits, so it is a build. */
const tscKind: KindOf = (args) => {
  const flags = args.map((a) => a.toLowerCase());
  if (flags.some((f) => TSC_META_FLAGS.has(f))) return undefined;
  return flags.includes('--noemit') || flags.includes('--noemit=true') ? 'typecheck' : 'build';
};

/** `ruff check`, legacy `ruff <path>`, and `ruff format --check`. */
const ruffKind: KindOf = (args) => {
  const sub = positionals(args)[0];
  if (sub === 'format') return args.includes('--check') ? 'lint' : undefined;
  return sub === 'check' || (sub !== undefined && /[./\\]/.test(sub)) ? 'lint' : undefined;
};

const cargoSubcommands = bySubcommand({
  test: 'test',
  t: 'test',
  nextest: 'test',
  clippy: 'lint',
  fmt: withFlag('lint', '--check'),
  check: 'typecheck',
  c: 'typecheck',
  build: 'build',
  b: 'build',
});
const cargoKind: KindOf = (args) => cargoSubcommands(args.filter((a) => !a.startsWith('+'))); // `cargo +nightly test`

const MAVEN_GOALS: Readonly<Record<string, CheckKind>> = {
  test: 'test',
  verify: 'test',
  'integration-test': 'test',
  compile: 'build',
  package: 'build',
  install: 'build',
  'checkstyle:check': 'lint',
  'spotless:check': 'lint',
  'pmd:check': 'lint',
};
const MAVEN_VALUE_FLAGS = ['-pl', '--projects', '-f', '--file', '-s', '--settings', '-P', '--activate-profiles', '-T', '--threads', '-rf', '--resume-from'];

/** Gradle task names, after any `:project:` path. */
function gradleTaskKind(task: string): CheckKind | undefined {
  const name = task.slice(task.lastIndexOf(':') + 1);
  if (/^(test\w*|check|connected\w*Test|integrationTest)$/.test(name)) return 'test';
  if (/^(lint\w*|ktlintCheck|detekt|spotlessCheck|checkstyle\w*)$/.test(name)) return 'lint';
  if (/^(build|assemble\w*|bundle\w*)$/.test(name)) return 'build';
  return undefined;
}
const GRADLE_VALUE_FLAGS = ['-p', '--project-dir', '-b', '--build-file', '-c', '-x', '--exclude-task', '-I', '--init-script'];

const MAKE_VALUE_FLAGS = ['-C', '--directory', '-f', '--file', '-I', '-o', '-W'];

const NX_VALUE_FLAGS = ['-t', '--target', '--targets', '-p', '--projects', '-c', '--configuration', '--base', '--head', '--exclude'];

/** `nx test app`, `nx run app:test`, `nx run-many -t test`, `nx affected --target=lint`. */
const nxKind: KindOf = (args) => {
  const [sub, target] = positionals(args, NX_VALUE_FLAGS);
  if (sub === 'run') return scriptKind(target?.split(':')[1]);
  if (sub === 'run-many' || sub === 'affected') return scriptKind(optionValue(args, ['-t', '--target', '--targets'])?.split(',')[0]);
  return scriptKind(sub);
};

/** `turbo run test`, `turbo lint build`, `turbo run web#test`. */
const turboKind = anyTarget((task) => scriptKind(task.slice(task.indexOf('#') + 1)), ['--filter', '-F', '--concurrency']);

/** `php artisan test`, `php vendor/bin/phpunit`: the script decides. */
const phpKind: KindOf = (args) => {
  const i = firstPositionalIndex(args, ['-d', '-c']);
  return i === -1 ? undefined : toolKind(args.slice(i));
};

const webpackKind: KindOf = (args) => {
  const sub = positionals(args)[0];
  return sub === 'serve' || sub === 'watch' || args.includes('--watch') ? undefined : 'build';
};

/** Known commands, by lower-cased base name (`./node_modules/.bin/jest`, `gradlew.bat`). */
const TOOLS: Readonly<Record<string, KindOf>> = {
  npm: packageManagerKind('npm'),
  pnpm: packageManagerKind('pnpm'),
  yarn: packageManagerKind('yarn'),
  bun: packageManagerKind('bun'),
  node: nodeKind,
  deno: bySubcommand({
    test: 'test',
    lint: 'lint',
    check: 'typecheck',
    fmt: withFlag('lint', '--check'),
    task: (args) => scriptKind(positionals(args)[0]),
  }),

  vitest: always('test'),
  jest: always('test'),
  mocha: always('test'),
  ava: always('test'),
  tap: always('test'),
  jasmine: always('test'),
  karma: always('test'),
  playwright: bySubcommand({ test: 'test' }),
  cypress: bySubcommand({ run: 'test' }),

  tsc: tscKind,
  'vue-tsc': tscKind,
  tsgo: tscKind,
  'svelte-check': always('typecheck'),
  eslint: always('lint'),
  stylelint: always('lint'),
  prettier: withFlag('lint', '--check', '-c', '--list-different', '-l'),
  biome: bySubcommand({ check: 'lint', lint: 'lint', ci: 'lint' }),

  turbo: turboKind,
  nx: nxKind,
  lerna: bySubcommand({ run: anyTarget(scriptKind) }),
  ng: bySubcommand({ test: 'test', t: 'test', e2e: 'test', e: 'test', lint: 'lint', build: 'build', b: 'build' }),
  vite: bySubcommand({ build: 'build' }),
  next: bySubcommand({ build: 'build', lint: 'lint' }),
  nuxt: bySubcommand({ build: 'build' }),
  nuxi: bySubcommand({ build: 'build' }),
  astro: bySubcommand({ build: 'build', check: 'typecheck' }),
  webpack: webpackKind,
  rollup: always('build'),
  tsup: always('build'),
  esbuild: always('build'),

  python: pythonKind,
  py: pythonKind,
  coverage: bySubcommand({ run: pythonKind }),
  pytest: always('test'),
  'py.test': always('test'),
  tox: always('test'),
  nox: always('test'),
  ruff: ruffKind,
  flake8: always('lint'),
  pylint: always('lint'),
  black: withFlag('lint', '--check'),
  isort: withFlag('lint', '--check', '--check-only', '-c'),
  mypy: always('typecheck'),
  pyright: always('typecheck'),
  basedpyright: always('typecheck'),

  go: bySubcommand({ test: 'test', vet: 'lint', build: 'build' }),
  'golangci-lint': always('lint'),
  staticcheck: always('lint'),
  cargo: cargoKind,
  shellcheck: always('lint'),

  rspec: always('test'),
  rake: anyTarget((t) => (/^(test|spec)(:|$)/.test(t) ? 'test' : undefined)),
  rails: anyTarget((t) => (/^(test|spec)(:|$)/.test(t) ? 'test' : undefined)),
  rubocop: always('lint'),

  php: phpKind,
  artisan: bySubcommand({ test: 'test' }),
  phpunit: always('test'),
  pest: always('test'),

  mvn: anyTarget((goal) => own(MAVEN_GOALS, goal), MAVEN_VALUE_FLAGS),
  mvnw: anyTarget((goal) => own(MAVEN_GOALS, goal), MAVEN_VALUE_FLAGS),
  gradle: anyTarget(gradleTaskKind, GRADLE_VALUE_FLAGS),
  gradlew: anyTarget(gradleTaskKind, GRADLE_VALUE_FLAGS),
  dotnet: bySubcommand({ test: 'test', build: 'build', format: withFlag('lint', '--verify-no-changes') }),
  swift: bySubcommand({ test: 'test', build: 'build' }),

  make: anyTarget(makeTargetKind, MAKE_VALUE_FLAGS),
  gmake: anyTarget(makeTargetKind, MAKE_VALUE_FLAGS),
  just: anyTarget(makeTargetKind, ['-f', '--justfile', '-d', '--working-directory']),
};

// ---------------------------------------------------------------------------------------------
// Dependency commands
// ---------------------------------------------------------------------------------------------

type ManagerActions = Readonly<Record<DependencyAction, readonly string[]>>;

interface ManagerSpec {
  /** The subcommands, one word or two (`mod tidy`, `pip install`), of each action. */
  actions: ManagerActions;
  valueFlags?: readonly string[];
  /** What the manager does when given no subcommand (`yarn`, `bundle`). */
  bare?: DependencyAction;
  /** Options that turn an install into an update (`pip install -U`). */
  upgradeFlags?: readonly string[];
  /** A leading word that scopes the command and takes one value (`yarn workspace web add x`). */
  scope?: string;
}

const NPM_INSTALL = ['install', 'i', 'in', 'ins', 'inst', 'insta', 'instal', 'isnt', 'isnta', 'isntal', 'isntall', 'add', 'ci', 'clean-install', 'ic', 'install-clean', 'isntall-clean', 'install-test', 'it'];
const NPM_REMOVE = ['uninstall', 'unlink', 'remove', 'rm', 'r', 'un'];
const NPM_UPDATE = ['update', 'up', 'upgrade', 'udpate'];

/** Later actions win where a subcommand is listed twice, as they are tried first. */
const ACTION_ORDER: readonly DependencyAction[] = ['update', 'remove', 'install', 'add'];

/**
 * The action a subcommand takes. Looked up in the lists as written: turning them into one object per manager
 * cost the hook, a process per tool call, half a millisecond before its first command.
 */
function actionOf(actions: ManagerActions, sub: string): DependencyAction | undefined {
  return ACTION_ORDER.find((action) => actions[action].includes(sub));
}

const PIP_VALUE_FLAGS = ['-r', '--requirement', '-c', '--constraint', '-e', '--editable', '-i', '--index-url', '--extra-index-url', '-f', '--find-links', '-t', '--target', '--prefix', '--root', '--trusted-host', '--python-version', '--platform', '--src'];

const MANAGERS: Readonly<Record<string, ManagerSpec>> = {
  npm: {
    actions: { add: [], install: NPM_INSTALL, remove: NPM_REMOVE, update: NPM_UPDATE },
    valueFlags: ['--prefix', '-C', '-w', '--workspace', '--registry', '--cache', '--tag', '--omit', '--include', '--loglevel'],
  },
  pnpm: {
    actions: { add: ['add'], install: ['install', 'i'], remove: ['remove', 'rm', 'uninstall', 'un'], update: ['update', 'up', 'upgrade'] },
    valueFlags: ['--filter', '-F', '-C', '--dir', '--registry', '--reporter'],
  },
  yarn: {
    actions: { add: ['add', 'global add'], install: ['install'], remove: ['remove', 'global remove'], update: ['upgrade', 'up', 'upgrade-interactive'] },
    valueFlags: ['--cwd', '--registry'],
    bare: 'install',
    scope: 'workspace',
  },
  bun: {
    actions: { add: ['add', 'a'], install: ['install', 'i'], remove: ['remove', 'rm'], update: ['update'] },
    valueFlags: ['--cwd', '-c', '--config', '--registry'],
  },
  pip: {
    actions: { add: [], install: ['install'], remove: ['uninstall'], update: [] },
    valueFlags: PIP_VALUE_FLAGS,
    upgradeFlags: ['-U', '--upgrade'],
  },
  uv: {
    actions: { add: ['add'], install: ['sync', 'pip install', 'pip sync'], remove: ['remove', 'pip uninstall'], update: [] },
    valueFlags: [...PIP_VALUE_FLAGS, '--group', '--optional', '--extra', '--package', '-p', '--python', '--index', '--default-index', '--directory', '--project', '--rev', '--tag', '--branch'],
    upgradeFlags: ['-U', '--upgrade'],
  },
  poetry: {
    actions: { add: ['add'], install: ['install'], remove: ['remove'], update: ['update'] },
    valueFlags: ['--group', '-G', '-E', '--extras', '--source', '--python', '-C', '--directory'],
  },
  pipenv: {
    actions: { add: [], install: ['install', 'sync'], remove: ['uninstall'], update: ['update', 'upgrade'] },
    valueFlags: ['-r', '--requirements', '--python', '--categories'],
  },
  cargo: {
    actions: { add: ['add'], install: ['install'], remove: ['remove', 'rm'], update: ['update'] },
    valueFlags: ['-p', '--package', '-F', '--features', '--rename', '--path', '--git', '--branch', '--tag', '--rev', '--registry', '--manifest-path', '--target', '--precise', '--version', '--root'],
  },
  go: {
    actions: { add: ['get'], install: ['mod tidy', 'mod download'], remove: [], update: [] },
    upgradeFlags: ['-u'],
  },
  gem: {
    actions: { add: [], install: ['install', 'i'], remove: ['uninstall'], update: ['update'] },
    valueFlags: ['-v', '--version', '-i', '--install-dir', '-s', '--source', '-n', '--bindir'],
  },
  bundle: {
    actions: { add: ['add'], install: ['install'], remove: ['remove'], update: ['update'] },
    valueFlags: ['-v', '--version', '-g', '--group', '--source', '--git', '--branch', '--path', '--gemfile'],
    bare: 'install',
  },
  composer: {
    actions: { add: ['require', 'req'], install: ['install', 'i'], remove: ['remove'], update: ['update', 'u', 'upgrade'] },
    valueFlags: ['-d', '--working-dir'],
  },
  dotnet: {
    actions: { add: ['add package'], install: ['restore'], remove: ['remove package'], update: [] },
    valueFlags: ['-v', '--version', '-f', '--framework', '-s', '--source', '--package-directory'],
  },
  deno: {
    actions: { add: ['add'], install: ['install', 'i'], remove: ['remove'], update: [] },
  },
  swift: {
    actions: { add: [], install: ['package resolve'], remove: [], update: ['package update'] },
  },
};

function dependencyOf(words: readonly string[]): DependencyCommand | undefined {
  const [manager, args] = managerInvocation(words);
  const spec = own(MANAGERS, manager);
  if (!spec) return undefined;
  let pos = positionals(args, spec.valueFlags);
  if (spec.scope !== undefined && pos[0] === spec.scope) pos = pos.slice(2);
  const found = matchAction(spec, pos);
  if (!found) return undefined;
  const packages = pos.slice(found.used);
  return { manager, action: refineAction(spec, found.action, args, packages), packages };
}

/** `python -m pip …` is pip. */
function managerInvocation(words: readonly string[]): [string, string[]] {
  const name = commandName(words[0] ?? '');
  const args = words.slice(1);
  if (name === 'python' && args[0] === '-m' && commandName(args[1] ?? '') === 'pip') return ['pip', args.slice(2)];
  return [name, args];
}

function matchAction(spec: ManagerSpec, pos: readonly string[]): { action: DependencyAction; used: number } | undefined {
  if (pos.length === 0) return spec.bare && { action: spec.bare, used: 0 };
  const two = pos.length >= 2 ? actionOf(spec.actions, `${pos[0]} ${pos[1]}`) : undefined;
  if (two) return { action: two, used: 2 };
  const one = actionOf(spec.actions, pos[0] ?? '');
  return one && { action: one, used: 1 };
}

/** Installing named packages adds them; an upgrade flag makes it an update. */
function refineAction(spec: ManagerSpec, action: DependencyAction, args: readonly string[], packages: readonly string[]): DependencyAction {
  if (action !== 'install' && action !== 'add') return action;
  if (args.some((a) => spec.upgradeFlags?.includes(a.split('=')[0] ?? ''))) return 'update';
  return action === 'install' && packages.length > 0 ? 'add' : action;
}

// ---------------------------------------------------------------------------------------------
// Changed files
// ---------------------------------------------------------------------------------------------

interface PathParts {
  /** Lower-cased file name. */
  base: string;
  /** Lower-cased folder names, outermost first. */
  dirs: readonly string[];
}

function pathParts(path: string): PathParts | undefined {
  const segments = path.toLowerCase().split(/[\\/]+/).filter((s) => s !== '' && s !== '.');
  const base = segments.pop();
  return base === undefined ? undefined : { base, dirs: segments };
}

// Installed or vendored copies of other projects' files are not this project's dependencies or config.
const THIRD_PARTY_DIRS = new Set(['node_modules', 'bower_components', '.venv', 'venv', 'site-packages', 'vendor', '.git']);

function isThirdParty(p: PathParts): boolean {
  return p.dirs.some((d) => THIRD_PARTY_DIRS.has(d));
}

const LOCKFILES = new Set([
  'package-lock.json',
  'npm-shrinkwrap.json',
  'yarn.lock',
  'pnpm-lock.yaml',
  'bun.lockb',
  'bun.lock',
  'pipfile.lock',
  'poetry.lock',
  'uv.lock',
  'pdm.lock',
  'go.sum',
  'cargo.lock',
  'gemfile.lock',
  'composer.lock',
  'packages.lock.json',
  'package.resolved',
]);

const MANIFESTS = new Set([
  'package.json',
  'pipfile',
  'pyproject.toml',
  'go.mod',
  'cargo.toml',
  'gemfile',
  'composer.json',
  'pom.xml',
  'build.gradle',
  'build.gradle.kts',
  'libs.versions.toml',
  'package.swift',
  'directory.packages.props',
]);

function isManifest(p: PathParts): boolean {
  return (
    MANIFESTS.has(p.base) ||
    /^requirements.*\.(txt|in)$/.test(p.base) ||
    /\.(cs|fs|vb)proj$|\.gemspec$/.test(p.base) ||
    (p.dirs.at(-1) === 'requirements' && p.base.endsWith('.txt')) // requirements/dev.txt
  );
}

const CI_FILES = new Set(['.gitlab-ci.yml', '.gitlab-ci.yaml', '.travis.yml', 'bitbucket-pipelines.yml', '.drone.yml', 'appveyor.yml', '.appveyor.yml']);
const INFRA_FILES = new Set(['.terraform.lock.hcl', 'terragrunt.hcl', 'chart.yaml', 'fly.toml', 'vercel.json', 'netlify.toml', 'wrangler.toml', 'wrangler.json', 'wrangler.jsonc', 'render.yaml', 'procfile', 'cdk.json']);
const INFRA_DIRS = new Set(['k8s', 'kubernetes', 'helm']);
const LINT_FILES = new Set([
  '.eslintignore',
  '.prettierignore',
  'ruff.toml',
  '.ruff.toml',
  '.flake8',
  '.pylintrc',
  'pylintrc',
  'mypy.ini',
  '.mypy.ini',
  '.rubocop.yml',
  'rustfmt.toml',
  '.rustfmt.toml',
  'clippy.toml',
  '.clippy.toml',
  '.pre-commit-config.yaml',
  '.swiftlint.yml',
]);
const EDITOR_DIRS = new Set(['.vscode', '.idea', '.devcontainer', '.zed']);
const BUILD_FILES = new Set(['makefile', 'gnumakefile', 'justfile', 'cmakelists.txt', 'turbo.json', 'nx.json', '.swcrc', '.npmrc', '.yarnrc', '.yarnrc.yml', '.nvmrc', '.node-version', 'rust-toolchain.toml']);
const BUILD_TOOLS = /^(webpack|vite|vitest|rollup|rolldown|esbuild|babel|tsup|rspack|jest|playwright|cypress|karma|next|nuxt|svelte|astro|postcss|tailwind)\./;

const inDirs = (p: PathParts, names: ReadonlySet<string>): boolean => [...p.dirs, p.base].some((d) => names.has(d));
const isManifestLike = (base: string): boolean => /\.(ya?ml|json|tpl)$/.test(base); // Helm templates are .tpl

/** Tried in order: the first match names the category. */
const CONFIG_RULES: readonly (readonly [ConfigCategory, (p: PathParts) => boolean])[] = [
  [
    'ci',
    (p) =>
      [...p.dirs, p.base].some((d, i, all) => d === '.github' && all[i + 1] === 'workflows') ||
      CI_FILES.has(p.base) ||
      /^azure-pipelines.*\.ya?ml$/.test(p.base) ||
      p.base.startsWith('jenkinsfile') ||
      inDirs(p, new Set(['.circleci', '.buildkite'])),
  ],
  ['typescript', (p) => /^[tj]sconfig.*\.json$/.test(p.base)],
  ['env', (p) => p.base === '.env' || p.base.startsWith('.env.') || p.base === '.envrc' || p.base.endsWith('.env')],
  [
    'docker',
    (p) =>
      (/^dockerfile([.-]|$)/.test(p.base) && !/\.(md|txt|rst)$/.test(p.base)) ||
      p.base.endsWith('.dockerfile') ||
      p.base === '.dockerignore' ||
      /^docker-compose.*\.ya?ml$/.test(p.base) ||
      /^compose(\..+)?\.ya?ml$/.test(p.base),
  ],
  [
    'infra',
    (p) =>
      /\.(tf|tfvars|tf\.json)$/.test(p.base) ||
      INFRA_FILES.has(p.base) ||
      /^(kustomization|pulumi(\..+)?)\.ya?ml$/.test(p.base) ||
      /^serverless\.(ya?ml|json|ts|js)$/.test(p.base) ||
      (isManifestLike(p.base) && p.dirs.some((d) => INFRA_DIRS.has(d))),
  ],
  [
    'lint',
    (p) =>
      LINT_FILES.has(p.base) ||
      /^\.(eslintrc|prettierrc|stylelintrc|markdownlint)/.test(p.base) ||
      /^(eslint|prettier|stylelint)\.config\./.test(p.base) ||
      /^biome\.jsonc?$/.test(p.base) ||
      /^\.golangci\.(ya?ml|toml|json)$/.test(p.base),
  ],
  ['editor', (p) => p.base === '.editorconfig' || p.base.endsWith('.code-workspace') || inDirs(p, EDITOR_DIRS)],
  [
    'build',
    (p) =>
      BUILD_FILES.has(p.base) ||
      p.base.endsWith('.mk') ||
      p.base.startsWith('.babelrc') ||
      (BUILD_TOOLS.test(p.base) && p.base.includes('.config.')) ||
      /^esbuild\.(c|m)?[jt]s$/.test(p.base), // a bare esbuild.mjs is the usual esbuild build script
  ],
];

// ---------------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------------

/** Own properties only, so a command named `constructor` finds nothing. */
function own<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

/** The lower-cased base name of a command, without Windows extensions or Python version suffixes. */
function commandName(word: string): string {
  const base = word.slice(Math.max(word.lastIndexOf('/'), word.lastIndexOf('\\')) + 1).toLowerCase();
  return base.replace(/\.(exe|cmd|bat|ps1)$/, '').replace(/^(python|pip)[\d.]+$/, '$1');
}

/** Arguments that are not options or option values; everything after `--` counts. */
function positionals(args: readonly string[], valueFlags: readonly string[] = []): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === '--') return out.concat(args.slice(i + 1));
    if (!arg.startsWith('-') || arg === '-') out.push(arg);
    else if (valueFlags.includes(arg)) i++;
  }
  return out;
}

function firstPositionalIndex(args: readonly string[], valueFlags: readonly string[] = []): number {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === '--') return i + 1 < args.length ? i + 1 : -1;
    if (!arg.startsWith('-')) return i;
    if (valueFlags.includes(arg)) i++;
  }
  return -1;
}

/** The value of `--name value` or `--name=value`. */
function optionValue(args: readonly string[], names: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (names.includes(arg)) return args[i + 1];
    const eq = arg.indexOf('=');
    if (eq > 0 && names.includes(arg.slice(0, eq))) return arg.slice(eq + 1);
  }
  return undefined;
}
