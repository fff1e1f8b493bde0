import { planSource, shortCommit, shortCommitLine, type FlightTrail } from './flightTrail';

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
  ].map(md); // the agent's words and file names as text: a preview renders no tag in them
  lines.push(...planLines(t));
  if (t.checkBreaks.length) lines.push('', '## What broke since it last worked', '', ...t.checkBreaks.map((b) => `- ${md(describeBreak(b))}`));
  if (t.turns.length) lines.push('', '## Turns', ...t.turns.flatMap(turnLines));
  if (t.reviews.length) lines.push('', '## Reviews', ...t.reviews.flatMap(reviewLines));
  // Prompts and commands may span lines; each fact stays on one.
  return lines.map((l) => l.replace(/\s*\n\s*/g, ' ')).join('\n') + '\n';
}

const VERDICT: Record<string, string> = { ok: '✓', concern: '⚠', unknown: '?' };

/** The plan and the reviewer's questions answered, each with its evidence. */
function planLines(t: FlightTrail): string[] {
  const p = t.planCheck;
  const from = p.plan.origin === 'none' ? 'no plan recorded' : p.plan.origin === 'intent' || p.plan.origin === 'user' ? planSource(p.plan, (iso) => iso) : `${p.plan.origin}${p.plan.at ? ` at ${p.plan.at}` : ''}`;
  const out = ['', '## Plan check', '', `- Plan: ${md(from)}`];
  if (p.plan.origin !== 'intent' && p.plan.text) out.push(...p.plan.text.split('\n').filter((l) => l.trim()).map((l) => `  > ${md(l)}`));
  if (p.plan.files?.length) out.push(`  - Files it covers: ${p.plan.files.map(md).join(', ')}`);
  for (const todo of p.plan.todos) out.push(`  - [${todo.status === 'completed' ? 'x' : ' '}] ${md(todo.content)}${todo.status === 'in_progress' ? ' (in progress)' : ''}`);
  for (const a of p.answers) {
    out.push(`- ${VERDICT[a.verdict] ?? '?'} ${a.question} ${md(a.answer)}`);
    for (const e of a.evidence) out.push(`  - ${md(e)}`);
  }
  return out;
}

/** "npm test fails since turn 3 (…); last passed in turn 2 (…); changed in between: …" */
export function describeBreak(b: FlightTrail['checkBreaks'][number]): string {
  const at = (x: { turn: number; at: string; commit: string }): string => `turn ${x.turn}, ${x.at}${x.commit ? `, at ${shortCommit(x.commit)}` : ''}`;
  const last = b.lastPassed
    ? `last passed ${b.lastPassed.session ? `in session ${b.lastPassed.session}${b.lastPassed.sessionIntent ? ` ("${b.lastPassed.sessionIntent.slice(0, 80)}")` : ''}, ` : ''}${at(b.lastPassed)}`
    : 'never seen passing';
  return `${b.command} fails since ${at(b.failingSince)} (${b.failedRuns} failed run${b.failedRuns === 1 ? '' : 's'}); ${last}; changed in between: ${b.changedBetween.length ? b.changedBetween.join(', ') : 'nothing recorded'}`;
}

/** One turn: its prompt, then the files, commands and checks it caused. */
function turnLines(turn: FlightTrail['turns'][number]): string[] {
  const out = ['', `### Turn ${turn.n}${turn.at ? ` (${turn.at})` : ''}: ${turn.n === 0 ? 'before the first prompt' : md(turn.prompt.length > 200 ? `${turn.prompt.slice(0, 199)}…` : turn.prompt)}`, ''];
  out.push(`- Files: ${list(turn.files.map((f) => md(f.change === 'modified' ? f.path : `${f.path} (${f.change})`)))}`);
  out.push(`- Commands: ${list(turn.commands.map((c) => md(c.exitCode === null ? c.command : `${c.command} (exit ${c.exitCode})`)))}${turn.commandsOmitted ? ` and ${turn.commandsOmitted} more` : ''}`);
  out.push(`- Checks: ${list(turn.checks.map((c) => md(`${c.command} ${c.passed ? 'passed' : 'failed'}${c.commit ? ` at ${shortCommit(c.commit)}` : ''}`)))}`);
  return out;
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
    const where = `${c.file || '(no file)'}${c.line === null ? '' : `:${c.line}`}`;
    const by = [c.engine, c.rule].filter(Boolean).join(': ');
    out.push(`- Concern [${c.severity}] ${md(where)}: ${md(c.title)}. ${md(c.explanation)}${by ? ` (${md(by)})` : ''}`);
  }
  for (const o of r.overrides) out.push(`- Override by ${md(o.by || 'someone')} at ${o.at}: ${md(o.reason)}${o.expiresAt ? ` (until ${o.expiresAt})` : ''}`);
  return out;
}
