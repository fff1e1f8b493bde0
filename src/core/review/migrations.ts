// Does a new migration have a way back? Per framework, read from the migration's added text.
import type { DiffFile, DiffLine } from './diff';

export interface MissingDown {
  line: number;
  framework: string;
  /** What is missing, in the framework's words. */
  why: string;
}

/** Whether a path is a migration file of a framework we know (or raw SQL kept with migrations). */
export function isMigrationPath(path: string): boolean {
  return (
    /(^|\/)db\/migrate\/[^/]+\.rb$/.test(path) ||
    /(^|\/)migrations\/(?!__init__\.py$)[^/]+\.(py|js|ts|mjs|cjs|sql)$/.test(path) ||
    /(^|\/)(alembic|migrations)\/versions\/[^/]+\.py$/.test(path) ||
    /(^|\/)(db|database|sql|schema)\/(migrate|migrations)\/.+\.sql$/.test(path) ||
    /(^|\/)V\d+(?:[._]\d+)*__[^/]+\.sql$/.test(path)
  );
}

const first = (lines: DiffLine[], re: RegExp): DiffLine | undefined => lines.find((l) => re.test(l.text));

/** The text between the parentheses that open at `open` (which must be a `(`), or the rest when unbalanced. */
function callArgs(text: string, open: number): string {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') {
      depth--;
      if (depth === 0) return text.slice(open + 1, i);
    }
  }
  return text.slice(open + 1);
}

