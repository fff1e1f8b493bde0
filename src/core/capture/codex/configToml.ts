import { RecordError } from '../../record/errors';

// Just enough TOML to edit Codex's config.toml without touching what the user wrote: a scanner that checks
// the file's structure (headers, keys, every value kind, multi-line strings and arrays) and says where it
// breaks, and line edits for one delimited block of Flightdeck's own. No TOML library here keeps comments and
// layout when it writes, and a read-modify-serialize would reflow the user's file.

/** A `[table]` or `[[array.of.tables]]` header, and the keys set directly under it. */
export interface TomlTable {
  /** Dotted name with quotes removed; '' for the keys before the first header. */
  name: string;
  array: boolean;
  /** 1-based line of the header (0 for the root). */
  line: number;
  /** Keys assigned in this table (a dotted key is one entry, joined with '.'), with their lines. */
  keys: { key: string; line: number }[];
}

class Scanner {
  i = 0;
  line = 1;
  constructor(readonly text: string, readonly path: string) {}

  fail(what: string): never {
    throw new RecordError(`${this.path}:${this.line}: ${what}; Flightdeck changed nothing (fix the file, or move it aside, then connect again)`, 'ECONFIG');
  }
  peek(n = 0): string {
    return this.text[this.i + n] ?? '';
  }
  startsWith(s: string): boolean {
    return this.text.startsWith(s, this.i);
  }
  next(): string {
    const c = this.text[this.i++] ?? '';
    if (c === '\n') this.line++;
    return c;
  }
  spaces(): void {
    while (this.peek() === ' ' || this.peek() === '\t') this.i++;
  }
  /** Spaces, newlines and comments (inside arrays). */
  blanks(): void {
    for (;;) {
      this.spaces();
      if (this.peek() === '#') this.comment();
      else if (this.peek() === '\n' || this.startsWith('\r\n')) this.newline();
      else return;
    }
  }
  comment(): void {
    while (this.i < this.text.length && this.peek() !== '\n' && !this.startsWith('\r\n')) {
      const c = this.next();
      if (c < ' ' && c !== '\t') this.fail('a control character in a comment');
    }
  }
  newline(): void {
    if (this.peek() === '\r') this.i++;
    this.next();
  }
  /** The end of a line: optional spaces and a comment, then a newline or the end of the file. */
  endOfLine(after: string): void {
    this.spaces();
    if (this.peek() === '#') this.comment();
    if (this.i >= this.text.length) return;
    if (this.peek() === '\n' || this.startsWith('\r\n')) return this.newline();
    this.fail(`unexpected ${JSON.stringify(this.peek())} after ${after}`);
  }

  key(): string {
    const parts: string[] = [];
    for (;;) {
      this.spaces();
      const c = this.peek();
      if (c === '"' || c === "'") parts.push(this.singleLineString());
      else {
        const m = /^[A-Za-z0-9_-]+/.exec(this.text.slice(this.i, this.i + 200));
        if (!m) this.fail(c === '' || c === '\n' ? 'a key is missing' : `a key cannot start with ${JSON.stringify(c)}`);
        this.i += m[0].length;
        parts.push(m[0]);
      }
      this.spaces();
      if (this.peek() !== '.') return parts.join('.');
      this.i++;
    }
  }

  singleLineString(): string {
    const quote = this.next();
    let out = '';
    for (;;) {
      if (this.peek() === '' || this.peek() === '\n') this.fail('a string is not closed on its line');
      const c = this.next();
      if (c === quote) return out;
      if (c === '\\' && quote === '"') {
        const e = this.next();
        if (e === 'u' || e === 'U') {
          const hex = this.text.slice(this.i, this.i + (e === 'u' ? 4 : 8));
          if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== (e === 'u' ? 4 : 8)) this.fail('a bad \\u escape in a string');
          this.i += hex.length;
          out += String.fromCodePoint(parseInt(hex, 16));
        } else if ('btnfr"\\e'.includes(e) && e !== '') out += e;
        else this.fail(`a bad escape \\${e} in a string`);
      } else out += c;
    }
  }

  multiLineString(quote: string): void {
    this.i += 3;
    const opened = this.line;
    for (;;) {
      if (this.i >= this.text.length) {
        this.line = opened; // Said where it opened: the end of the file is no help.
        this.fail(`a ${quote.repeat(3)} string opened here is never closed`);
      }
      if (this.startsWith(quote.repeat(3))) {
        // Up to two quotes before the closing three belong to the string.
        let run = 0;
        while (this.peek() === quote) {
          this.i++;
          run++;
        }
        if (run > 5) this.fail('too many quotes closing a string');
        return;
      }
      const c = this.next();
      if (c === '\\' && quote === '"') this.next();
    }
  }

  value(): void {
    this.spaces();
    const c = this.peek();
    if (this.startsWith('"""') || this.startsWith("'''")) return this.multiLineString(c);
    if (c === '"' || c === "'") {
      this.singleLineString();
      return;
    }
    if (c === '[') {
      this.i++;
      for (;;) {
        this.blanks();
        if (this.peek() === ']') {
          this.i++;
          return;
        }
        this.value();
        this.blanks();
        if (this.peek() === ',') this.i++;
        else if (this.peek() !== ']') this.fail(this.i >= this.text.length ? 'an array is never closed' : `expected , or ] in an array, found ${JSON.stringify(this.peek())}`);
      }
    }
    if (c === '{') {
      this.i++;
      this.blanks();
      if (this.peek() === '}') {
        this.i++;
        return;
      }
      for (;;) {
        this.blanks();
        this.key();
        if (this.peek() !== '=') this.fail('expected = after a key in an inline table');
        this.i++;
        this.value();
        this.blanks();
        const d = this.next();
        if (d === '}') return;
        if (d !== ',') this.fail(d === '' ? 'an inline table is never closed' : `expected , or } in an inline table, found ${JSON.stringify(d)}`);
      }
    }
    const m = /^[^\s,\]}#]+(?: [0-9][^\s,\]}#]*)?/.exec(this.text.slice(this.i, this.i + 100));
    const token = m?.[0] ?? '';
    if (!token) this.fail(c === '' || c === '\n' || c === '\r' ? 'a value is missing' : `a value cannot start with ${JSON.stringify(c)}`);
    if (!SCALAR.test(token)) this.fail(`${JSON.stringify(token)} is not a TOML value (strings need quotes)`);
    this.i += token.length;
  }
}

