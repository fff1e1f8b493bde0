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
  if (t.reviews.length) lines.push('', '## Reviews', ...t.reviews.flatMap(reviewLines));
  // Prompts and commands may span lines; each fact stays on one.
  return lines.map((l) => l.replace(/\s*\n\s*/g, ' ')).join('\n') + '\n';
}

/** Text from a model or a diff stays text where Markdown is rendered: no tags, no HTML entities acted on. */
const md = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** One review: who, which engines and model, what was sent (hashes), every concern and override. */
function reviewLines(r: FlightTrail['reviews'][number]): string[] {
  const out = [
    '',
    `### ${md(r.subject)}: ${r.status}${r.verdict ? ` (${md(r.verdict)})` : ''}`,
    '',
    `- Review: ${r.id}${r.by ? ` by ${md(r.by)}` : ''}; opened ${r.openedAt || '?'}${r.verdictAt ? `, verdict ${r.verdictAt}` : ''}`,
    `- Engine: ${r.engine || 'none yet'}${r.model ? ` (${md(r.model)})` : ''}${r.promptVersion ? `; prompt ${r.promptVersion}` : ''}`,
    `- Reproduce: input ${r.inputHash || '?'}; policy ${r.policyHash || '?'}`,
  ];
  for (const c of r.concerns) {
    const where = `${c.file}${c.line === null ? '' : `:${c.line}`}`;
    const by = [c.engine, c.rule].filter(Boolean).join(': ');
    out.push(`- Concern [${c.severity}] ${md(where)}: ${md(c.title)}. ${md(c.explanation)}${by ? ` (${md(by)})` : ''}`);
  }
  for (const o of r.overrides) out.push(`- Override by ${md(o.by || 'someone')} at ${o.at}: ${md(o.reason)}${o.expiresAt ? ` (until ${o.expiresAt})` : ''}`);
  return out;
}
