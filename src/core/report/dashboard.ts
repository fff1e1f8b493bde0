import type { Database } from 'sql.js';
import { planSource, shortCommit, shortCommitLine, type FlightTrail } from './flightTrail';
import { checkTree, describeBreak } from './trailMarkdown';
import { boardSessions } from './boardState';
import { buildTrail } from './trail';
import { recordCounts } from '../record/queries';
import { recordedShips, rollbackPlan, type RecordedShip } from '../gates/recordedShips';

import { escapeHtml } from './escape';
import { buildInsights } from './insights';
import { insightsHtml, INSIGHTS_CSS } from './insightsHtml';
import type { Policy } from '../risk/types';

export { escapeHtml };

const e = escapeHtml;
const list = (items: string[]): string => (items.length ? `<ul>${items.map((i) => `<li>${e(i)}</li>`).join('')}</ul>` : '<p class="muted">none</p>');
const anchor = (id: string): string => `s-${id.replace(/[^A-Za-z0-9_-]/g, '_')}`;

/** One review with its engines, concerns (file:line, severity, which engine) and overrides; all text escaped. */
function reviewBlock(r: FlightTrail['reviews'][number]): string {
  const facts = [
    `${r.id}${r.by ? ` · by ${r.by}` : ''} · opened ${r.openedAt || '?'}${r.verdictAt ? ` · verdict ${r.verdictAt}` : ''}`,
    `engine ${r.engine || 'none yet'}${r.model ? ` (${r.model})` : ''}${r.promptVersion ? ` · prompt ${r.promptVersion}` : ''}`,
    `input ${r.inputHash || '?'} · policy ${r.policyHash || '?'}`,
  ];
  const concerns = r.concerns.map((c) => `<li><b class="sev-${e(c.severity)}">${e(c.severity)}</b> <code>${e(c.file || '(no file)')}${c.line === null ? '' : `:${c.line}`}</code> ${e(c.title)}<br><span class="muted">${e(c.explanation)}${c.engine || c.rule ? ` (${e([c.engine, c.rule].filter(Boolean).join(': '))})` : ''}</span></li>`);
  const overrides = r.overrides.map((o) => `<li>Override by ${e(o.by || 'someone')} at ${e(o.at)}: ${e(o.reason)}${o.expiresAt ? ` (until ${e(o.expiresAt)})` : ''}</li>`);
  return `<div class="review review-${e(r.status)}"><p><b>${e(r.subject)}</b> — ${e(r.status)}${r.verdict ? `: ${e(r.verdict)}` : ''}</p>
<p class="muted">${facts.map(e).join('<br>')}</p>${concerns.length || overrides.length ? `<ul>${[...concerns, ...overrides].join('')}</ul>` : ''}</div>`;
}

