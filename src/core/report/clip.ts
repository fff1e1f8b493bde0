/** Long enough for any real intent, command or path; a 10 MB paste stays whole in the Markdown export. */
export const SHOWN_CHARS = 2_000;

export function clipText(text: string, max = SHOWN_CHARS): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max)}… (${(text.length - max).toLocaleString('en-US')} more characters; Open as Markdown shows all)`;
}

/** Fields the board acts on (opens, diffs, filters by): cut, they would name something that does not exist. */
const ACTED_ON: ReadonlySet<string> = new Set(['id', 'path', 'filesRead']);

/**
 * A copy with every string longer than `max` cut, saying how much was left out: what the board is sent
 * (and keeps in its saved state) stays small whatever a session recorded. Ids and paths stay whole.
 */
export function clipStrings<T>(value: T, max = SHOWN_CHARS): T {
  if (typeof value === 'string') return clipText(value, max) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => clipStrings(v, max)) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = ACTED_ON.has(k) ? v : clipStrings(v, max);
    return out as T;
  }
  return value;
}
