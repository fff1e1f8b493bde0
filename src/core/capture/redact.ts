// Finds secrets in captured text and JSON-like values and replaces them with `[REDACTED:<kind>]`, so nothing
// secret is stored in the record or sent to a reviewer. Plain TypeScript: no vscode, no dependencies.
//
// How it works: every rule has a cheap `gate` (a flagless regex of the literal prefix or keywords it cannot
// match without). One test for the keywords and one pass over the prefixes say which rules can match; text
// with none is returned as is (same string). The rules that can match run in order, each on the output of
// the previous one; none touches a value that is already a placeholder, so `containsSecret(redactText(x))`
// is false. Every pattern is bounded and has no nested quantifiers over overlapping classes, so no input can
// make a regex backtrack catastrophically.
//
// What is deliberately left alone (false positives teach people to ignore the record): git SHAs, UUIDs,
// lockfile integrity hashes, base64 blobs, paths, TLS certificates and public keys, the word "password" in
// prose, "token" in identifiers (tokenizer.ts, max_tokens), variables and expressions in code
// (`password=os.environ["X"]`, `token=getToken()`), and placeholders (`$TOKEN`, `${{ secrets.X }}`, `<key>`).

export type SecretKind =
  | 'private-key'
  | 'aws-access-key'
  | 'github-token'
  | 'anthropic-key'
  | 'openai-key'
  | 'slack-token'
  | 'slack-webhook'
  | 'stripe-key'
  | 'google-api-key'
  | 'npm-token'
  | 'jwt'
  | 'bearer'
  | 'password'
  | 'env-secret'
  | 'generic-high-entropy';

/** Replaces every secret in `text` with `[REDACTED:<kind>]`; returns `text` itself when there is none. */
export function redactText(text: string): string {
  const open = openGates(text);
  if (open.size === 0) return text;
  let out = text;
  for (const rule of RULES) {
    if (open.has(rule.gate.source)) out = replaceMatches(out, rule.pattern(), rule.redact);
  }
  return out;
}

/** True when `redactText` would change `text`. */
export function containsSecret(text: string): boolean {
  return redactText(text) !== text;
}

/**
 * A deep copy of JSON-like data with every string redacted. A value under a key that names a secret
 * (`password`, `apiKey`, `authorization`, …) is replaced entirely: strings and numbers become a placeholder,
 * and inside objects/arrays under such a key every string and number does (the shape is kept).
 * Booleans, null and empty strings stay: they hide nothing. Objects that are not plain (Date, Map, class
 * instances) are returned as they are.
 */
export function redactValue<T>(value: T): T {
  return copyRedacted(value, undefined) as T;
}

const placeholder = (kind: SecretKind): string => `[REDACTED:${kind}]`;
const ALREADY_REDACTED = /^\[REDACTED:[a-z-]+\]$/;

// ---------------------------------------------------------------------------------------------------------
// Names: does `GITHUB_TOKEN`, `apiKey`, `--db-password`, `"client_secret"` name a secret?

/** The last part of a name that says it is about a secret, not the secret itself (TOKEN_FILE, AUTH_URL…). */
const NOT_THE_SECRET_ITSELF = new Set([
  'FILE', 'FILES', 'PATH', 'DIR', 'SOCK', 'SOCKET', 'URL', 'URI', 'ENDPOINT', 'HOST', 'PORT', 'USER',
  'USERNAME', 'NAME', 'ID', 'TYPE', 'KIND', 'MODE', 'METHOD', 'HEADER', 'PREFIX', 'HELPER', 'STDIN',
  'PROMPT', 'EXPIRY', 'EXPIRES', 'EXPIRATION', 'TTL', 'TIMEOUT', 'LENGTH', 'LIMIT', 'COUNT', 'BUDGET', 'SIZE',
  'USAGE', 'ENABLED', 'REQUIRED', 'VERSION', 'REGION', 'DOMAIN', 'ISSUER', 'AUDIENCE', 'SCOPE', 'SCOPES',
  'PROVIDER', 'POLICY', 'FORMAT', 'REF',
]);