/** One ship: what went out, what proved it, the lock, the outcome and the command that undoes it; all text escaped. */
function shipBlock(s: RecordedShip): string {
  const range = s.previousCommit ? `${s.previousCommit.slice(0, 12)}..${s.commit.slice(0, 12)}` : s.commit.slice(0, 12);
  const checks = s.checks.length ? s.checks.map((c) => `${c.kind} ${c.status}`).join(', ') : 'none required';
  const reviews = !s.reviews ? 'not looked at' : s.reviews.open ? `${s.reviews.open} open${s.reviews.override ? `; override: ${s.reviews.override}` : ''}` : 'none open';
  const facts = [
    `${new Date(s.at).toISOString().replace('T', ' ').slice(0, 16)} UTC · by ${s.by || s.author || '?'}${s.author ? ` (from ${s.author}'s record)` : ''} · ${s.range.length} commit(s)${s.diffStat ? ` · ${s.diffStat}` : ''}`,
    `checks: ${checks}${s.checksOverride ? `; shipped anyway: ${s.checksOverride}` : ''} · reviews: ${reviews}`,
    `lock: ${s.lockId ?? 'not held'}${s.task ? ` · task ${s.task} exited ${s.exitCode ?? '?'}` : ''} · ship id ${s.id}`,
  ];
  const prepared = s.prepared ? `<p class="muted">Rollback prepared on ${e(s.prepared.branch)} by ${e(s.prepared.by || 'someone')}</p>` : '';
  return `<div class="review review-${s.status === 'shipped' ? 'passed' : 'failed'}"><p><b><code>${e(range)}</code> to ${e(s.target)}</b> — ${e(s.status)}</p>
<p class="muted">${facts.map(e).join('<br>')}</p><p>Roll back: <code>${e(rollbackPlan(s).command)}</code></p>${prepared}</div>`;
}

/** The latest decisions, each with who made it (a teammate's, from team sync, says whose record it came from) and its files. */
function decisions(db: Database): string[] {
  const found = db.exec(`SELECT d.text, d.by, d.author, d.at, (SELECT group_concat(path, ', ') FROM decision_files f WHERE f.event_id = d.event_id)
    FROM decisions d ORDER BY d.at DESC LIMIT 100`)[0]?.values ?? [];
  return found.map(([text, by, author, at, files]) => {
    const who = [by ? String(by) : '', author ? `from ${String(author)}'s record` : ''].filter(Boolean).join(', ');
    return `${new Date(Number(at)).toISOString().slice(0, 10)}${files ? ` [${String(files)}]` : ''}: ${String(text)}${who ? ` (${who})` : ''}`;
  });
}

const MARK: Record<string, string> = { ok: '✓', concern: '⚠', unknown: '?' };

/** The plan and the reviewer's questions, each answer with its evidence; all text escaped. */
function planBlock(t: FlightTrail): string {
  const p = t.planCheck;
  const from = p.plan.origin === 'none' ? 'no plan recorded' : p.plan.origin === 'intent' || p.plan.origin === 'user' ? planSource(p.plan, (iso) => iso) : `${p.plan.origin}${p.plan.at ? ` at ${p.plan.at}` : ''}`;
  const files = p.plan.files?.length ? `<p class="muted">Files it covers: ${e(p.plan.files.join(', '))}</p>` : '';
  const text = p.plan.origin !== 'intent' && p.plan.text ? `<details><summary>the plan</summary><pre class="plan">${e(p.plan.text)}</pre></details>` : '';
  const todos = p.plan.todos.length ? `<ul>${p.plan.todos.map((t) => `<li>${t.status === 'completed' ? '☑' : '☐'} ${e(t.content)}${t.status === 'in_progress' ? ' <span class="muted">(in progress)</span>' : ''}</li>`).join('')}</ul>` : '';
  const answers = p.answers.map((a) => `<li class="answer-${e(a.verdict)}"><b>${MARK[a.verdict] ?? '?'} ${e(a.question)}</b> ${e(a.answer)}${a.evidence.length ? `<ul class="muted">${a.evidence.map((x) => `<li>${e(x)}</li>`).join('')}</ul>` : ''}</li>`);
  return `<h3>Plan check</h3><p class="muted">Plan: ${e(from)}</p>${text}${files}${todos}<ul class="answers">${answers.join('')}</ul>`;
}

/** Each prompt with the files, commands and checks it caused, folded; all text escaped. */
function turnsBlock(t: FlightTrail): string {
  if (!t.turns.length) return '';
  const items = t.turns.map((turn) => {
    const failed = turn.checks.filter((c) => !c.passed).length;
    const head = `${turn.n === 0 ? 'Before the first prompt' : `${turn.n}. ${turn.prompt.length > 160 ? `${turn.prompt.slice(0, 159)}…` : turn.prompt}`}`;
    const counts = `${turn.files.length} files · ${turn.commands.length + turn.commandsOmitted} commands · ${turn.checks.length} checks${failed ? ` (${failed} failed)` : ''}`;
    return `<details class="turn"><summary>${e(head)} <span class="muted">— ${e(counts)}</span></summary>
${list([...turn.files.map((f) => `file: ${f.path}${f.change === 'modified' ? '' : ` (${f.change})`}`), ...turn.commands.map((c) => `$ ${c.command}${c.exitCode === null ? '' : ` → exit ${c.exitCode}`}`),
    ...turn.checks.map((c) => `${c.passed ? '✓' : '✗'} ${c.kind}: ${c.command}${c.commit ? ` at ${shortCommit(c.commit)}` : ''}`),
    ...(turn.commandsOmitted ? [`… and ${turn.commandsOmitted} more commands (see Commands)`] : [])])}</details>`;
  });
  return `<h3>Turns</h3>${items.join('\n')}`;
}

function sessionSection(t: FlightTrail): string {
  const facts: [string, string][] = [
    ['Session', `${t.id} (${[t.agent, t.agentVersion, t.model].filter(Boolean).join(' ')})`],
    ['Boundary', t.boundary || 'none given'],
    ['Repository', `${t.repo || 'unknown'}${t.branch ? ` on ${t.branch}` : ''}`],
    ['Starting commit', `${shortCommit(t.startCommit) || 'unknown'}${t.startDirty ? ' (with uncommitted changes)' : ''}`],
    ['End commit', shortCommit(t.endCommit) || '—'],
    ['When', `${t.startedAt || '?'} → ${t.endedAt || '?'}`],
    ['Diff', t.diffStat || '—'],
    ['Rollback', t.rollback || 'nothing to roll back'],
  ];
  const checks = t.checks.map((c) => `${c.passed ? '✓ passed' : '✗ failed'} · ${c.kind} · ${c.command}${c.attempt > 1 ? ` (attempt ${c.attempt})` : ''}${checkTree(c)}`);
  const commands = t.commands.map((c) => `${c.command}${c.exitCode === null ? '' : ` → exit ${c.exitCode}${c.note ? ` (${c.note})` : ''}`}${c.durationMs === null ? '' : ` (${(c.durationMs / 1000).toFixed(1)} s)`}`);
  const warn = [...t.failures.map((f) => `Failed: ${f}`), ...t.retries.map((r) => `Retry: ${r}`), ...t.skippedChecks.map((s) => `Skipped: ${s}`),
    ...t.boundaryViolations.map((b) => `Boundary: ${b}`)];
  return `<section class="session" id="${anchor(t.id)}">
<h2>${e(t.intent || '(no stated intent)')}</h2>
<dl>${facts.map(([k, v]) => `<dt>${e(k)}</dt><dd>${e(v)}</dd>`).join('')}</dl>
${warn.length ? `<div class="warn">${list(warn)}</div>` : ''}
${planBlock(t)}
<h3>Checks</h3>${list(checks)}${t.checkBreaks.length ? `<div class="warn"><b>What broke since it last worked</b>${list(t.checkBreaks.map(describeBreak))}</div>` : ''}
${turnsBlock(t)}
<h3>Files changed</h3>${list(t.filesChanged.map((f) => (f.change === 'modified' ? f.path : `${f.path} (${f.change})`)))}
<h3>Commands</h3>${list(commands)}
<h3>Dependency and configuration changes</h3>${list([...t.dependencyChanges, ...t.configChanges])}
<h3>Approvals, refusals and overrides</h3>${list([...t.approvals.map((a) => `${a.kind} of ${a.subject || 'an action'} by ${a.by}`), ...t.overrides.map((o) => `override of ${o.subject}: ${o.reason} (${o.by})`)])}
<h3>Reviews</h3>${t.reviews.length ? t.reviews.map(reviewBlock).join('') : '<p class="muted">none</p>'}
<h3>Commits</h3>${list(t.commits.map(shortCommitLine))}
<details><summary>${t.filesRead.length} files read</summary>${list(t.filesRead)}</details>
<p><a href="#top">↑ all sessions</a></p>
</section>`;
}

export interface DashboardOptions {
  title: string;
  generatedAt?: number;
  /** Sessions shown in full; older ones are listed only. */
  detailed?: number;
  /** The risk policy whose categories the Insights sort changed files into (default: the built-in one). */
  policy?: Policy;
}

/**
 * The record as one self-contained HTML file: no scripts, no network, readable in any browser (and
 * with JavaScript off), for people who never open the code.
 */
export function renderDashboard(db: Database, options: DashboardOptions): string {
  const sessions = boardSessions(db, { limit: 10_000 });
  const detailed = sessions.slice(0, options.detailed ?? 200).map((s) => buildTrail(db, s.id, { policy: options.policy })).filter((t): t is FlightTrail => !!t);
  const count = (sql: string): number => Number(db.exec(sql)[0]?.values[0]?.[0] ?? 0);
  const totals = recordCounts(db);
  // A review outside any session shows its override here (a session's reviews show theirs in its section).
  const reviews = db.exec(`SELECT r.subject, r.status, r.verdict, a.reason, a.by FROM reviews r LEFT JOIN approvals a ON a.event_id = r.override_id
    ORDER BY r.opened_at DESC LIMIT 200`)[0]?.values ?? [];
  const ships = recordedShips(db, 200);
  const rows = sessions.map((s) => `<tr>
<td>${e(s.startedAt ? new Date(s.startedAt).toISOString().replace('T', ' ').slice(0, 16) : '?')}</td>
<td><a href="#${anchor(s.id)}">${e(s.intent || '(no stated intent)')}</a></td>
<td>${e(s.agent)}</td><td>${s.author ? e(s.author) : '<span class="muted">this machine</span>'}</td><td>${e(s.branch)}</td>
<td class="num">${s.commands}</td><td class="num">${s.filesChanged}</td>
<td class="num${s.failedChecks ? ' bad' : ''}">${s.failedChecks}</td><td class="num${s.rejections ? ' bad' : ''}">${s.rejections}</td></tr>`).join('\n');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(options.title)}</title>
<style>
:root { color-scheme: light dark; --fg: #1f2328; --muted: #656d76; --line: #d0d7de; --bad: #cf222e; --warn-bg: #fff8c5; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6edf3; --muted: #8d96a0; --line: #30363d; --bad: #ff7b72; --warn-bg: #3b2e00; } }
body { font: 14px/1.5 system-ui, sans-serif; color: var(--fg); max-width: 1100px; margin: 0 auto; padding: 24px; }
h1 { margin: 0 0 4px; } h2 { margin: 0 0 8px; font-size: 18px; overflow-wrap: anywhere; } h3 { font-size: 13px; text-transform: uppercase; color: var(--muted); margin: 14px 0 4px; }
.muted { color: var(--muted); } table { border-collapse: collapse; width: 100%; } th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--line); vertical-align: top; } th { white-space: nowrap; } td { overflow-wrap: break-word; } td:nth-child(2) { overflow-wrap: anywhere; width: 50%; } td:nth-child(3), td:nth-child(1) { white-space: nowrap; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; } .bad { color: var(--bad); font-weight: 600; }
.session { border-top: 2px solid var(--line); padding: 16px 0; } dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 0; }
dt { color: var(--muted); } dd { margin: 0; overflow-wrap: anywhere; } .warn { background: var(--warn-bg); padding: 4px 12px; border-radius: 4px; margin-top: 8px; }
ul { margin: 0; padding-left: 20px; } .review { border-left: 3px solid var(--line); padding: 2px 10px; margin: 6px 0; } .review p { margin: 2px 0; }
.review-concerns, .review-failed { border-left-color: var(--bad); } .answers { list-style: none; padding-left: 0; } .answers > li { margin: 4px 0; } .answer-concern > b { color: var(--bad); } pre.plan { white-space: pre-wrap; overflow-wrap: anywhere; font-size: 12px; border-left: 3px solid var(--line); padding-left: 8px; } details.turn summary { cursor: pointer; overflow-wrap: anywhere; } .sev-high { color: var(--bad); } code { overflow-wrap: anywhere; } li { overflow-wrap: anywhere; } .tiles { display: flex; gap: 24px; margin: 12px 0 20px; } .tiles b { font-size: 20px; display: block; }
${INSIGHTS_CSS}</style></head>
<body id="top">
<h1>${e(options.title)}</h1>
<p class="muted">Generated ${e(new Date(options.generatedAt ?? Date.now()).toISOString())} from the Flightdeck record. Read-only.</p>
<div class="tiles">
<div><b>${totals.sessions}</b>sessions</div><div><b>${totals.checks}</b>check runs</div>
<div><b>${count('SELECT count(*) FROM checks WHERE passed = 0')}</b>failed</div><div><b>${totals.pendingReviews}</b>reviews open</div>
<div><b>${totals.ships}</b>ships</div><div><b>${totals.events}</b>events</div>
</div>
${insightsHtml(buildInsights(db, { policy: options.policy }))}
<h2>Sessions</h2>
${sessions.length ? `<table><thead><tr><th>Started (UTC)</th><th>Task</th><th>Agent</th><th>Author</th><th>Branch</th><th class="num">Commands</th><th class="num">Files</th><th class="num">Failed checks</th><th class="num">Refused</th></tr></thead><tbody>
${rows}
</tbody></table>` : '<p class="muted">No sessions recorded yet.</p>'}
<h2 style="margin-top:24px">Reviews</h2>
${list(reviews.map((r) => `${String(r[0] ?? '')} — ${String(r[1] ?? '')}${r[2] ? `: ${String(r[2])}` : ''}${r[3] ? `; override by ${String(r[4] ?? 'someone')}: ${String(r[3])}` : ''}`))}
<h2 style="margin-top:24px">Ships</h2>
${ships.length ? ships.map(shipBlock).join('\n') : '<p class="muted">none</p>'}
<h2 style="margin-top:24px">Decisions</h2>
${list(decisions(db))}
${detailed.map(sessionSection).join('\n')}
${sessions.length > detailed.length ? `<p class="muted">${sessions.length - detailed.length} older sessions are listed above without their details.</p>` : ''}
</body></html>
`;
}
