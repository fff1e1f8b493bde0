// Checks a policy file's JSON against the policy's shape and merges it over the defaults.
//
// Merging: top-level keys a file gives replace the defaults' (mode, protectedBranches, ignore). Categories
// are matched by id: a file's category with a default's id changes only the fields it gives (a field's
// list replaces the default list, it does not extend it); a new id adds a category; `"enabled": false`
// drops a category. `Flightdeck: Create policy` writes every default out, so a file it made is complete.
import { globSource } from '../capture/task';
import { parseJson, type JsonPath, type ParsedJson } from './json';
import { DEFAULT_POLICY } from './policy';
import type { DeployPolicy, Policy, RequiredCheck, RiskCategory } from './types';

export interface PolicyProblem {
  message: string;
  line: number;
  column: number;
}

const TOP_KEYS = ['$schema', 'version', 'mode', 'protectedBranches', 'ignore', 'categories', 'deploy'] as const;
const DEPLOY_KEYS = ['lock', 'remote', 'graceSeconds', 'requiredChecks', 'base', 'acceptTeamChecks'] as const;
const CATEGORY_KEYS = ['id', 'title', 'enabled', 'paths', 'content', 'contentPaths', 'exclude', 'review', 'requiredChecks', 'requiredCheckPattern'] as const;
const CHECKS: readonly RequiredCheck[] = ['test', 'typecheck', 'lint', 'build'];

class Invalid extends Error {
  constructor(
    message: string,
    readonly path: JsonPath,
    readonly atKey = false,
  ) {
    super(message);
  }
}

const where = (path: JsonPath): string =>
  path.reduce<string>((s, p) => (typeof p === 'number' ? `${s}[${p}]` : s ? `${s}.${p}` : p), '') || 'the file';

/** The edit distance of two short strings: for "did you mean". */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const next = Math.min((row[j] as number) + 1, (row[j - 1] as number) + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = row[j] as number;
      row[j] = next;
    }
  }
  return row[b.length] as number;
}

function checkKeys(obj: Record<string, unknown>, known: readonly string[], path: JsonPath): void {
  for (const key of Object.keys(obj)) {
    if (known.includes(key)) continue;
    const near = known
      .map((k) => ({ k, d: distance(k.toLowerCase(), key.toLowerCase()) }))
      .filter(({ k, d }) => d <= Math.max(1, Math.round(k.length / 3)))
      .sort((a, b) => a.d - b.d)
      .map(({ k }) => k);
    const hint = near.length ? `; did you mean "${near[0]}"?` : `; known keys: ${known.filter((k) => k !== '$schema').join(', ')}`;
    throw new Invalid(`unknown key "${key}" in ${where(path)}${hint}`, [...path, key], true);
  }
}

function object(v: unknown, path: JsonPath): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Invalid(`${where(path)} must be an object`, path);
  return v as Record<string, unknown>;
}

/** `check` gets the list's path and the item's index: the item's path is built only for an error (the hook reads the policy on every call). */
function strings(v: unknown, path: JsonPath, check?: (s: string, list: JsonPath, i: number) => void): string[] {
  if (!Array.isArray(v)) throw new Invalid(`${where(path)} must be a list of strings`, path);
  for (let i = 0; i < v.length; i++) {
    const s: unknown = v[i];
    if (typeof s !== 'string') throw new Invalid(`${where([...path, i])} must be a string`, [...path, i]);
    check?.(s, path, i);
  }
  return v as string[];
}

let known: { globs: Set<string>; patterns: Set<string> } | undefined;
/**
 * The default policy's own globs and patterns, which compile (a unit test holds them to it): a file written by
 * `Flightdeck: Create policy` is mostly these, and the hook reads the policy on every tool call, where building
 * several hundred regular expressions only to see that they compile took milliseconds.
 */
function knownToCompile(): { globs: Set<string>; patterns: Set<string> } {
  if (known) return known;
  const d = DEFAULT_POLICY;
  const globs = [...d.protectedBranches, ...d.ignore, ...d.categories.flatMap((c) => [...c.paths, ...(c.contentPaths ?? []), ...c.exclude])];
  return (known = { globs: new Set(globs), patterns: new Set(d.categories.flatMap((c) => c.content)) });
}