const SCALAR = new RegExp([
  '^(true|false)$',
  '^[+-]?(0|[1-9](_?[0-9])*)$',
  '^0x[0-9A-Fa-f](_?[0-9A-Fa-f])*$', '^0o[0-7](_?[0-7])*$', '^0b[01](_?[01])*$',
  '^[+-]?(0|[1-9](_?[0-9])*)(\\.[0-9](_?[0-9])*)?([eE][+-]?[0-9](_?[0-9])*)?$',
  '^[+-]?(inf|nan)$',
  '^\\d{4}-\\d{2}-\\d{2}([Tt ]\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?([Zz]|[+-]\\d{2}:\\d{2})?)?$',
  '^\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?$',
].join('|'));

/** The tables of a config.toml and their keys; a broken file is a RecordError naming the file and line. */
export function scanToml(text: string, path: string): TomlTable[] {
  const s = new Scanner(text.startsWith('\uFEFF') ? text.slice(1) : text, path);
  const tables: TomlTable[] = [{ name: '', array: false, line: 0, keys: [] }];
  for (;;) {
    s.spaces();
    if (s.i >= s.text.length) return tables;
    const c = s.peek();
    if (c === '#') {
      s.comment();
      s.endOfLine('a comment');
    } else if (c === '\n' || s.startsWith('\r\n')) s.newline();
    else if (c === '[') {
      const line = s.line;
      const array = s.peek(1) === '[';
      s.i += array ? 2 : 1;
      const name = s.key();
      if (!s.startsWith(array ? ']]' : ']')) s.fail(`a table header is not closed with ${array ? ']]' : ']'}`);
      s.i += array ? 2 : 1;
      s.endOfLine('a table header');
      tables.push({ name, array, line, keys: [] });
    } else {
      const line = s.line;
      const key = s.key();
      if (s.peek() !== '=') s.fail(`expected = after the key ${JSON.stringify(key)}`);
      s.i++;
      s.value();
      s.endOfLine(`the value of ${JSON.stringify(key)}`);
      tables[tables.length - 1]?.keys.push({ key, line });
    }
  }
}

/** A TOML basic string: JSON's escapes are all valid TOML ones. */
export const tomlString = (s: string): string => JSON.stringify(s);

export interface Block {
  /** 0-based line indexes of the first and last line of the block. */
  start: number;
  end: number;
}

/** Where the block between `begin` and `end` marker lines sits; a begun block that never ends is an error. */
export function findBlock(text: string, begin: string, end: string, path: string): Block | undefined {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.trimEnd().startsWith(begin));
  if (start < 0) return undefined;
  const stop = lines.findIndex((l, i) => i > start && l.trimEnd().startsWith(end));
  if (stop < 0) throw new RecordError(`${path}:${start + 1}: Flightdeck's block starts here but its end line (${end}) is missing; fix the file by hand, then connect again`, 'ECONFIG');
  return { start, end: stop };
}

/** The text with the block's lines replaced by `replacement` (no lines: removed, with the blank line before it that Flightdeck added). */
export function replaceBlock(text: string, block: Block, replacement: string[]): string {
  const lines = text.split('\n');
  let from = block.start;
  if (replacement.length === 0 && from > 0 && lines[from - 1]?.trim() === '') from--;
  lines.splice(from, block.end - from + 1, ...replacement);
  return lines.join('\n');
}

/** The text with the block's lines added at the end, after one blank line. */
export function appendBlock(text: string, block: string[]): string {
  if (text.trim() === '') return `${block.join('\n')}\n`;
  const body = text.endsWith('\n') ? text : `${text}\n`;
  return `${body}${body.endsWith('\n\n') ? '' : '\n'}${block.join('\n')}\n`;
}
