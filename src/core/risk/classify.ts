// Which changed files are risky, in which categories, and by which rule. A policy is compiled once: each
// category's globs become one regular expression and its content patterns one more, so a 2,000-file change
// costs a few regex tests per file and per added line; the individual rule is looked up only on a match.
import { globSource } from '../capture/task';
import { defaultGlobWords, defaultPatternWords } from './defaultPolicyWords';
import { globTester, globWords } from './globMatch';
import { SOURCE_FILES } from './policy';
import { requiredLiterals, type Needed } from './requiredLiterals';
import type { Policy, RiskMatch, RiskyFile } from './types';

export interface AddedLine {
  /** 1-based line in the new file. */
  line: number;
  text: string;
}

export interface ChangedFile {
  /** Repository-relative, forward slashes. */
  path: string;
  change: RiskyFile['change'];
  /** The path before a rename. */
  oldPath?: string;
  /** Lines the change adds (every line of a new file); empty for a deletion or a binary file. */
  added: AddedLine[];
  /**
   * For a file every line of which counts as added (untracked, or read from disk): its text, whose lines are
   * `added`. Content rules scan it whole rather than line by line.
   */
  text?: string;
  binary?: boolean;
}

/** `text`'s lines, numbered from 1: split at line breaks, a trailing CR dropped, no empty line after a final break. */
function linesOf(text: string): AddedLine[] {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines.map((t, i) => ({ line: i + 1, text: t.endsWith('\r') ? t.slice(0, -1) : t }));
}

/** A file every line of which counts as added: its lines are made only when asked for. */
export function addedWhole(path: string, change: ChangedFile['change'], text: string, binary?: boolean): ChangedFile {
  let lines: AddedLine[] | undefined;
  return {
    path,
    change,
    text,
    binary,
    get added(): AddedLine[] {
      return (lines ??= linesOf(text));
    },
  };
}

/** At most this many content matches are kept per category and file: enough to point at, not a copy of the file. */
const MAX_CONTENT_MATCHES = 10;
/** Longer lines are minified or data: their content is not read. */
const MAX_LINE = 2000;
/** From this many added lines, a file's content is scanned as one text (a regex run per category, not per line). */
const SCAN_WHOLE_FROM = 16;

/** What a policy's path rules are turned into: a regular expression, or (for one file) a glob matcher. */
export interface PathTester {
  test(path: string): boolean;
}

/**
 * One rule as written, its own tester built when first asked for: only to name the rule of a category that
 * matched (the category's combined tester decides whether one does). Built up front, the default policy's
 * hundreds of rules cost `flightdeck risk`, run on every save, milliseconds of pattern parsing for nothing.
 */
class Rule<T extends PathTester> {
  private built: T | undefined;
  constructor(
    readonly text: string,
    private readonly make: (text: string) => T,
  ) {}

  get re(): T {
    return (this.built ??= this.make(this.text));
  }
}
const contentRe = (pattern: string): RegExp => new RegExp(pattern, 'i');

/** A category's content patterns, each combined expression built when first used. */
class ContentRules {
  readonly rules: Rule<RegExp>[];
  private anyBuilt: RegExp | undefined;
  private textBuilt: RegExp | null | undefined;

  /** Words one of which any match of any rule contains (see requiredLiterals.ts); undefined: always ask the expressions. */
  readonly needed: Needed;

  constructor(
    private readonly patterns: string[],
    /** Each rule's words, when the rules are first looked for by their words. */
    readonly words?: readonly Needed[],
  ) {
    this.rules = patterns.map((p) => new Rule(p, contentRe));
    this.needed = words && words.length && words.every((w) => w !== undefined) ? [...new Set((words as (readonly string[])[]).flat())] : undefined;
  }

  /** Whether a text (in lower case) holds one of `words` (by default any rule's): without one, no rule can match it. */
  mayMatch(lower: string, words: Needed = this.needed): boolean {
    return !words || words.some((w) => lower.includes(w));
  }

  get any(): RegExp | undefined {
    return this.patterns.length ? (this.anyBuilt ??= anyOf(this.patterns, (p) => p)) : undefined;
  }

