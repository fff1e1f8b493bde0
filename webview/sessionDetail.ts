import { shortCommit, shortCommitLine, type FlightTrail } from '../src/core/report/flightTrail';
import { AGENT_LABELS, type SessionActivity } from '../src/protocol';
import { activityChart } from './charts';
import { h, icon } from './dom';
import { clock, plural } from './format';
import { linkButton, lines, section } from './detailParts';
import { renderBreaks, renderPlanCheck, renderTurns } from './planTurns';

/** One session's whole flight record, with its files one click from the editor and the diff. */
export function renderSessionDetail(t: FlightTrail, activity: SessionActivity | undefined): HTMLElement {
  const root = h('div', { class: 'detail', 'data-key': `detail:${t.id}` });
  const withIcon = (name: string): HTMLElement => {
    const i = icon(name);
    i.setAttribute('slot', 'start');
    return i;
  };
  const backButton = h('vscode-button', { appearance: 'secondary', 'aria-label': 'Back to the sessions', 'data-cmd': 'back', id: 'detail-back' }, withIcon('arrow-left'), 'Sessions');
  const md = h('vscode-button', { appearance: 'secondary', 'data-cmd': 'markdown', 'data-session': t.id }, withIcon('markdown'), 'Open as Markdown');
  const copy = h('vscode-button', { appearance: 'secondary', 'aria-label': 'Copy the flight record as Markdown', 'data-cmd': 'copy', 'data-session': t.id }, withIcon('copy'), 'Copy');
  root.append(h('div', { class: 'actions' }, backButton, md, copy));
  root.append(h('h1', { class: 'detail-title' }, t.intent || '(no stated intent)'));
  const when = t.startedAt ? `${clock(Date.parse(t.startedAt))}${t.endedAt ? ` – ${clock(Date.parse(t.endedAt))}` : ''}` : '';
  root.append(h('p', { class: 'muted' }, [AGENT_LABELS[t.agent] ?? t.agent, t.model, t.branch, when].filter(Boolean).join(' · ')));
  if (activity && activity.counts.some((c) => c > 0)) {
    const chart = activityChart(activity);
    chart.setAttribute('data-key', 'activity');
    root.append(chart);
  }
  const facts: [string, string][] = [
    ['Boundary', t.boundary || 'none given'],
    ['Starting commit', shortCommit(t.startCommit) || 'unknown'],
    ['End commit', shortCommit(t.endCommit) || '—'],
    ['Diff', t.diffStat || '—'],
    ['Rollback', t.rollback || 'nothing to roll back'],
  ];
  const dl = h('dl', { class: 'details', 'data-key': 'facts' });
  for (const [k, v] of facts) dl.append(h('dt', {}, k), h('dd', {}, v));
  root.append(dl);

  const warnings = [...t.failures.map((f) => `Failed: ${f}`), ...t.retries.map((r) => `Retry: ${r}`), ...t.skippedChecks.map((s) => `Skipped: ${s}`),
    ...t.boundaryViolations.map((b) => `Boundary: ${b}`)];
  if (warnings.length) root.append(h('div', { class: 'notice', role: 'note', 'data-key': 'warnings' }, lines(warnings)));
  const plan = renderPlanCheck(t);
  if (plan) root.append(plan);

  if (t.checks.length) {
    const list = h('ul', { class: 'plain checks' });
    for (const c of t.checks) {
      list.append(h('li', { class: c.passed ? 'pass' : 'fail' }, icon(c.passed ? 'pass' : 'error', c.passed ? 'passed' : 'failed'), ` ${c.kind}: `,
        h('code', {}, c.command), c.attempt > 1 ? ` (attempt ${c.attempt})` : '', !c.passed && c.exitCode !== null ? ` exit ${c.exitCode}` : '',
        c.commit ? h('span', { class: 'muted', title: c.treeDirty ? `HEAD ${c.commit}; the working tree (${c.tree}) held uncommitted changes` : `at ${c.commit}` },
          ` at ${shortCommit(c.commit)}${c.treeDirty ? ' + uncommitted changes' : ''}`) : undefined));
    }
    root.append(section('Checks', renderBreaks(t), list));
  }
  if (t.turns?.length) root.append(renderTurns(t));

  const files = h('ul', { class: 'plain files' });
  for (const f of t.filesChanged) {
    const data = { 'data-session': t.id, 'data-path': f.path };
    files.append(h('li', { 'data-key': `${f.change}:${f.path}` },
      linkButton(f.path, `Open ${f.path}`, { 'data-cmd': 'open-file', ...data }),
      f.change !== 'modified' ? h('vscode-badge', {}, f.change) : undefined,
      f.change !== 'deleted' ? linkButton('diff', `Diff ${f.path} against ${t.startCommit || 'the starting commit'}`, { 'data-cmd': 'diff-file', ...data }) : undefined,
      linkButton('sessions', `Sessions that touched ${f.path}`, { 'data-cmd': 'filter-file', ...data }),
    ));
  }
  root.append(section(`Files changed (${t.filesChanged.length})`, t.filesChanged.length ? files : h('p', { class: 'muted' }, 'none')));

  const cmds = h('ul', { class: 'plain commands' });
  for (const c of t.commands) {
    const status = c.exitCode === null ? '' : c.exitCode === 0 ? 'ok' : `exit ${c.exitCode}${c.note ? ` (${c.note})` : ''}`;
    // A non-zero exit Claude Code reads as an answer ("No matches found") is not a failure.
    const failed = c.outcome ? c.outcome !== 'ok' : !!c.exitCode;
    cmds.append(h('li', { class: failed ? 'fail' : '' }, h('code', {}, c.command), status ? ` ${status}` : '',
      c.durationMs !== null ? h('span', { class: 'muted' }, ` ${(c.durationMs / 1000).toFixed(1)} s`) : undefined));
  }
  root.append(section(`Commands (${t.commands.length})`, t.commands.length ? cmds : h('p', { class: 'muted' }, 'none')));

  if (t.dependencyChanges.length) root.append(section('Dependency changes', lines(t.dependencyChanges)));
  if (t.configChanges.length) root.append(section('Configuration changes', lines(t.configChanges)));
  if (t.approvals.length) root.append(section('Approvals and refusals', lines(t.approvals.map((a) => `${a.kind} of ${a.subject || 'an action'} by ${a.by}`))));
  if (t.overrides.length) root.append(section('Overrides', lines(t.overrides.map((o) => `${o.subject}: ${o.reason} (${o.by})`))));
  if (t.reviews.length) root.append(section('Reviews', lines(t.reviews.map((r) => `${r.subject} ${r.status}${r.verdict ? `: ${r.verdict}` : ''}`))));
  if (t.commits.length) root.append(section(`Commits (${t.commits.length})`, lines(t.commits.map(shortCommitLine))));
  if (t.filesRead.length) {
    const details = h('details', {}, h('summary', {}, plural(t.filesRead.length, 'file') + ' read'), lines(t.filesRead));
    root.append(section('Files read', details));
  }
  return root;
}
