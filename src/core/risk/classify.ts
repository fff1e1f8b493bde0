// Which changed files are risky, in which categories, and by which rule. A policy is compiled once: each
// category's globs become one regular expression and its content patterns one more, so a 2,000-file change
// costs a few regex tests per file and per added line; the individual rule is looked up only on a match.
import { globSource } from '../capture/task';
import { SOURCE_FILES } from './policy';
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
  binary?: boolean;
}

/** At most this many content matches are kept per category and file: enough to point at, not a copy of the file. */
const MAX_CONTENT_MATCHES = 10;
/** Longer lines are minified or data: their content is not read. */
const MAX_LINE = 2000;

interface Rule {
  text: string;
  re: RegExp;
}

interface CompiledCategory {
  id: string;
  paths: Rule[];
  anyPath: RegExp | undefined;
  content: Rule[];
  anyContent: RegExp | undefined;
  contentPaths: RegExp;
  exclude: RegExp | undefined;
}

export interface CompiledPolicy {
  ignore: RegExp | undefined;
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
const anyOf = (sources: string[], wrap: (s: string) => string): RegExp | undefined =>
  sources.length ? new RegExp(sources.map((s) => `(?:${wrap(s)})`).join('|'), 'i') : undefined;
const anyGlob = (globs: string[]): RegExp | undefined => anyOf(globs, pathSource);

const cache = new WeakMap<Policy, CompiledPolicy>();

/** The policy's rules as regular expressions, compiled once per policy object. */
export function compilePolicy(policy: Policy): CompiledPolicy {
  const known = cache.get(policy);
  if (known) return known;
  const compiled: CompiledPolicy = {
    ignore: anyGlob(policy.ignore),
    categories: policy.categories.map((c) => ({
      id: c.id,
      paths: c.paths.map((g) => ({ text: g, re: globRe(g) })),
      anyPath: anyGlob(c.paths),
      content: c.content.map((p) => ({ text: p, re: new RegExp(p, 'i') })),
      anyContent: anyOf(c.content, (p) => p),
      contentPaths: anyGlob(c.contentPaths ?? SOURCE_FILES) as RegExp,
      exclude: anyGlob(c.exclude),
    })),
  };
  cache.set(policy, compiled);
  return compiled;
}

function pathMatch(c: CompiledCategory, path: string): RiskMatch | undefined {
  if (!c.anyPath?.test(path)) return undefined;
  const rule = c.paths.find((r) => r.re.test(path));
  return { category: c.id, rule: `path ${rule?.text ?? c.paths[0]?.text}` };
}

function contentMatches(c: CompiledCategory, added: readonly AddedLine[]): RiskMatch[] {
  const out: RiskMatch[] = [];
  if (!c.anyContent) return out;
  for (const l of added) {
    if (l.text.length > MAX_LINE || !c.anyContent.test(l.text)) continue;
    const rule = c.content.find((r) => r.re.test(l.text));
    const text = (rule ? rule.re.exec(l.text)?.[0] : undefined) ?? '';
    out.push({ category: c.id, rule: `content /${rule?.text ?? ''}/`, line: l.line, match: text.slice(0, 80) });
    if (out.length >= MAX_CONTENT_MATCHES) break;
  }
  return out;
}

/** The risky files among `files`, each with every category it falls into and the rules that put it there. */
export function classifyChanges(policy: Policy, files: readonly ChangedFile[]): RiskyFile[] {
  const compiled = compilePolicy(policy);
  const out: RiskyFile[] = [];
  for (const f of files) {
    const paths = (f.oldPath && f.oldPath !== f.path ? [f.path, f.oldPath] : [f.path]).filter((p) => !compiled.ignore?.test(p));
    if (paths.length === 0) continue;
    const matches: RiskMatch[] = [];
    const categories: string[] = [];
    for (const c of compiled.categories) {
      const live = c.exclude ? paths.filter((p) => !c.exclude?.test(p)) : paths;
      if (live.length === 0) continue;
      let found = live.map((p) => pathMatch(c, p)).filter((m): m is RiskMatch => m !== undefined).slice(0, 1);
      if (!f.binary && f.added.length && live.includes(f.path) && c.contentPaths.test(f.path)) found = found.concat(contentMatches(c, f.added));
      if (found.length === 0) continue;
      categories.push(c.id);
      matches.push(...found);
    }
    if (categories.length) out.push({ path: f.path, change: f.change, categories, matches });
  }
  return out;
}
