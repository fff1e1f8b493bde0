// A policy glob tested against one path without a regular expression. The hook classifies a single edited
// file: V8 compiling the policy's large path expressions for that one test cost more than the test. Same
// meaning as the expression classify.ts builds from the glob (globSource, case-insensitive), for ASCII globs
// and paths; anything else is left to that expression.
import { hasClosingBrace } from '../capture/task';
import { WordPicker, wordsOfAny, type Needed } from './requiredLiterals';

/**
 * A star (no slash), a double star (anything on one line), a double star and slash (any folders), a question
 * mark, braces, or a character.
 */
type Part = { k: 'star' } | { k: 'any' } | { k: 'dirs' } | { k: 'one' } | { k: 'alt'; alts: Part[][] } | { k: 'char'; c: number };

/** Line terminators, which `.` (and so `**`) does not match. */
const isLineBreak = (c: number): boolean => c === 10 || c === 13 || c === 0x2028 || c === 0x2029;

const upper = (c: number): number => (c >= 97 && c <= 122 ? c - 32 : c);

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 127) return false;
  return true;
}

/** The glob's parts, read left to right exactly as globSource (task.ts) reads it. */
function parse(g: string): Part[] {
  const root: Part[] = [];
  // Each open brace: its alternatives so far, and the list parts go into now.
  const stack: { alts: Part[][]; into: Part[] }[] = [];
  let into = root;
  for (let i = 0; i < g.length; i++) {
    const c = g[i] as string;
    if (c === '*' && g[i + 1] === '*') {
      into.push(g[i + 2] === '/' ? { k: 'dirs' } : { k: 'any' });
      i += g[i + 2] === '/' ? 2 : 1;
    } else if (c === '*') into.push({ k: 'star' });
    else if (c === '?') into.push({ k: 'one' });
    else if (c === '{' && hasClosingBrace(g, i)) {
      const first: Part[] = [];
      stack.push({ alts: [first], into });
      into = first;
    } else if (c === '}' && stack.length > 0) {
      const open = stack.pop() as { alts: Part[][]; into: Part[] };
      open.into.push({ k: 'alt', alts: open.alts });
      into = open.into;
    } else if (c === ',' && stack.length > 0) {
      const alt: Part[] = [];
      (stack[stack.length - 1] as { alts: Part[][] }).alts.push(alt);
      into = alt;
    } else into.push({ k: 'char', c: upper(c.charCodeAt(0)) });
  }
  return root;
}

/**
 * Whether `parts[i…]` followed by `rest` (the parts after enclosing braces, innermost first) matches `s` from
 * `at` to its end. Backtracks as the expression would; globs and paths are short.
 */
function matchFrom(parts: readonly Part[], i: number, rest: readonly { parts: readonly Part[]; i: number }[], s: string, at: number): boolean {
  if (i === parts.length) {
    if (rest.length === 0) return at === s.length;
    const [next, ...outer] = rest as [{ parts: readonly Part[]; i: number }, ...{ parts: readonly Part[]; i: number }[]];
    return matchFrom(next.parts, next.i, outer, s, at);
  }
  const p = parts[i] as Part;
  switch (p.k) {
    case 'char':
      return at < s.length && upper(s.charCodeAt(at)) === p.c && matchFrom(parts, i + 1, rest, s, at + 1);
    case 'one':
      return at < s.length && s.charCodeAt(at) !== 47 && matchFrom(parts, i + 1, rest, s, at + 1);
    case 'star':
      for (let end = at; ; end++) {
        if (matchFrom(parts, i + 1, rest, s, end)) return true;
        if (end >= s.length || s.charCodeAt(end) === 47) return false;
      }
    case 'any':
      for (let end = at; ; end++) {
        if (matchFrom(parts, i + 1, rest, s, end)) return true;
        if (end >= s.length || isLineBreak(s.charCodeAt(end))) return false;
      }
    case 'dirs':
      // Nothing, or any run without a line break that ends in "/".
      if (matchFrom(parts, i + 1, rest, s, at)) return true;
      for (let end = at; end < s.length && !isLineBreak(s.charCodeAt(end)); end++) {
        if (s.charCodeAt(end) === 47 && matchFrom(parts, i + 1, rest, s, end + 1)) return true;
      }
      return false;
    case 'alt': {
      const after = [{ parts, i: i + 1 }, ...rest];
      return p.alts.some((alt) => matchFrom(alt, 0, after, s, at));
    }
  }
}

/** Words (lowercase) one of which every path the parts match contains, picked as for a pattern; undefined: none known. */
function wordsOf(parts: readonly Part[]): Needed {
  const words = new WordPicker();
  for (const p of parts) {
    if (p.k === 'char') words.add(String.fromCharCode(p.c).toLowerCase());
    else {
      words.cut();
      if (p.k === 'alt') words.offer(wordsOfAny(p.alts.map(wordsOf)));
    }
  }
  return words.picked();
}

/** The words of a glob as globTester reads it (undefined: none known, or a glob it leaves to the expression). */
export function globWords(glob: string): Needed {
  const g = glob.trim().replace(/^\.\//, '');
  return isAscii(g) ? wordsOf(parse(g)) : undefined;
}

/**
 * The glob as a tester of paths, as classify.ts anchors it: without a "/" it matches a file name at any depth,
 * and a leading double star and slash means at the start or after any "/". Undefined for a glob with non-ASCII
 * characters (their case folding is the expression's to decide).
 */
export function globTester(glob: string): { test(path: string): boolean } | undefined {
  let g = glob.trim().replace(/^\.\//, '');
  if (!isAscii(g)) return undefined;
  if (!g.includes('/')) g = `**/${g}`;
  const suffix = g.startsWith('**/');
  const parts = parse(suffix ? g.slice(3) : g);
  return {
    test(path: string): boolean {
      if (!suffix) return matchFrom(parts, 0, [], path, 0);
      if (matchFrom(parts, 0, [], path, 0)) return true;
      for (let at = path.indexOf('/'); at !== -1; at = path.indexOf('/', at + 1)) if (matchFrom(parts, 0, [], path, at + 1)) return true;
      return false;
    },
  };
}
