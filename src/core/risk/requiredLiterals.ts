// Words a content pattern cannot match without: the hook tests an edit's few lines against the policy's large
// expressions, and V8 compiling them cost more than the test. When none of a category's words is in the text,
// none of its patterns can match, and none is compiled. Read from the pattern's source, conservatively: any
// syntax not understood here means "nothing known", and the expression decides as before.

/** Lowercase strings one of which every match contains (as the pattern's case-insensitive flag compares them). */
export type Needed = readonly string[] | undefined;

/** Syntax this reader does not follow: the pattern gets no words. */
class Unknown extends Error {}

/** One atom: a character, something of unknown text, nothing (an assertion), or a group and its words. */
type Atom = { k: 'char'; c: string } | { k: 'some' } | { k: 'none' } | { k: 'group'; needed: Needed };

const CLASS_ESCAPES = new Set('dDwWsS');
const isDigit = (code: number): boolean => code >= 48 && code <= 57;
/** The better of two sets: its shortest word longer (a rarer find), then fewer words. */
const better = (a: readonly string[], b: readonly string[]): boolean => {
  const shortest = (s: readonly string[]): number => Math.min(...s.map((w) => w.length));
  return shortest(a) !== shortest(b) ? shortest(a) > shortest(b) : a.length < b.length;
};

/**
 * Along one sequence (of a pattern, or of a glob: globMatch.ts), the best set of words one of which every match
 * contains: a run of characters matched as written, or the words of a group.
 */
export class WordPicker {
  private best: readonly string[] | undefined;
  private run = '';

  /** A character matched as written: it continues the run. */
  add(c: string): void {
    this.run += c;
  }

  /** Something of unknown text (or none): the run ends here. */
  cut(): void {
    if (this.run) this.offer([this.run]);
    this.run = '';
  }

  offer(words: Needed): void {
    if (words && words.length > 0 && words.every((w) => w.length > 0) && (!this.best || better(words, this.best))) this.best = words;
  }

  picked(): Needed {
    this.cut();
    return this.best;
  }
}

/** The words of alternatives: each branch must have some, and any of theirs will do. */
export function wordsOfAny(branches: readonly Needed[]): Needed {
  if (branches.some((b) => b === undefined)) return undefined;
  return [...new Set((branches as (readonly string[])[]).flat())];
}

class Reader {
  private i = 0;
  constructor(private readonly src: string) {}

  all(): Needed {
    const needed = this.alternatives();
    if (this.i !== this.src.length) throw new Unknown();
    return needed;
  }

  private alternatives(): Needed {
    const branches = [this.sequence()];
    while (this.src[this.i] === '|') {
      this.i++;
      branches.push(this.sequence());
    }
    return wordsOfAny(branches);
  }

  private sequence(): Needed {
    const words = new WordPicker();
    while (this.i < this.src.length && this.src[this.i] !== '|' && this.src[this.i] !== ')') {
      const atom = this.atom();
      const min = this.quantifier();
      if (atom.k === 'none') continue;
      if (min === 0) {
        words.cut();
        continue;
      }
      if (atom.k === 'char') {
        words.add(atom.c);
        // Repeated: its first copy continues the run, what follows may be more copies.
        if (min !== undefined) words.cut();
      } else {
        words.cut();
        if (atom.k === 'group') words.offer(atom.needed);
      }
    }
    return words.picked();
  }

  /** The minimum count of a quantifier here (consumed), or undefined when there is none. */
  private quantifier(): number | undefined {
    const c = this.src[this.i];
    let min: number;
    if (c === '*' || c === '?') min = 0;
    else if (c === '+') min = 1;
    else if (c === '{') min = this.braces();
    else return undefined;
    this.i++;
    if (this.src[this.i] === '?') this.i++;
    return min;
  }

  /** `{n}`, `{n,}` or `{n,m}`: n. Leaves the closing brace for quantifier() to pass. */
  private braces(): number {
    const digits = (): string => {
      const start = this.i;
      while (isDigit(this.src.charCodeAt(this.i))) this.i++;
      return this.src.slice(start, this.i);
    };
    this.i++;
    const min = digits();
    if (this.src[this.i] === ',') {
      this.i++;
      digits();
    }
    if (!min || this.src[this.i] !== '}') throw new Unknown();
    return Number(min);
  }

  private atom(): Atom {
    const c = this.src[this.i++] as string;
    switch (c) {
      case '\\':
        return this.escape();
      case '[':
        this.skipClass();
        return { k: 'some' };
      case '(':
        return this.group();
      case '.':
        return { k: 'some' };
      case '^':
      case '$':
        return { k: 'none' };
      case '*':
      case '+':
      case '?':
      case '{':
        throw new Unknown();
      default:
        return this.char(c);
    }
  }

  private char(c: string): Atom {
    const code = c.charCodeAt(0);
    // Outside ASCII, case folding has exceptions: left to the expression.
    if (code > 127) return { k: 'some' };
    return { k: 'char', c: c.toLowerCase() };
  }

  private escape(): Atom {
    const e = this.src[this.i++];
    if (e === undefined) throw new Unknown();
    if (e === 'b' || e === 'B') return { k: 'none' };
    if (CLASS_ESCAPES.has(e) || 'nrtfv'.includes(e)) return { k: 'some' };
    // Letters and digits are escapes with meanings (or back references): not followed here.
    const code = e.charCodeAt(0);
    if (isDigit(code) || ((code | 32) >= 97 && (code | 32) <= 122)) throw new Unknown();
    return this.char(e);
  }

  private skipClass(): void {
    for (; this.i < this.src.length; this.i++) {
      if (this.src[this.i] === '\\') this.i++;
      else if (this.src[this.i] === ']') {
        this.i++;
        return;
      }
    }
    throw new Unknown();
  }

  private group(): Atom {
    let lookaround = false;
    if (this.src[this.i] === '?') {
      const head = this.src.slice(this.i, this.i + 3);
      if (head.startsWith('?:')) this.i += 2;
      else if (head.startsWith('?=') || head.startsWith('?!')) (this.i += 2), (lookaround = true);
      else if (head === '?<=' || head === '?<!') (this.i += 3), (lookaround = true);
      else if (head.startsWith('?<')) {
        const close = this.src.indexOf('>', this.i);
        if (close === -1) throw new Unknown();
        this.i = close + 1;
      } else throw new Unknown();
    }
    const needed = this.alternatives();
    if (this.src[this.i] !== ')') throw new Unknown();
    this.i++;
    return lookaround ? { k: 'none' } : { k: 'group', needed };
  }
}

/** Words one of which every case-insensitive match of `pattern` contains; undefined when none are known. */
export function requiredLiterals(pattern: string): Needed {
  try {
    return new Reader(pattern).all();
  } catch (e) {
    if (e instanceof Unknown) return undefined;
    throw e;
  }
}