function glob(s: string, list: JsonPath, i: number): void {
  if (knownToCompile().globs.has(s)) return;
  const path = [...list, i];
  if (!s.trim()) throw new Invalid(`${where(path)} is an empty glob`, path);
  let depth = 0;
  for (const c of s) {
    if (c === '{') depth++;
    else if (c === '}' && --depth < 0) break;
  }
  if (depth !== 0) throw new Invalid(`${where(path)}: the glob "${s}" has unbalanced braces`, path);
  if (s.startsWith('/')) throw new Invalid(`${where(path)}: the glob "${s}" must be relative to the repository (no leading "/")`, path);
  try {
    new RegExp(globSource(s));
  } catch (e) {
    throw new Invalid(`${where(path)}: the glob "${s}" is not valid (${(e as Error).message})`, path);
  }
}

function regex(s: string, path: JsonPath): void {
  if (knownToCompile().patterns.has(s)) return;
  try {
    new RegExp(s, 'i');
  } catch (e) {
    throw new Invalid(`${where(path)}: not a valid regular expression: ${(e as Error).message.replace(/^Invalid regular expression: /, '')}`, path);
  }
}

function checkKind(s: string, list: JsonPath, i: number): void {
  if (!CHECKS.includes(s as RequiredCheck)) throw new Invalid(`${where([...list, i])}: "${s}" is not a check kind (${CHECKS.join(', ')})`, [...list, i]);
}

/** regex() for an item of a list. */
const listedRegex = (s: string, list: JsonPath, i: number): void => {
  if (!knownToCompile().patterns.has(s)) regex(s, [...list, i]);
};

function bool(v: unknown, path: JsonPath): boolean {
  if (typeof v !== 'boolean') throw new Invalid(`${where(path)} must be true or false`, path);
  return v;
}

function text(v: unknown, path: JsonPath): string {
  if (typeof v !== 'string' || !v.trim()) throw new Invalid(`${where(path)} must be a non-empty string`, path);
  return v;
}

function mergeCategory(raw: unknown, path: JsonPath, base: RiskCategory | undefined): RiskCategory | undefined {
  const c = object(raw, path);
  checkKeys(c, CATEGORY_KEYS, path);
  const id = text(c.id, [...path, 'id']);
  if (!/^[a-z0-9][a-z0-9_-]*$/i.test(id)) throw new Invalid(`${where([...path, 'id'])}: "${id}" should be letters, digits, "-" or "_"`, [...path, 'id']);
  const enabled = c.enabled === undefined ? true : bool(c.enabled, [...path, 'enabled']);
  const out: RiskCategory = base
    ? { ...base, paths: [...base.paths], content: [...base.content], exclude: [...base.exclude], requiredChecks: [...base.requiredChecks] }
    : { id, title: id, paths: [], content: [], exclude: [], review: true, requiredChecks: [] };
  if (c.title !== undefined) out.title = text(c.title, [...path, 'title']);
  if (c.paths !== undefined) out.paths = strings(c.paths, [...path, 'paths'], glob);
  if (c.content !== undefined) out.content = strings(c.content, [...path, 'content'], listedRegex);
  if (c.contentPaths !== undefined) out.contentPaths = strings(c.contentPaths, [...path, 'contentPaths'], glob);
  if (c.exclude !== undefined) out.exclude = strings(c.exclude, [...path, 'exclude'], glob);
  if (c.review !== undefined) out.review = bool(c.review, [...path, 'review']);
  if (c.requiredChecks !== undefined) {
    out.requiredChecks = strings(c.requiredChecks, [...path, 'requiredChecks'], checkKind) as RequiredCheck[];
  }
  if (c.requiredCheckPattern !== undefined) {
    const p = [...path, 'requiredCheckPattern'];
    out.requiredCheckPattern = text(c.requiredCheckPattern, p);
    regex(out.requiredCheckPattern, p);
  }
  if (!base && out.paths.length === 0 && out.content.length === 0) {
    throw new Invalid(`${where(path)} ("${id}") is new, so it needs "paths" or "content"`, path);
  }
  return enabled ? out : undefined;
}

