// A strict JSON parser that remembers where each value and key is, so a policy file's mistakes (a syntax
// error, or a valid value in the wrong place) are reported by line and column. JSON.parse gives neither.

export type JsonPath = (string | number)[];

export interface JsonPosition {
  line: number;
  column: number;
}

export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(message);
  }
}

export interface ParsedJson {
  value: unknown;
  /** Where a path's value starts (and, for an object member, its key: `key:` + path). */
  positionOf(path: JsonPath, key?: boolean): JsonPosition;
}

/** The 1-based line and column of an offset in text. */
export function lineColumn(text: string, offset: number): JsonPosition {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/** A path as a map key: its JSON without the brackets, built a member at a time while parsing. */
const memberKey = (parent: string, member: string | number): string =>
  `${parent}${parent === '' ? '' : ','}${typeof member === 'number' ? member : JSON.stringify(member)}`;
const pathKey = (path: JsonPath): string => path.reduce<string>(memberKey, '');
const ESCAPES: Readonly<Record<string, string>> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

export function parseJson(text: string): ParsedJson {
  const offsets = new Map<string, number>();
  const keyOffsets = new Map<string, number>();
  let i = 0;
  const fail = (message: string, at = i): never => {
    const { line, column } = lineColumn(text, at);
    throw new JsonSyntaxError(message, line, column);
  };
  const describe = (at: number): string => (at >= text.length ? 'the end of the file' : `"${text.charAt(at)}"`);
  const skipSpace = (): void => {
    for (;;) {
      const c = text.charCodeAt(i);
      if (c === 32 || c === 9 || c === 10 || c === 13) i++;
      else if (c === 47 && (text.charAt(i + 1) === '/' || text.charAt(i + 1) === '*')) fail('comments are not allowed in JSON');
      else return;
    }
  };
  const readString = (): string => {
    const start = i;
    i++; // opening quote
    // Copied a run of plain characters at a time: policy files are mostly long strings.
    let out = '';
    let from = i;
    for (;;) {
      if (i >= text.length) fail('a string is not closed', start);
      const c = text.charCodeAt(i);
      if (c === 34) {
        out += text.slice(from, i);
        i++;
        return out;
      }
      if (c === 10) fail('a string is not closed before the end of the line', start);
      if (c === 92) {
        out += text.slice(from, i);
        const e = text.charAt(i + 1);
        const simple = Object.prototype.hasOwnProperty.call(ESCAPES, e) ? ESCAPES[e] : undefined;
        if (simple !== undefined) {
          out += simple;
          i += 2;
        } else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
          out += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
          i += 6;
        } else fail(`"\\${e}" is not a JSON escape (a regular expression's backslash is written "\\\\")`);
        from = i;
      } else i++;
    }
  };
  const readValue = (path: string): unknown => {
    skipSpace();
    offsets.set(path, i);
    const c = text.charAt(i);
    if (c === '{') return readObject(path);
    if (c === '[') return readArray(path);
    if (c === '"') return readString();
    const literal = /^(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(text.slice(i, i + 64));
    if (literal) {
      i += literal[0].length;
      return JSON.parse(literal[0]) as unknown;
    }
    if (c === "'") return fail('strings need double quotes');
    return fail(`expected a value, found ${describe(i)}`);
  };
  const readObject = (path: string): Record<string, unknown> => {
    i++;
    const out: Record<string, unknown> = {};
    skipSpace();
    if (text.charAt(i) === '}') {
      i++;
      return out;
    }
    for (;;) {
      skipSpace();
      if (text.charAt(i) === '}') fail('a trailing comma before "}"');
      if (text.charAt(i) !== '"') fail(`expected a key in double quotes, found ${describe(i)}`);
      const keyAt = i;
      const key = readString();
      if (Object.prototype.hasOwnProperty.call(out, key)) fail(`"${key}" is given twice`, keyAt);
      const member = memberKey(path, key);
      keyOffsets.set(member, keyAt);
      skipSpace();
      if (text.charAt(i) !== ':') fail(`expected ":" after "${key}", found ${describe(i)}`);
      i++;
      out[key] = readValue(member);
      skipSpace();
      const c = text.charAt(i);
      i++;
      if (c === '}') return out;
      if (c !== ',') fail(`expected "," or "}" after "${key}"'s value, found ${describe(i - 1)}`, i - 1);
    }
  };
  const readArray = (path: string): unknown[] => {
    i++;
    const out: unknown[] = [];
    skipSpace();
    if (text.charAt(i) === ']') {
      i++;
      return out;
    }
    for (;;) {
      skipSpace();
      if (text.charAt(i) === ']') fail('a trailing comma before "]"');
      out.push(readValue(memberKey(path, out.length)));
      skipSpace();
      const c = text.charAt(i);
      i++;
      if (c === ']') return out;
      if (c !== ',') fail(`expected "," or "]" in a list, found ${describe(i - 1)}`, i - 1);
    }
  };
  if (text.charCodeAt(0) === 0xfeff) i = 1; // a byte order mark
  const value = readValue('');
  skipSpace();
  if (i < text.length) fail(`unexpected ${describe(i)} after the end of the JSON value`);
  return {
    value,
    positionOf(path, key = false) {
      // The nearest known ancestor: a path into a missing member points at its parent.
      for (let p = [...path]; ; p = p.slice(0, -1)) {
        const at = (key ? keyOffsets.get(pathKey(p)) : undefined) ?? offsets.get(pathKey(p));
        if (at !== undefined) return lineColumn(text, at);
        if (p.length === 0) return { line: 1, column: 1 };
      }
    },
  };
}
