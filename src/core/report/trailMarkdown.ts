import { shortCommit, shortCommitLine, type FlightTrail } from './flightTrail';

const list = (items: string[]): string => (items.length ? items.join('; ') : 'none');

/** Which tree a check proves: the commit, or the working tree with changes on top of it. */
export function checkTree(c: FlightTrail['checks'][number]): string {
  if (!c.commit) return '';
  return c.treeDirty ? ` at ${shortCommit(c.commit)} with uncommitted changes (tree ${shortCommit(c.tree)})` : ` at ${shortCommit(c.commit)}`;
}

/** The artifact trail as compact Markdown, one fact a line, in the order a reviewer asks. */
export function trailToMarkdown(t: FlightTrail): string {
  const finalChecks = new Map<string, FlightTrail['checks'][number]>();
  for (const c of t.checks) finalChecks.set(c.command, c);
  const lines = [
    `# Flight record: ${t.intent || '(no stated intent)'}`,
    '',
    `- Session: ${t.id} (${t.agent || 'unknown agent'}${t.agentVersion ? ` ${t.agentVersion}` : ''}${t.model ? `, ${t.model}` : ''})`,
    `- Task: ${t.intent || 'not stated'}`,
    `- Boundary: ${t.boundary || 'none given'}`,
    `- Repo: ${t.repo || 'unknown'}${t.branch ? ` on ${t.branch}` : ''}`,
    `- Starting commit: ${shortCommit(t.startCommit) || 'unknown'}${t.startDirty ? ' (with uncommitted changes)' : ''}${t.endCommit ? `; end commit: ${shortCommit(t.endCommit)}` : ''}`,
    `- When: ${t.startedAt || '?'} → ${t.endedAt || '?'}`,
    `- Files read: ${list(t.filesRead)}`,
    `- Files changed: ${list(t.filesChanged.map((f) => (f.change === 'modified' ? f.path : `${f.path} (${f.change})`)))}`,
    `- Commands run: ${list(t.commands.map((c) => (c.exitCode === null ? c.command : `${c.command} (exit ${c.exitCode}${c.note ? `: ${c.note}` : ''})`)))}`,
    `- Failed checks: ${list(t.failures)}`,
    `- Retries: ${list(t.retries)}`,
    `- Final checks: ${list([...finalChecks.values()].map((c) => `${c.command} ${c.passed ? 'passed' : 'failed'}${checkTree(c)}`))}`,
    `- Skipped checks: ${list(t.skippedChecks)}`,
    `- Dependency changes: ${list(t.dependencyChanges)}`,
    `- Configuration changes: ${list(t.configChanges)}`,
    `- Boundary violations: ${list(t.boundaryViolations)}`,
    `- Human approvals and rejections: ${list(t.approvals.map((a) => `${a.kind} of ${a.subject || 'an action'} by ${a.by || 'someone'}`))}`,
    `- Overrides: ${list(t.overrides.map((o) => `${o.subject}: ${o.reason} (${o.by})`))}`,
    `- Reviews: ${list(t.reviews.map((r) => `${r.subject} ${r.status}${r.verdict ? `: ${r.verdict}` : ''}`))}`,
    `- Commits: ${list(t.commits.map(shortCommitLine))}${t.diffStat ? ` (${t.diffStat})` : ''}`,
    `- Rollback: ${t.rollback || 'nothing to roll back'}`,
  ];
  // Prompts and commands may span lines; each fact stays on one.
  return lines.map((l) => l.replace(/\s*\n\s*/g, ' ')).join('\n') + '\n';
}