/** `apiKey` → ['API', 'KEY'], `x-api-key` → ['X', 'API', 'KEY'], `PGPASSWORD` → ['PGPASSWORD']. */
function nameSegments(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toUpperCase()
    .split(/[^A-Z0-9]+/)
    .filter((s) => s.length > 0);
}

/** Names repeat endlessly in transcripts (`password`, `GITHUB_TOKEN`), so verdicts are remembered. */
const secretNameVerdicts = new Map<string, boolean>();

/** True for names of secrets. Segment-aware so AUTHOR, TOKENIZER, max_tokens and SSH_AUTH_SOCK are not. */
function isSecretName(name: string): boolean {
  let verdict = secretNameVerdicts.get(name);
  if (verdict === undefined) {
    verdict = judgeName(nameSegments(name));
    if (secretNameVerdicts.size >= 4096) secretNameVerdicts.clear();
    secretNameVerdicts.set(name, verdict);
  }
  return verdict;
}

function judgeName(segments: string[]): boolean {
  const last = segments[segments.length - 1];
  if (last === undefined || segments[0] === 'NO' || NOT_THE_SECRET_ITSELF.has(last)) return false;
  const joined = segments.join('_');
  if (/PASSWORD|PASSWD|SECRET|CREDENTIAL|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|AUTH_?KEY/.test(joined)) return true;
  // Short words only as the last word: DB_PASS, dbPass, SENTRY_DSN, MYSQL_PWD; PASS_THROUGH and bare PWD (the shell's cwd) are not.
  if (last === 'PASS' || last === 'DSN' || (last === 'PWD' && segments.length > 1)) return true;
  // TOKEN must end a segment (AUTHTOKEN, GITHUB_TOKEN) so TOKENS and TOKENIZER stay readable.
  if (segments.some((s) => s.endsWith('TOKEN'))) return true;
  // AUTH only as the last word (BASIC_AUTH, _auth): AUTH_DOMAIN, AUTHOR, NEXTAUTH_URL are not secrets.
  return last === 'AUTH' || last === 'AUTHORIZATION';
}

function kindForName(name: string): SecretKind {
  const joined = nameSegments(name).join('_');
  if (/PASSWORD|PASSWD|_PASS$|^PASS$|_PWD$/.test(joined)) return 'password';
  if (joined.endsWith('AUTHORIZATION')) return 'bearer';
  return 'env-secret';
}

/** Header-like keys in captured HTTP data whose values are credentials but whose names say no secret word. */
const SECRET_HEADER_KEYS = new Set(['cookie', 'set-cookie']);

function isSecretKey(key: string): boolean {
  return isSecretName(key) || SECRET_HEADER_KEYS.has(key.toLowerCase());
}

// ---------------------------------------------------------------------------------------------------------
// Values: is this a literal secret, or a reference/placeholder/code that only mentions one?

/**
 * Values that hide nothing: variables, templates, masks, empty/boolean/type words, a bare auth scheme
 * (`"Bearer " + token`), and values an earlier rule already redacted (`Bearer [REDACTED:jwt]`).
 */