  /**
   * The same over a whole text (multiline, global): it finds the lines worth testing one by one. Undefined when a
   * rule has a negative lookaround, which a neighbouring line break could turn from a match into none.
   */
  get anyText(): RegExp | undefined {
    if (this.textBuilt === undefined) {
      this.textBuilt = this.patterns.some((p) => NEGATIVE_LOOKAROUND.test(p)) ? null : (anyOf(this.patterns, (p) => p, 'gim') ?? null);
    }
    return this.textBuilt ?? undefined;
  }
}

interface CompiledCategory {
  id: string;
  paths: Rule<PathTester>[];
  anyPath: PathTester | undefined;
  content: ContentRules;
  contentPaths: PathTester;
  exclude: PathTester | undefined;
}

export interface CompiledPolicy {
  ignore: PathTester | undefined;
  categories: CompiledCategory[];
}

/** A glob without a "/" matches a file name at any depth, as in .gitignore. */
const anchored = (glob: string): string => {
  const g = glob.trim().replace(/^\.\//, '');
  return g.includes('/') ? g : `**/${g}`;
};
// A leading "**/" is "at the start or after a /": no `^(?:.*/)?` to backtrack through for every alternative.
const pathSource = (glob: string): string => {
  const g = anchored(glob);
  return g.startsWith('**/') ? `(?:^|/)${globSource(g.slice(3))}$` : `^${globSource(g)}$`;
};
const globRe = (glob: string): RegExp => new RegExp(pathSource(glob), 'i');
const anyOf = (sources: string[], wrap: (s: string) => string, flags = 'i'): RegExp | undefined =>
  sources.length ? new RegExp(sources.map((s) => `(?:${wrap(s)})`).join('|'), flags) : undefined;
const NEGATIVE_LOOKAROUND = /\(\?<?!/;
const anyGlob = (globs: string[]): RegExp | undefined => anyOf(globs, pathSource);

/** The last path lowered: every glob of a policy looks for its words in the same one. */
let lastPath = '';
let lastLowered = '';
const lowered = (path: string): string => (path === lastPath ? lastLowered : ((lastPath = path), (lastLowered = path.toLowerCase())));

/** Known ahead for the default policy's rules (defaultPolicyWords.ts); read out of any other rule when first needed. */
function wordsFrom(table: Readonly<Record<string, readonly string[] | null>>, rule: string, read: (rule: string) => Needed): Needed {
  return Object.hasOwn(table, rule) ? table[rule] ?? undefined : read(rule);
}
let globTable: Readonly<Record<string, readonly string[] | null>> | undefined;
let patternTable: Readonly<Record<string, readonly string[] | null>> | undefined;

/**
 * One glob as a matcher: a path without any of its words is no match, and the glob is read only for a path with
 * one (a glob the matcher leaves to its expression gets that).
 */
function globMatcher(glob: string): PathTester {
  const words = wordsFrom((globTable ??= defaultGlobWords()), glob, globWords);
  let tester: PathTester | undefined;
  return {
    test(path: string): boolean {
      if (words && !words.some((w) => lowered(path).includes(w))) return false;
      return (tester ??= globTester(glob) ?? globRe(glob)).test(path);
    },
  };
}
/** Any of the globs, by matcher. */
function anyGlobMatcher(globs: string[]): PathTester | undefined {
  if (!globs.length) return undefined;
  const testers = globs.map(globMatcher);
  return { test: (path) => testers.some((t) => t.test(path)) };
}
const contentWords = (patterns: string[]): Needed[] => patterns.map((p) => wordsFrom((patternTable ??= defaultPatternWords()), p, requiredLiterals));

/** How a policy's rules are tested: paths by expressions (many files), or by glob matchers and words (a file or two). */
interface Matching {
  one: (glob: string) => PathTester;
  any: (globs: string[]) => PathTester | undefined;
  /** Content patterns are first looked for by their words. */
  byWords: boolean;
}
const MANY_FILES: Matching = { one: globRe, any: anyGlob, byWords: false };
const FEW_FILES: Matching = { one: globMatcher, any: anyGlobMatcher, byWords: true };

const cache = new WeakMap<Policy, CompiledPolicy>();
const fewCache = new WeakMap<Policy, CompiledPolicy>();

function compileWith(policy: Policy, how: Matching): CompiledPolicy {
  // One object for the same rules in several categories (their content paths, their excludes): a file tests it once.
  const shared = new Map<string, PathTester | undefined>();
  const sharedAny = (globs: string[]): PathTester | undefined => {
    const key = globs.join('\n');
    if (!shared.has(key)) shared.set(key, how.any(globs));
    return shared.get(key);
  };
  return {
    ignore: how.any(policy.ignore),
    categories: policy.categories.map((c) => ({
      id: c.id,
      paths: c.paths.map((g) => new Rule(g, how.one)),
      anyPath: how.any(c.paths),
      content: new ContentRules(c.content, how.byWords ? contentWords(c.content) : undefined),
      contentPaths: sharedAny(c.contentPaths ?? SOURCE_FILES) as PathTester,
      exclude: sharedAny(c.exclude),
    })),
  };
}

/** The policy's rules as regular expressions, compiled once per policy object: for many files. */
export function compilePolicy(policy: Policy): CompiledPolicy {
  let compiled = cache.get(policy);
  if (!compiled) cache.set(policy, (compiled = compileWith(policy, MANY_FILES)));
  return compiled;
}

/**
 * The same rules for classifying a file or two (the hook, on an edit): paths by glob matchers, content patterns
 * only where their words occur. V8 compiling the policy's large expressions is then paid only for a category whose
 * words are in the text. Classifies exactly as compilePolicy's expressions do.
 */
export function compilePolicyForFewFiles(policy: Policy): CompiledPolicy {
  let compiled = fewCache.get(policy);
  if (!compiled) fewCache.set(policy, (compiled = compileWith(policy, FEW_FILES)));
  return compiled;
}

function pathMatch(c: CompiledCategory, path: string): RiskMatch | undefined {
  if (!c.anyPath?.test(path)) return undefined;
  const rule = c.paths.find((r) => r.re.test(path));
  return { category: c.id, rule: `path ${rule?.text ?? c.paths[0]?.text}` };
}

/** The match on one line, when one of `c`'s content rules matches it. */
/** `any`: the category's rules in one expression, tried first (many files); without it each rule is tried by its words. */
function lineMatch(c: CompiledCategory, any: RegExp | undefined, text: string, line: number): RiskMatch | undefined {
  if (text.length > MAX_LINE) return undefined;
  const { content } = c;
  // By their words first (a file or two): an expression is compiled only for a line that could match it.
  const lower = content.words ? text.toLowerCase() : '';
  if (!content.mayMatch(lower) || (any && !any.test(text))) return undefined;
  const rule = content.rules.find((r, i) => content.mayMatch(lower, content.words?.[i]) && r.re.test(text));
  if (!rule && !any) return undefined;
  const found = (rule ? rule.re.exec(text)?.[0] : undefined) ?? '';
  return { category: c.id, rule: `content /${rule?.text ?? ''}/`, line, match: found.slice(0, 80) };
}

/**
 * The lines of `text` (0-based, with where each starts and ends) where `scan` finds a match, in order, until `take`
 * says stop. A match found across a line break only names its first line: each is tested on its own by the caller.
 * `wholeFile`: the text ends with its last line's break, after which there is no line.
 */
function candidateLines(scan: RegExp, text: string, wholeFile: boolean, take: (index: number, start: number, end: number) => boolean): void {
  let index = 0;
  let counted = 0;
  scan.lastIndex = 0;
  for (let m = scan.exec(text); m; m = scan.exec(text)) {
    const start = m.index === 0 ? 0 : text.lastIndexOf('\n', m.index - 1) + 1;
    if (wholeFile && start >= text.length) break;
    for (let i = text.indexOf('\n', counted); i !== -1 && i < start; i = text.indexOf('\n', i + 1)) index++;
    counted = start;
    let end = text.indexOf('\n', m.index);
    if (end === -1) end = text.length;
    if (!take(index, start, end)) break;
    scan.lastIndex = end + 1;
  }
  scan.lastIndex = 0;
}

/** `lower` gives the file's added text in lower case, for the words a category's patterns need. */
function contentMatches(c: CompiledCategory, f: ChangedFile, lower: () => string): RiskMatch[] {
  const out: RiskMatch[] = [];
  if (c.content.needed && !c.content.mayMatch(lower())) return out;
  const keep = (m: RiskMatch | undefined): boolean => {
    if (m) out.push(m);
    return out.length < MAX_CONTENT_MATCHES;
  };
  if (c.content.words) {
    // A file or two: line by line, each rule's expression built only for a line holding one of its words.
    for (const l of f.added) if (!keep(lineMatch(c, undefined, l.text, l.line))) break;
    return out;
  }
  const any = c.content.any;
  if (!any) return out;
  const scan = c.content.anyText;
  if (scan && f.text !== undefined) {
    const text = f.text;
    candidateLines(scan, text, true, (index, start, end) => keep(lineMatch(c, any, text.slice(start, text.charCodeAt(end - 1) === 13 ? end - 1 : end), index + 1)));
    return out;
  }
  const added = f.added;
  if (scan && added.length >= SCAN_WHOLE_FROM) {
    candidateLines(scan, added.map((l) => l.text).join('\n'), false, (index) => keep(lineMatch(c, any, (added[index] as AddedLine).text, (added[index] as AddedLine).line)));
    return out;
  }
  for (const l of added) if (!keep(lineMatch(c, any, l.text, l.line))) break;
  return out;
}

/** The file's categories and the rules that put it there, or undefined when it is not risky under `compiled`. */
export function riskOf(compiled: CompiledPolicy, f: ChangedFile): RiskyFile | undefined {
  const oldPath = f.oldPath !== undefined && f.oldPath !== f.path && !compiled.ignore?.test(f.oldPath) ? f.oldPath : undefined;
  const newPath = compiled.ignore?.test(f.path) ? undefined : f.path;
  if (newPath === undefined && oldPath === undefined) return undefined;
  const hasContent = !f.binary && (f.text !== undefined ? f.text.length > 0 : f.added.length > 0);
  // Categories mostly share their content paths (source files) and excludes: each tested once per file.
  let sourceRe: PathTester | undefined;
  let isSource = false;
  let excludeRe: PathTester | undefined;
  let inNew = newPath !== undefined;
  let inOld = oldPath !== undefined;
  let matches: RiskMatch[] | undefined;
  let categories: string[] | undefined;
  let addedLower: string | undefined;
  const lower = (): string => (addedLower ??= (f.text ?? f.added.map((l) => l.text).join('\n')).toLowerCase());
  for (const c of compiled.categories) {
    if (excludeRe !== c.exclude) {
      excludeRe = c.exclude;
      inNew = newPath !== undefined && !excludeRe?.test(newPath);
      inOld = oldPath !== undefined && !excludeRe?.test(oldPath);
    }
    if (!inNew && !inOld) continue;
    const byPath = (inNew ? pathMatch(c, f.path) : undefined) ?? (inOld ? pathMatch(c, oldPath as string) : undefined);
    let byContent: RiskMatch[] | undefined;
    if (hasContent && inNew && c.content.rules.length > 0) {
      if (sourceRe !== c.contentPaths) {
        sourceRe = c.contentPaths;
        isSource = sourceRe.test(f.path);
      }
      if (isSource) byContent = contentMatches(c, f, lower);
    }
    if (!byPath && !byContent?.length) continue;
    (categories ??= []).push(c.id);
    matches ??= [];
    if (byPath) matches.push(byPath);
    if (byContent) for (const m of byContent) matches.push(m);
  }
  return categories && matches ? { path: f.path, change: f.change, categories, matches } : undefined;
}

/** The risky files among `files`, each with every category it falls into and the rules that put it there. */
export function classifyChanges(policy: Policy, files: readonly ChangedFile[]): RiskyFile[] {
  const compiled = compilePolicy(policy);
  const out: RiskyFile[] = [];
  for (const f of files) {
    const risky = riskOf(compiled, f);
    if (risky) out.push(risky);
  }
  return out;
}
