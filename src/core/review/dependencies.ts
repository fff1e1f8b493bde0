// Which packages a manifest's diff adds (not bumps): read from its added and removed lines.
import type { DiffFile } from './diff';

export interface AddedDependency {
  name: string;
  line: number;
}

const NPM_SECTIONS = /^(dependencies|devDependencies|peerDependencies|optionalDependencies)$/;
/** A version range, tag or source as package.json writes one (not a script or a path to a file in the package). */
const NPM_VERSION = /^(?:[\^~<>=]*\s*v?\d[\w.+-]*(?:\s*(?:\|\||-|<|>|=)+\s*v?\d[\w.+-]*)*|\*|latest|next|x|workspace:.*|npm:.*|file:.*|link:.*|git(?:\+\w+)?:.*|github:.*|https?:\/\/.*|[\w-]+\/[\w.-]+(?:#.*)?)$/;

/** package.json: a new key in a dependencies section (the section is read from the hunk's context when shown). */
function npm(file: DiffFile): AddedDependency[] {
  const removed = new Set(file.removed.map((l) => /^\s*"([^"]+)"\s*:/.exec(l.text)?.[1]).filter(Boolean));
  const out: AddedDependency[] = [];
  // Walk the file's hunks in order, with context, to know which object each added line is in.
  let section: string | undefined;
  let newLine = 0;
  for (const raw of file.text.split('\n')) {
    const hunk = /^@@ -\d+(?:,\d+)? \+(\d+)/.exec(raw);
    if (hunk) {
      newLine = Number(hunk[1]);
      section = undefined;
      continue;
    }
    if (newLine === 0 || raw.startsWith('-') || raw.startsWith('\\')) continue;
    const text = raw.slice(1);
    const line = newLine++;
    const open = /^\s*"([^"]+)"\s*:\s*\{/.exec(text);
    if (open) {
      section = open[1];
      continue;
    }
    if (/^\s*\}/.test(text)) {
      section = 'closed';
      continue;
    }
    if (!raw.startsWith('+')) continue;
    const entry = /^\s*"([^"]+)"\s*:\s*"([^"]*)"\s*,?\s*$/.exec(text);
    if (!entry || removed.has(entry[1])) continue;
    const name = entry[1] as string;
    const inDeps = section === undefined ? NPM_VERSION.test(entry[2] ?? '') && name !== 'version' && name !== 'node' : NPM_SECTIONS.test(section);
    if (inDeps) out.push({ name, line });
  }
  return out;
}

/** Lines of a plain list (requirements.txt, Gemfile, go.mod) whose package name was not there before. */
function byLine(file: DiffFile, nameOf: (text: string) => string | undefined): AddedDependency[] {
  const removed = new Set(file.removed.map((l) => nameOf(l.text)?.toLowerCase()).filter(Boolean));
  return file.added.flatMap((l) => {
    const name = nameOf(l.text);
    return name && !removed.has(name.toLowerCase()) ? [{ name, line: l.line }] : [];
  });
}

const requirement = (t: string): string | undefined =>
  /^\s*(?!-|#)([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?\s*(?:[=<>!~]=?|@|;|$)/.exec(t)?.[1];
const gem = (t: string): string | undefined =>
  /^\s*(?:gem|\w+\.add_(?:runtime_|development_)?dependency)\s*\(?\s*["']([^"']+)["']/.exec(t)?.[1];
const goModule = (t: string): string | undefined =>
  /\/\/\s*indirect/.test(t) ? undefined : /^\s*(?:require\s+)?([a-z0-9.-]+\.[a-z]{2,}\/[^\s]+)\s+v\d/.exec(t)?.[1];
/** Cargo.toml / pyproject.toml (poetry): `name = "1.2"` or `name = { version = … }` under a dependencies table. */
function tomlTable(file: DiffFile): AddedDependency[] {
  const removed = new Set(file.removed.map((l) => /^\s*([\w.-]+)\s*=/.exec(l.text)?.[1]).filter(Boolean));
  const out: AddedDependency[] = [];
  let table: string | undefined;
  let newLine = 0;
  for (const raw of file.text.split('\n')) {
    const hunk = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@ ?(.*)$/.exec(raw);
    if (hunk) {
      newLine = Number(hunk[1]);
      // git names the enclosing table in the hunk header when the table line itself is not shown.
      table = /^\[([^\]]+)\]/.exec(hunk[2] ?? '')?.[1];
      continue;
    }
    if (newLine === 0 || raw.startsWith('-') || raw.startsWith('\\')) continue;
    const text = raw.slice(1);
    const line = newLine++;
    const header = /^\s*\[+([^\]]+)\]+\s*$/.exec(text);
    if (header) {
      table = header[1];
      continue;
    }
    if (!raw.startsWith('+') || !table || !/(^|\.)((dev-|build-)?dependencies|dev-dependencies)$|^tool\.poetry\.(group\.[\w-]+\.)?dependencies$/.test(table)) continue;
    const entry = /^\s*([A-Za-z0-9_.-]+)\s*=/.exec(text);
    if (entry && entry[1] !== 'python' && !removed.has(entry[1])) out.push({ name: entry[1] as string, line });
  }
  // PEP 621: `dependencies = [ "requests>=2", … ]` lists requirement strings.
  for (const l of file.added) {
    const spec = /^\s*"([A-Za-z0-9][A-Za-z0-9._-]*)[^"]*"\s*,?\s*$/.exec(l.text);
    if (spec && !out.some((d) => d.line === l.line) && !file.removed.some((r) => r.text.includes(`"${spec[1]}`))) out.push({ name: spec[1] as string, line: l.line });
  }
  return out;
}

/** Packages a manifest's change adds; a version bump or a removal adds none. */
export function addedDependencies(file: DiffFile): AddedDependency[] {
  const base = file.path.split('/').pop() ?? '';
  if (file.change === 'deleted') return [];
  if (base === 'package.json') return npm(file);
  if (/^requirements.*\.(txt|in)$/.test(base) || (/\/requirements\/[^/]+\.txt$/.test(file.path))) return byLine(file, requirement);
  if (base === 'Gemfile' || base.endsWith('.gemspec')) return byLine(file, gem);
  if (base === 'go.mod') return byLine(file, goModule);
  if (base === 'Cargo.toml' || base === 'pyproject.toml') return tomlTable(file);
  return [];
}