const PLACEHOLDER_VALUE =
  /^(?:\$[{(A-Za-z_]|\{\{|\[REDACTED:|(?:bearer|basic|digest|token)\s+(?:\[REDACTED:|$))|^(?:|<[^>]*>|%\w+%|\{\w+\}|\*+|x{3,}|X{3,}|\.{3,}|null|nil|none|undefined|true|false|string|str|number|int|boolean|bool|required|optional|redacted|changeme|change[-_ ]?me|replace[-_ ]?me|placeholder|your[-_][\w-]{1,40}|example)$/i;

function isPlaceholder(value: string): boolean {
  return PLACEHOLDER_VALUE.test(value);
}

const DOTTED_IDENTIFIER = /^[A-Za-z_]+(?:\.[A-Za-z_]+)+$/;
const PLAIN_IDENTIFIER = /^[A-Za-z_]+$/;

/** An unquoted value that is code rather than a literal: `getToken()`, `self.password`, `connect(password=pw)`. */
function looksLikeCode(bare: string, nextChar: string): boolean {
  if (nextChar === '(' || nextChar === '[') return true;
  if (nextChar === '{' && bare.endsWith('$')) return true; // `${VAR}` unquoted: the value is cut before its brace
  if (bare.endsWith('.') || bare.endsWith('[') || bare.startsWith('=')) return true; // obj. / x[ / ==
  if (DOTTED_IDENTIFIER.test(bare)) return true;
  if (!PLAIN_IDENTIFIER.test(bare)) return false;
  // A plain word inside an argument list, or one that itself names a secret, is a variable being passed on.
  return nextChar === ',' || nextChar === ')' || isSecretName(bare);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const GIT_SHA = /^[0-9a-f]{40}$/i;
const INTEGRITY_HASH = /^sha(?:1|256|384|512)-/;

/** Words joined by separators (`my-package-v2`, `getUserName`) rather than random characters. */
function isWordy(value: string): boolean {
  const parts = value.split(/[-_./+=]+|(?=[A-Z][a-z])/).filter((p) => p.length > 0);
  return parts.length > 1 && parts.every((p) => /^(?:[A-Za-z][a-z]*|[A-Z]+|\d{1,4}|v\d{1,3})$/.test(p));
}

/** Shannon entropy in bits per character. */
function entropy(value: string): number {
  const counts = new Map<string, number>();
  for (const c of value) counts.set(c, (counts.get(c) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) {
    const p = n / value.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

/** A token of random-looking characters: long, letters and digits mixed, high entropy, not a known hash. */
function looksRandom(value: string, minLength: number): boolean {
  if (value.length < minLength) return false;
  if (GIT_SHA.test(value) || UUID.test(value) || INTEGRITY_HASH.test(value)) return false;
  if (!/[0-9]/.test(value) || !/[A-Za-z]/.test(value)) return false;
  return !isWordy(value) && entropy(value) >= 3.3;
}

// ---------------------------------------------------------------------------------------------------------
// Rules

interface Rule {
  /** Flagless regex of what the rule cannot match without; all gates together are the prefilter. */
  gate: RegExp;
  /** A global regex, built when first used; every match goes to `redact`. */
  pattern: () => RegExp;
  /** The replacement for the match, or the match itself to keep it. */
  redact: (match: RegExpExecArray) => string;
}

/**
 * A regex built on first use. V8 parses a pattern when it is built, and most rules never run (their gate is
 * absent from the text): the hook, a process per tool call, would parse them all for nothing.
 */
function lazily(make: () => RegExp): () => RegExp {
  let built: RegExp | undefined;
  return () => (built ??= make());
}

/** Like String.replace with a callback, but returns `text` itself when nothing changed. */
function replaceMatches(text: string, pattern: RegExp, redact: (match: RegExpExecArray) => string): string {
  let out = '';
  let copiedUpTo = 0;
  pattern.lastIndex = 0;
  for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) {
    if (m[0].length === 0) {
      pattern.lastIndex++;
      continue;
    }
    const replacement = redact(m);
    if (replacement === m[0]) {
      // A kept match may hide a secret inside it (`token foo API_KEY=x`): look again from its next character.
      pattern.lastIndex = m.index + 1;
      continue;
    }
    out += text.slice(copiedUpTo, m.index) + replacement;
    copiedUpTo = m.index + m[0].length;
  }
  return copiedUpTo === 0 ? text : out + text.slice(copiedUpTo);
}

/** Where a token can start: not inside a word, but right after a JSON-escaped newline or tab (`\ntoken`). */
const TOKEN_START = String.raw`(?:(?<![A-Za-z0-9_])|(?<=\\[nrt]))`;
/** Where a name can start: as TOKEN_START, and not after `.`, `$` or `-` (`this.x` and `--x` start earlier). */
const NAME_START = String.raw`(?:(?<![\w.$\\-])|(?<=\\[nrt]))`;

/**
 * `literal` where it starts a token. The literal comes first and the start is checked looking back, because
 * V8 scans for a leading literal much faster than it tries a lookbehind at every position.
 */
const atTokenStart = (literal: string): string => `(?:${literal})(?<=${TOKEN_START}(?:${literal}))`;

/** A rule whose whole match is the secret: `prefix` (also its gate) where a token starts, then `rest`. */
function tokenRule(kind: SecretKind, prefix: string, rest: string, accept: (token: string) => boolean = () => true): Rule {
  return {
    gate: new RegExp(prefix),
    pattern: lazily(() => new RegExp(atTokenStart(prefix) + rest, 'g')),
    redact: (m) => (accept(m[0]) ? placeholder(kind) : m[0]),
  };
}

/** Splits a matched value into its quotes and the literal inside (`"x"`, `\"x\"` in raw JSON, `'x'`, `x`). */
function unquote(value: string): { open: string; inner: string; close: string } {
  for (const q of ['\\"', '"', "'"]) {
    if (value.length >= 2 * q.length && value.startsWith(q) && value.endsWith(q)) {
      return { open: q, inner: value.slice(q.length, value.length - q.length), close: q };
    }
  }
  return { open: '', inner: value, close: '' };
}

/** Replaces the `value` group, which ends the match, keeping everything before it and its quotes. */
function redactEndingValue(m: RegExpExecArray, kind: SecretKind): string {
  const value = m.groups?.value ?? '';
  const head = m[0].slice(0, m[0].length - value.length);
  const { open, close } = unquote(value);
  return `${head}${open}${placeholder(kind)}${close}`;
}

/** A quoted literal (plain, JSON-escaped inside a JSON string, single) or one unquoted shell word. */
const QUOTED = String.raw`"(?:[^"\\\r\n]|\\.){1,1024}"|\\"(?:[^"\\\r\n]|\\[^"\r\n]){1,1024}\\"|'[^'\r\n]{1,1024}'`;
const BARE = String.raw`(?:[^\s"'\x60\\;&|<>(){},]|\\\\){1,1024}`;
const VALUE = `${QUOTED}|${BARE}`;

const SECRET_WORD = String.raw`(?:secret|token|pass(?:w(?:or)?d)?|pwd|dsn|api[_-]?key|private[_-]?key|access[_-]?key|credential|auth)`;
// `tokens` is everywhere in model transcripts (usage counts) and never names a secret, so it does not open the gate.
const KEYWORD_GATE =
  /[Ss]ecret|SECRET|[Tt]oken(?!s)|TOKEN(?!S)|[Pp]ass|PASS|[Kk]ey|KEY|[Cc]redential|CREDENTIAL|[Aa]uth|AUTH|[Bb]earer|BEARER|PWD|[Pp]wd|DSN|[Dd]sn/;
/**
 * A name with a secret word in it (`GITHUB_TOKEN`, `"apiKey"`, `--db-password`); `isSecretName` has the final
 * say. The match starts at the secret word; the rest of the name is found looking back. (A lookbehind never
 * backtracks once it has matched, so an opening quote is checked in code, against the closing one.)
 */
const NAME = String.raw`(?<word>${SECRET_WORD})(?<=${NAME_START}(?<pre>[\w.-]{0,60})\k<word>)(?<post>[\w.-]{0,60})`;

/** What may precede a `name: value` that starts a line: YAML/INI/headers, diff markers, list dashes, export. */
const LINE_LEAD = /(?:\n|\r|\\n)[ \t]*(?:[+-][ \t]*)?(?:-[ \t]+)?(?:export[ \t]+)?$/;
/** What may precede a `name: value` that starts a quoted string (`-H "X-Api-Key: …"`, `echo "password: …"`). */
const QUOTE_LEAD = /\\?["'][ \t]*$/;
const LINE_TAIL = /[ \t]*(?:#[^\n]*)?(?:$|\r?\n|\\[rn]|\\?["'])/y;

/** The up to 120 characters before `index`, with a newline in front when they are the start of the input. */
function textBefore(input: string, index: number): string {
  const from = Math.max(0, index - 120);
  const before = input.slice(from, index);
  return from === 0 ? `\n${before}` : before;
}

function endsLine(input: string, index: number): boolean {
  LINE_TAIL.lastIndex = index;
  return LINE_TAIL.test(input);
}

/**
 * An unquoted value counts as a literal after a bare `=` (`TOKEN=abc cmd`, `.env`, `?token=`), or when it is
 * the whole rest of a `name: value` / `name = value` line (YAML, INI, headers) — never when it is code.
 */
function isLiteralBareValue(m: RegExpExecArray, sep: string, bare: string): boolean {
  const end = m.index + m[0].length;
  if (looksLikeCode(bare, m.input.charAt(end))) return false;
  if (sep === '=') return true;
  if (!endsLine(m.input, end)) return false;
  const before = textBefore(m.input, nameStart(m) - (m.groups?.quote ?? '').length);
  if (LINE_LEAD.test(before)) return true;
  // Inside a quoted string a lone lowercase word is more likely a message ("token: invalid") than a secret.
  return QUOTE_LEAD.test(before) && !/^[a-z]+$/.test(bare);
}

/** The whole name matched by NAME, including the part found looking back. */
function matchedName(m: RegExpExecArray): string {
  const { pre = '', word = '', post = '' } = m.groups ?? {};
  return pre + word + post;
}

function nameStart(m: RegExpExecArray): number {
  return m.index - (m.groups?.pre ?? '').length;
}

/** A quote after the name (`"password": …`) must close one opened right before it. */
function isQuotedNameClosed(m: RegExpExecArray): boolean {
  const quote = m.groups?.quote ?? '';
  const start = nameStart(m);
  return quote === '' || m.input.slice(start - quote.length, start) === quote;
}

/** `NAME=value`, `export NAME=value`, `--name=value`, `"name": "value"`, `name: value`, `name = 'value'`. */
const namedValueRule: Rule = {
  gate: KEYWORD_GATE,
  pattern: lazily(() => new RegExp(
    String.raw`${NAME}(?<quote>\\?["'])?(?<sep>[ \t]{0,8}(?::=|=>|=|:)[ \t]{0,8})(?<value>${VALUE})`,
    'gi',
  )),
  redact(m) {
    const name = matchedName(m);
    const { sep = '', value = '' } = m.groups ?? {};
    if (!isSecretName(name) || !isQuotedNameClosed(m)) return m[0];
    const { open, inner } = unquote(value);
    if (isPlaceholder(inner)) return m[0];
    if (open === '' && !isLiteralBareValue(m, sep, inner)) return m[0];
    return redactEndingValue(m, kindForName(name));
  },
};

/** `--password hunter2`, `--api-key "x"`: a secret-named long flag followed by its value. */
const flagValueRule: Rule = {
  gate: KEYWORD_GATE,
  pattern: lazily(() => new RegExp(String.raw`${NAME}[ \t]+(?<value>${VALUE})`, 'gi')),
  redact(m) {
    const name = matchedName(m);
    const value = m.groups?.value ?? '';
    if (!name.startsWith('--') || !isSecretName(name) || value.startsWith('-')) return m[0];
    const { open, inner } = unquote(value);
    if (isPlaceholder(inner)) return m[0];
    if (open === '' && looksLikeCode(inner, m.input.charAt(m.index + m[0].length))) return m[0];
    return redactEndingValue(m, kindForName(name));
  },
};

/** The password of `scheme://user:password@host`; scheme, user and host stay readable (kind `password`). */
const connectionStringRule: Rule = {
  gate: /:\/\//,
  // Led by `://` (a fast literal scan); the scheme before it is checked looking back.
  pattern: lazily(() => /:\/\/(?<=(?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]{1,30}:\/\/)[^\s:@/?#'"`<>[\]]{0,128}:(?<value>[^\s@/'"`<>]{1,256})(?=@)/g),
  redact: (m) => (isPlaceholder(m.groups?.value ?? '') ? m[0] : redactEndingValue(m, 'password')),
};

const HEX_KEY = /^[0-9a-f]{32,64}$/i;

/**
 * A token as the whole user part of a URL (a Sentry DSN `https://<key>@o1.ingest.sentry.io/2`, `https://<pat>@host`):
 * only when it looks random, so `ssh://git@host` and `https://jane@host` stay readable.
 */
const urlTokenUserRule: Rule = {
  gate: /:\/\//,
  pattern: lazily(() => /:\/\/(?<=(?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]{1,30}:\/\/)(?<value>[^\s:@/?#'"`<>[\]]{16,256})(?=@)/g),
  redact(m) {
    const value = m.groups?.value ?? '';
    return HEX_KEY.test(value) || UUID.test(value) || looksRandom(value, 16) ? redactEndingValue(m, 'password') : m[0];
  },
};

const NETRC_TOKEN = String.raw`(?:(?:machine|login|account|port|protocol)[ \t]+[^\s\\]{1,256}[ \t]+|default[ \t]+)`;
/**
 * A `.netrc` line up to its `password`: a line start then only netrc tokens and their values (`machine h login u `),
 * or `machine h …` inside other text (`echo "machine h login u password x" > ~/.netrc`).
 */
const netrcLead = lazily(() => new RegExp(
  // Inside other text the host must look like one (`machine api.x.com`), so "the machine learning password" is prose.
  String.raw`(?:(?:\n|\r|\\n)[ \t]*(?:[+-][ \t]*)?(?<tokens>${NETRC_TOKEN}{0,4})|[\s"'\x60](?<inline>(?:machine[ \t]+[^\s\\.]{1,128}\.[^\s\\]{1,128}|default)[ \t]+${NETRC_TOKEN}{0,3}))$`,
));

/**
 * `.netrc`'s `password <value>`, after `machine h login u` or alone on its line. Without `machine` or `default`
 * before it a lone lowercase word (`password reset`) is more likely prose than a password: kept.
 */
const netrcPasswordRule: Rule = {
  gate: KEYWORD_GATE,
  pattern: lazily(() => new RegExp(atTokenStart('password') + String.raw`[ \t]+(?<value>[^\s"'\x60\\=:][^\s"'\x60\\]{0,1023})`, 'g')),
  redact(m) {
    const value = m.groups?.value ?? '';
    const lead = netrcLead().exec(textBefore(m.input, m.index));
    if (!lead || isPlaceholder(value)) return m[0];
    const netrcLine = lead.groups?.inline !== undefined || /^(?:machine|default)\b/.test(lead.groups?.tokens ?? '');
    if (!netrcLine && (/^[a-z]+$/.test(value) || !endsLine(m.input, m.index + m[0].length))) return m[0];
    return redactEndingValue(m, 'password');
  },
};

/** Words that are the scheme of an Authorization header, not its credential. */
const AUTH_SCHEMES = new Set(['bearer', 'basic', 'token', 'bot', 'digest']);

/** `Authorization: Bearer x`, `"Authorization": "Basic x"`, `Authorization: token x`. */
const authorizationRule: Rule = {
  gate: KEYWORD_GATE,
  pattern: lazily(() => new RegExp(
    atTokenStart('authorization') +
      String.raw`\\?["']?[ \t]*[:=][ \t]*\\?["']?[ \t]*(?:(?:bearer|basic|token|bot|digest)[ \t]+)?(?<value>[A-Za-z0-9\-._~+/]{1,4096}=*)`,
    'gi',
  )),
  redact(m) {
    const value = m.groups?.value ?? '';
    const nextChar = m.input.charAt(m.index + m[0].length);
    if (AUTH_SCHEMES.has(value.toLowerCase()) || isPlaceholder(value) || looksLikeCode(value, nextChar)) return m[0];
    return redactEndingValue(m, 'bearer');
  },
};

/** `Bearer x` without the header name, only when x looks like a credential (not "Bearer authentication"). */
const bearerRule: Rule = {
  gate: KEYWORD_GATE,
  pattern: lazily(() => new RegExp(atTokenStart('bearer') + String.raw`[ \t]+(?<value>[A-Za-z0-9\-._~+/]{16,4096}=*)`, 'gi')),
  redact: (m) => (looksRandom(m.groups?.value ?? '', 16) ? redactEndingValue(m, 'bearer') : m[0]),
};

/** `mysql -u root -phunter2` / `-p'x'`: only for the MySQL clients, where `-p<value>` is unambiguous. */
const mysqlPasswordRule: Rule = {
  gate: /mysql|mariadb/,
  pattern: lazily(() => new RegExp(
    String.raw`\b(?:mysql|mysqldump|mysqladmin|mariadb|mariadb-dump)\b[^\n;&|]{0,500}?[ \t]-p(?<value>${QUOTED}|[^\s"'\x60;&|<>]{1,256})`,
    'g',
  )),
  redact(m) {
    const { inner } = unquote(m.groups?.value ?? '');
    return isPlaceholder(inner) ? m[0] : redactEndingValue(m, 'password');
  },
};

/** `curl -u user:password` (basic auth on the command line). */
const curlUserRule: Rule = {
  gate: /curl/,
  pattern: lazily(() => /\bcurl\b[^\n;&|]{0,500}?[ \t](?:-u|--user)[ \t]*["']?[^\s:"'@]{1,128}:(?<value>[^\s"'@]{1,256})/g),
  redact: (m) => (isPlaceholder(m.groups?.value ?? '') ? m[0] : redactEndingValue(m, 'password')),
};

/**
 * A whole PEM private key; a key cut off before its END line loses the base64 lines that follow. Give it the
 * whole block: a caller that splits text into lines first leaves the body lines (bare base64) unrecognised.
 */
const privateKeyRule: Rule = {
  gate: /-----BEGIN/,
  pattern: lazily(() => new RegExp(
    String.raw`-----BEGIN (?<label>(?:[A-Z0-9]+ ){0,3})PRIVATE KEY(?<block> BLOCK)?-----` +
      String.raw`(?:(?:[^-]|-(?!----)){0,65536}?-----END \k<label>PRIVATE KEY\k<block>-----|(?<body>(?:(?:\s|\\[rn])+[A-Za-z0-9+/=]{16,}){0,1000}))`,
    'g',
  )),
  // A header with no body and no END (code that checks for PEM headers) holds no key.
  redact: (m) => (m.groups?.body === '' ? m[0] : placeholder('private-key')),
};

const ENTROPY_KEYWORD = 'api[_ -]?key|keys?|token|secrets?|passwords?|passwd|credentials?';

/** A value right after a secret word in prose or config (`the key is 8fK2…`, `secret: "…"`), if it looks random. */
const highEntropyRule: Rule = {
  gate: KEYWORD_GATE,
  pattern: lazily(() => new RegExp(
    // The keyword may end a longer name (`aws_secret_access_key <value>`), so `_` may come before it.
    String.raw`(?:${ENTROPY_KEYWORD})(?<=(?:(?<![A-Za-z0-9])|(?<=\\[nrt]))(?:${ENTROPY_KEYWORD}))` +
      String.raw`\b\\?["'\x60]?[ \t]{0,3}(?:(?:is|was|:=|=>|=|:)[ \t]{0,3})?\\?["'\x60]?(?<value>[A-Za-z0-9+/_-]{20,512}={0,2})(?![A-Za-z0-9+/_=-])`,
    'gi',
  )),
  redact: (m) => (looksRandom(m.groups?.value ?? '', 20) ? redactEndingValue(m, 'generic-high-entropy') : m[0]),
};

const hasDigitAndLetter = (s: string): boolean => /[0-9]/.test(s) && /[A-Za-z]/.test(s);

/** In order: whole blocks first, then token formats (most specific kind wins), then names, then entropy. */
const RULES: readonly Rule[] = [
  privateKeyRule,
  tokenRule('aws-access-key', 'AKIA|ASIA', String.raw`[A-Z0-9]{16}\b`),
  tokenRule('github-token', 'gh[pousr]_|github_pat_', String.raw`[A-Za-z0-9_]{36,255}\b`),
  // Same prefix as OpenAI's, so both share the `sk-` gate; Anthropic's runs first for the more exact kind.
  tokenRule('anthropic-key', 'sk-', String.raw`ant-[A-Za-z0-9_-]{20,300}`),
  tokenRule('openai-key', 'sk-', String.raw`[A-Za-z0-9_-]{20,300}`, (t) => looksRandom(t.slice(3), 20)),
  tokenRule('slack-token', 'xox[abposr]-|xapp-', String.raw`[A-Za-z0-9-]{10,250}`, hasDigitAndLetter),
  {
    gate: /hooks\.slack\.com/,
    pattern: lazily(() => /https:\/\/hooks\.slack\.com\/services\/(?<value>T[A-Z0-9]{6,12}\/B[A-Z0-9]{6,12}\/[A-Za-z0-9]{16,64})/g),
    redact: (m) => redactEndingValue(m, 'slack-webhook'),
  },
  tokenRule('stripe-key', '[sr]k_live_|[sr]k_test_|whsec_', String.raw`[A-Za-z0-9]{16,250}\b`),
  tokenRule('google-api-key', 'AIza', String.raw`[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])`),
  tokenRule('npm-token', 'npm_', String.raw`[A-Za-z0-9]{36}\b`),
  tokenRule('jwt', 'eyJ', String.raw`[A-Za-z0-9_-]{10,4096}\.eyJ[A-Za-z0-9_-]{10,8192}\.[A-Za-z0-9_-]{0,4096}`),
  connectionStringRule,
  urlTokenUserRule,
  authorizationRule,
  bearerRule,
  mysqlPasswordRule,
  curlUserRule,
  netrcPasswordRule,
  namedValueRule,
  flagValueRule,
  highEntropyRule,
];

/** The gates other than the keyword gate: literal prefixes, rare in ordinary text. */
const PREFIX_GATES = [...new Set(RULES.map((r) => r.gate.source))].filter((source) => source !== KEYWORD_GATE.source);
/** One regex over the prefix gates, a capturing group each, so one pass says which are present. */
const ANY_PREFIX_GATE = new RegExp(PREFIX_GATES.map((source) => `(${source})`).join('|'), 'g');

/**
 * The gates present in `text`. Keywords are common (every `Object.keys`), so the keyword gate is one test
 * that stops at its first hit; the prefix gates share one pass. A hit names one gate (its group), so prefix
 * gates must never match at the same position as one another — they are distinct literals, so they do not.
 */
function openGates(text: string): Set<string> {
  const open = new Set<string>();
  if (KEYWORD_GATE.test(text)) open.add(KEYWORD_GATE.source);
  ANY_PREFIX_GATE.lastIndex = 0;
  for (let hit = ANY_PREFIX_GATE.exec(text); hit !== null; hit = ANY_PREFIX_GATE.exec(text)) {
    let group = 1;
    while (hit[group] === undefined && group < hit.length) group++;
    const source = PREFIX_GATES[group - 1];
    if (source !== undefined) open.add(source);
    if (open.size === PREFIX_GATES.length + 1) break;
  }
  return open;
}

// ---------------------------------------------------------------------------------------------------------
// JSON-like values

function isPlainObject(value: object): value is Record<string, unknown> {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** `secretKey` is the nearest enclosing key that names a secret, if any. */
function copyRedacted(value: unknown, secretKey: string | undefined): unknown {
  if (typeof value === 'string') return secretKey === undefined ? redactText(value) : redactWhole(value, secretKey);
  if (typeof value === 'number' || typeof value === 'bigint') {
    return secretKey === undefined ? value : placeholder(kindForName(secretKey));
  }
  if (Array.isArray(value)) return value.map((item: unknown) => copyRedacted(item, secretKey));
  if (typeof value !== 'object' || value === null || !isPlainObject(value)) return value;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    copy[key] = copyRedacted(item, secretKey ?? (isSecretKey(key) ? key : undefined));
  }
  return copy;
}

/** A string under a secret key: its own token kind when it is exactly one known token, else the key's kind. */
function redactWhole(value: string, secretKey: string): string {
  if (isPlaceholder(value)) return value;
  const redacted = redactText(value);
  return ALREADY_REDACTED.test(redacted) ? redacted : placeholder(kindForName(secretKey));
}
