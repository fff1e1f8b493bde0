/** What the owner said the work is, and where it may and may not go. */
export interface TaskBoundary {
  /** Path globs the work may touch (relative to the repository); empty means anywhere. */
  allow: string[];
  /** Categories the work must leave alone. */
  forbid: string[];
}

/** Forbidden categories a person can pick, and the paths that belong to each. */
export const BOUNDARY_CATEGORIES: Record<string, { label: string; paths: RegExp }> = {
  schema: { label: 'no schema changes', paths: /(^|\/)(migrations?|migrate|schema|db\/schema)(\/|\.|$)|\.sql$|schema\.prisma$|(^|\/)alembic\//i },
  auth: { label: 'no auth flow changes', paths: /(^|\/)(auth|authn|authz|login|logout|session|oauth|sso|passport)([^/]*\/|[^/]*\.[a-z]+$)/i },
  dependencies: { label: 'no dependency changes', paths: /(^|\/)(package(-lock)?\.json|yarn\.lock|pnpm-lock\.yaml|requirements[^/]*\.txt|poetry\.lock|pyproject\.toml|go\.(mod|sum)|Cargo\.(toml|lock)|Gemfile(\.lock)?)$/ },
  infra: { label: 'no CI, infrastructure or deploy changes', paths: /(^|\/)(\.github\/workflows|\.gitlab-ci\.yml|\.circleci|Dockerfile|docker-compose|k8s|kubernetes|helm|terraform|deploy)|\.tf$/i },
};

/** A glob (`**`, `*`, `?`, `{a,b}`) as a regular expression over /-separated relative paths. */
export function globToRegExp(glob: string): RegExp {
  const g = glob.trim().replace(/^\.\//, '');
  // A folder glob ("api/") allows everything below it.
  return new RegExp(`^${globSource(g)}${g.endsWith('/') ? '.*' : ''}$`);
}

/** Characters with a meaning in a regular expression, escaped where a glob has them as themselves. */
const REGEX_SPECIAL = new Set('.+^${}()|[]\\');

/** The regular expression source of a glob: `**`, `*`, `?` and `{a,b}` (nestable); everything else is literal. */
export function globSource(g: string): string {
  let re = '';
  let depth = 0;
  for (let i = 0; i < g.length; i++) {
    const c = g[i] as string;
    if (c === '*' && g[i + 1] === '*') {
      re += g[i + 2] === '/' ? '(?:.*/)?' : '.*';
      i += g[i + 2] === '/' ? 2 : 1;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '{' && hasClosingBrace(g, i)) {
      depth++;
      re += '(?:';
    } else if (c === '}' && depth > 0) {
      depth--;
      re += ')';
    } else if (c === ',' && depth > 0) re += '|';
    else re += REGEX_SPECIAL.has(c) ? `\\${c}` : c;
  }
  return re;
}

export function hasClosingBrace(g: string, open: number): boolean {
  let depth = 0;
  for (let i = open; i < g.length; i++) {
    if (g[i] === '{') depth++;
    else if (g[i] === '}' && --depth === 0) return true;
  }
  return false;
}

export function parseBoundary(text: unknown): TaskBoundary | undefined {
  if (typeof text !== 'string' || !text.startsWith('{')) return undefined;
  try {
    const b = JSON.parse(text) as Partial<TaskBoundary>;
    return { allow: Array.isArray(b.allow) ? b.allow.map(String) : [], forbid: Array.isArray(b.forbid) ? b.forbid.map(String) : [] };
  } catch {
    return undefined;
  }
}

export function describeBoundary(b: TaskBoundary): string {
  const parts = [];
  if (b.allow.length) parts.push(`only ${b.allow.join(', ')}`);
  for (const f of b.forbid) parts.push(BOUNDARY_CATEGORIES[f]?.label ?? `no ${f} changes`);
  return parts.join('; ');
}

/** Each changed file outside the allowed globs, or in a forbidden category, with the reason. */
export function boundaryViolations(changedRelativePaths: readonly string[], b: TaskBoundary): string[] {
  const allow = b.allow.map(globToRegExp);
  const out: string[] = [];
  for (const raw of changedRelativePaths) {
    const path = raw.replace(/\\/g, '/');
    if (allow.length && !allow.some((r) => r.test(path))) out.push(`${path}: outside ${b.allow.join(', ')}`);
    for (const f of b.forbid) {
      const category = BOUNDARY_CATEGORIES[f];
      if (category?.paths.test(path)) out.push(`${path}: ${category.label}`);
    }
  }
  return out;
}