function deployBlock(raw: unknown): DeployPolicy {
  const path: JsonPath = ['deploy'];
  const d = object(raw, path);
  checkKeys(d, DEPLOY_KEYS, path);
  const out: DeployPolicy = {};
  if (d.lock !== undefined) {
    if (d.lock !== 'local' && d.lock !== 'remote') throw new Invalid(`deploy.lock must be "local" or "remote", not ${JSON.stringify(d.lock)}`, [...path, 'lock']);
    out.lock = d.lock;
  }
  if (d.remote !== undefined) {
    out.remote = text(d.remote, [...path, 'remote']);
    if (!/^[A-Za-z0-9][A-Za-z0-9._/-]*$/.test(out.remote)) throw new Invalid(`deploy.remote "${out.remote}" is not a remote name`, [...path, 'remote']);
  }
  if (d.graceSeconds !== undefined) {
    if (typeof d.graceSeconds !== 'number' || !Number.isFinite(d.graceSeconds) || d.graceSeconds < 0) throw new Invalid('deploy.graceSeconds must be a number of seconds (0 or more)', [...path, 'graceSeconds']);
    out.graceSeconds = d.graceSeconds;
  }
  if (d.requiredChecks !== undefined) {
    out.requiredChecks = strings(d.requiredChecks, [...path, 'requiredChecks'], checkKind) as RequiredCheck[];
  }
  if (d.base !== undefined) out.base = text(d.base, [...path, 'base']);
  if (d.acceptTeamChecks !== undefined) {
    if (typeof d.acceptTeamChecks !== 'boolean') throw new Invalid('deploy.acceptTeamChecks must be true or false', [...path, 'acceptTeamChecks']);
    out.acceptTeamChecks = d.acceptTeamChecks;
  }
  return out;
}

function parsedAtOnce(text: string): ParsedJson {
  let value: unknown;
  try {
    value = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch {
    return parseJson(text); // not what was kept after all: the strict parser says where
  }
  let positions: ParsedJson | undefined;
  return { value, positionOf: (path, key) => (positions ??= parseJson(text)).positionOf(path, key) };
}

/** The file's policy merged over `defaults`; throws a problem with the line and column of the first mistake. */
export function policyFromJson(parsed: ParsedJson, defaults: Policy): Policy {
  try {
    const top = object(parsed.value, []);
    checkKeys(top, TOP_KEYS, []);
    if (top.version !== undefined && top.version !== 1) throw new Invalid(`version must be 1`, ['version']);
    if (top.$schema !== undefined && typeof top.$schema !== 'string') throw new Invalid('$schema must be a string', ['$schema']);
    const policy: Policy = { ...defaults, categories: [...defaults.categories] };
    if (top.mode !== undefined) {
      if (top.mode !== 'advisory' && top.mode !== 'enforce') throw new Invalid(`mode must be "advisory" or "enforce", not ${JSON.stringify(top.mode)}`, ['mode']);
      policy.mode = top.mode;
    }
    if (top.protectedBranches !== undefined) policy.protectedBranches = strings(top.protectedBranches, ['protectedBranches'], glob);
    if (top.ignore !== undefined) policy.ignore = strings(top.ignore, ['ignore'], glob);
    if (top.deploy !== undefined) policy.deploy = { ...defaults.deploy, ...deployBlock(top.deploy) };
    if (top.categories !== undefined) {
      if (!Array.isArray(top.categories)) throw new Invalid('categories must be a list of categories', ['categories']);
      const seen = new Set<string>();
      top.categories.forEach((raw, i) => {
        const id = typeof raw === 'object' && raw !== null ? (raw as { id?: unknown }).id : undefined;
        if (typeof id === 'string' && seen.has(id)) throw new Invalid(`categories[${i}]: the id "${id}" is given twice`, ['categories', i, 'id']);
        if (typeof id === 'string') seen.add(id);
        const at = policy.categories.findIndex((c) => c.id === id);
        const merged = mergeCategory(raw, ['categories', i], at >= 0 ? policy.categories[at] : undefined);
        if (at >= 0 && merged) policy.categories[at] = merged;
        else if (at >= 0) policy.categories.splice(at, 1);
        else if (merged) policy.categories.push(merged);
      });
    }
    return policy;
  } catch (e) {
    if (!(e instanceof Invalid)) throw e;
    const { line, column } = parsed.positionOf(e.path, e.atKey);
    throw Object.assign(new Error(e.message), { line, column, policyProblem: true });
  }
}

/**
 * Parses and validates a policy file's text; a problem carries its 1-based line and column. `parsedBefore`: the
 * text is one the strict parser took before (the last good copy), so JSON.parse reads it, and positions are
 * found only for a problem of validation.
 */
export function parsePolicy(textOfFile: string, defaults: Policy, parsedBefore = false): { policy: Policy } | { problem: PolicyProblem } {
  try {
    return { policy: policyFromJson(parsedBefore ? parsedAtOnce(textOfFile) : parseJson(textOfFile), defaults) };
  } catch (e) {
    const err = e as Error & { line?: number; column?: number };
    if (typeof err.line === 'number' && typeof err.column === 'number') return { problem: { message: err.message, line: err.line, column: err.column } };
    throw e;
  }
}