/** Top-level comma-separated arguments (strings are not looked into: migrations rarely put parentheses in them). */
function topLevelArgs(args: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const c of args) {
    if (c === '(' || c === '[' || c === '{') depth++;
    if (c === ')' || c === ']' || c === '}') depth--;
    if (c === ',' && depth === 0) {
      out.push(cur.trim());
      cur = '';
    } else cur += c;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

/** Lines from the one after `start` up to the next line at `start`'s indentation or less (a Ruby/Python block). */
function blockAfter(lines: DiffLine[], start: DiffLine): DiffLine[] {
  const indent = /^\s*/.exec(start.text)?.[0].length ?? 0;
  const i = lines.indexOf(start);
  const out: DiffLine[] = [];
  for (const l of lines.slice(i + 1)) {
    if (l.text.trim() === '') continue;
    if ((/^\s*/.exec(l.text)?.[0].length ?? 0) <= indent) break;
    out.push(l);
  }
  return out;
}

function rails(lines: DiffLine[]): MissingDown | undefined {
  const up = first(lines, /^\s*def\s+(self\.)?up\b/);
  if (up) {
    const down = first(lines, /^\s*def\s+(self\.)?down\b/);
    if (!down) return { line: up.line, framework: 'Rails', why: 'has `def up` and no `def down`' };
    if (blockAfter(lines, down).some((l) => /raise\s+(ActiveRecord::)?IrreversibleMigration/.test(l.text))) {
      return { line: down.line, framework: 'Rails', why: '`def down` raises IrreversibleMigration' };
    }
    return undefined;
  }
  const change = first(lines, /^\s*def\s+change\b/);
  if (!change) return undefined;
  const body = blockAfter(lines, change);
  if (body.some((l) => /\b(reversible|up_only)\b/.test(l.text))) return undefined;
  // Operations Rails cannot reverse inside `change` (the same list its CommandRecorder refuses).
  const irreversible = body.find((l) =>
    /^\s*(execute|change_column)\b/.test(l.text) ||
    /^\s*(remove_column|drop_table|remove_index|change_column_default)\b/.test(l.text) && isBareRailsCall(l.text) ||
    /raise\s+(ActiveRecord::)?IrreversibleMigration/.test(l.text));
  if (!irreversible) return undefined;
  return { line: irreversible.line, framework: 'Rails', why: `\`${irreversible.text.trim().split(/[\s(]/)[0]}\` in \`def change\` cannot be reversed (no \`def down\` or \`reversible\`)` };
}

/** remove_column without a type, drop_table without a block, change_column_default without from:/to: cannot run backwards. */
function isBareRailsCall(text: string): boolean {
  const t = text.trim();
  if (t.startsWith('remove_column')) return topLevelArgs(t.replace(/^remove_column\s*\(?/, '').replace(/\)\s*$/, '')).length < 3;
  if (t.startsWith('drop_table')) return !/\bdo\b|\{/.test(t);
  if (t.startsWith('remove_index')) return !/column:|\w+,\s*:\w+/.test(t);
  if (t.startsWith('change_column_default')) return !/\bfrom:/.test(t);
  return false;
}

function django(lines: DiffLine[]): MissingDown | undefined {
  const text = lines.map((l) => l.text).join('\n');
  for (const [op, reverse] of [['RunPython', 'reverse_code'], ['RunSQL', 'reverse_sql']] as const) {
    const re = new RegExp(`\\b${op}\\s*\\(`, 'g');
    for (let m = re.exec(text); m; m = re.exec(text)) {
      const args = topLevelArgs(callArgs(text, m.index + m[0].length - 1));
      const positional = args.filter((a) => !/^\w+\s*=/.test(a));
      const named = args.find((a) => a.startsWith(`${reverse}`));
      if (positional.length >= 2 || named) continue;
      const line = lines[text.slice(0, m.index).split('\n').length - 1]?.line ?? 1;
      return { line, framework: 'Django', why: `migrations.${op} has no ${reverse} (use ${op}.noop if nothing needs undoing)` };
    }
  }
  return undefined;
}

/** A JS/TS function's body after `start` is empty: `{}` or only whitespace and comments before its closing brace. */
function emptyJsBody(lines: DiffLine[], start: DiffLine): boolean {
  const i = lines.indexOf(start);
  // `down = (knex) => knex.schema.dropTable('x')`: an arrow with an expression body does something.
  if (/=>\s*(?!\{)\S/.test(start.text)) return false;
  const text = lines.slice(i).map((l) => l.text).join('\n');
  const open = text.indexOf('{', text.search(/down\b/));
  if (open < 0) return false;
  let depth = 0;
  for (let k = open; k < text.length; k++) {
    if (text[k] === '{') depth++;
    else if (text[k] === '}' && --depth === 0) {
      const body = text.slice(open + 1, k).replace(/\/\/[^\n]*|\/\*[\s\S]*?\*\//g, '').trim();
      return body === '' || /^return\s+(Promise\.resolve\(\)|undefined|null)?;?$/.test(body);
    }
  }
  return false;
}

function javascript(lines: DiffLine[]): MissingDown | undefined {
  const up = first(lines, /\b(exports\.up|export\s+(async\s+)?function\s+up|(async\s+)?up\s*\(|up\s*:\s*(async\s*)?(function|\())/);
  if (!up) return undefined;
  const framework = lines.some((l) => /MigrationInterface|QueryRunner/.test(l.text)) ? 'TypeORM' : 'Knex';
  const down = first(lines, /\b(exports\.down|export\s+(async\s+)?function\s+down|(async\s+)?down\s*\(|down\s*:\s*(async\s*)?(function|\())/);
  if (!down) return { line: up.line, framework, why: 'has `up` and no `down`' };
  if (emptyJsBody(lines, down)) return { line: down.line, framework, why: '`down` is empty: it undoes nothing' };
  return undefined;
}

function alembic(lines: DiffLine[]): MissingDown | undefined {
  const up = first(lines, /^def\s+upgrade\s*\(/);
  if (!up) return undefined;
  const down = first(lines, /^def\s+downgrade\s*\(/);
  if (!down) return { line: up.line, framework: 'Alembic', why: 'has `upgrade()` and no `downgrade()`' };
  const body = blockAfter(lines, down).filter((l) => !/^\s*(#|"""|''')/.test(l.text));
  if (body.every((l) => /^\s*pass\s*$/.test(l.text))) return { line: down.line, framework: 'Alembic', why: '`downgrade()` only passes: it undoes nothing' };
  return undefined;
}

function sql(path: string, lines: DiffLine[], changed: ReadonlySet<string>): MissingDown | undefined {
  const goose = first(lines, /^--\s*\+goose\s+Up\b/i);
  if (goose) return first(lines, /^--\s*\+goose\s+Down\b/i) ? undefined : { line: goose.line, framework: 'goose', why: 'has `-- +goose Up` and no `-- +goose Down`' };
  const dbmate = first(lines, /^--\s*migrate:up\b/i);
  if (dbmate) return first(lines, /^--\s*migrate:down\b/i) ? undefined : { line: dbmate.line, framework: 'dbmate', why: 'has `-- migrate:up` and no `-- migrate:down`' };
  if (/\.up\.sql$/i.test(path)) {
    const down = path.replace(/\.up\.sql$/i, '.down.sql');
    return changed.has(down) ? undefined : { line: 1, framework: 'SQL', why: `no matching ${down.split('/').pop() ?? down} in the change` };
  }
  const flyway = /(^|\/)V(\d+(?:[._]\d+)*)__([^/]+\.sql)$/.exec(path);
  if (flyway) {
    const dir = path.slice(0, path.length - flyway[0].length + (flyway[1]?.length ?? 0));
    const undo = [...changed].some((p) => p.startsWith(dir) && new RegExp(`(^|/)U${(flyway[2] ?? '').replace(/\./g, '\\.')}__`).test(p));
    return undo ? undefined : { line: 1, framework: 'Flyway', why: `no undo migration U${flyway[2] ?? ''}__… in the change` };
  }
  return undefined;
}

/** Why a new migration has no way back, or undefined when it has one (or is not a migration we can read). */
export function missingDown(file: DiffFile, changedPaths: ReadonlySet<string>): MissingDown | undefined {
  const { path, added } = file;
  if (path.endsWith('.rb')) return rails(added);
  if (path.endsWith('.sql')) return sql(path, added, changedPaths);
  if (path.endsWith('.py')) return added.some((l) => /^def\s+upgrade\s*\(/.test(l.text)) ? alembic(added) : django(added);
  if (/\.(js|ts|mjs|cjs)$/.test(path)) return javascript(added);
  return undefined;
}
