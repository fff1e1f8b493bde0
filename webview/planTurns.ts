// The plan check (the reviewer's questions answered from the record) and the session read turn by turn.
import { planSource, shortCommit, type FlightTrail, type PlanAnswer } from '../src/core/report/flightTrail';
import { h, icon } from './dom';
import { linkButton, section } from './detailParts';
import { clock, plural } from './format';

const VERDICT_ICON: Record<PlanAnswer['verdict'], [string, string]> = {
  ok: ['pass', 'yes, fine'],
  concern: ['warning', 'concern'],
  unknown: ['question', 'the record cannot say'],
};

const when = (iso: string): string => (iso ? clock(Date.parse(iso)) : '?');

/** What the plan was, and each question with its answer and evidence (a concern's evidence shown, others folded). */
export function renderPlanCheck(t: FlightTrail): HTMLElement | undefined {
  // A record restored from the webview's saved state may come from a version without the plan check.
  const p = t.planCheck as FlightTrail['planCheck'] | undefined;
  if (!p) return undefined;
  const from = p.plan.origin === 'none' ? 'no plan and no intent recorded'
    : p.plan.origin === 'intent' ? 'the task’s intent (the agent presented no plan)'
      : p.plan.origin === 'user' ? `${planSource(p.plan, when)}${p.plan.files?.length ? `; covers ${p.plan.files.join(', ')}` : ''}`
        : `${p.plan.origin === 'ExitPlanMode' ? 'presented with ExitPlanMode' : 'its TodoWrite list'}${p.plan.at ? ` at ${when(p.plan.at)}` : ''}`;
  const head = h('p', { class: 'muted plan-from' }, `Plan: ${from}`);
  const text = p.plan.origin !== 'intent' && p.plan.text
    ? h('details', { class: 'plan', 'data-key': 'plan-text' }, h('summary', {}, 'The plan'), h('div', { class: 'plan-text' }, p.plan.text))
    : undefined;
  let todos: HTMLElement | undefined;
  if (p.plan.todos.length) {
    todos = h('ul', { class: 'plain todos' });
    for (const todo of p.plan.todos) {
      const [name, label] = todo.status === 'completed' ? ['pass-filled', 'done'] : todo.status === 'in_progress' ? ['sync', 'in progress'] : ['circle-large-outline', 'to do'];
      todos.append(h('li', { class: `todo-${todo.status}` }, icon(name, label), ` ${todo.content}`));
    }
  }
  const answers = h('ul', { class: 'plain answers' });
  for (const a of p.answers) {
    const [name, label] = VERDICT_ICON[a.verdict];
    const evidence = h('ul', { class: 'plain evidence' });
    for (const e of a.evidence) evidence.append(h('li', {}, e));
    const shown = a.evidence.length === 0 ? undefined
      : a.verdict === 'concern' ? evidence
        : h('details', { 'data-key': `evidence:${a.id}` }, h('summary', {}, `evidence (${a.evidence.length})`), evidence);
    answers.append(h('li', { class: `answer answer-${a.verdict}`, 'data-key': `answer:${a.id}`, 'data-answer': a.id },
      h('div', { class: 'answer-head' }, icon(name, label), h('span', { class: 'answer-q' }, a.question)),
      h('div', { class: 'answer-a' }, a.answer), shown));
  }
  return section('Plan check', head, text, todos, answers);
}

/** For each check failing now: since which turn, the last time it passed, and what changed in between. */
export function renderBreaks(t: FlightTrail): HTMLElement | undefined {
  if (!t.checkBreaks?.length) return undefined;
  const list = h('ul', { class: 'plain breaks' });
  for (const b of t.checkBreaks) {
    const since = `turn ${b.failingSince.turn} (${when(b.failingSince.at)}${b.failingSince.commit ? `, ${shortCommit(b.failingSince.commit)}` : ''})`;
    const last = b.lastPassed
      ? `last passed in ${b.lastPassed.session ? `an earlier session${b.lastPassed.sessionIntent ? ` (“${b.lastPassed.sessionIntent.slice(0, 60)}”)` : ''}, ` : ''}turn ${b.lastPassed.turn} (${when(b.lastPassed.at)}${b.lastPassed.commit ? `, ${shortCommit(b.lastPassed.commit)}` : ''})`
      : 'never seen passing';
    list.append(h('li', {}, h('code', {}, b.command), ` fails since ${since}; ${last}.`,
      b.changedBetween.length ? h('span', { class: 'muted' }, ` Changed in between: ${b.changedBetween.join(', ')}`) : undefined));
  }
  return h('div', { class: 'notice', role: 'note', 'data-key': 'breaks' }, h('strong', {}, 'What broke since it last worked'), list);
}

/** Each prompt, folded, with the files (one click to open or diff), commands and checks it caused. */
export function renderTurns(t: FlightTrail): HTMLElement {
  const list = h('ul', { class: 'plain turns' });
  for (const turn of t.turns) {
    const failed = turn.checks.filter((c) => !c.passed).length;
    const counts = [plural(turn.files.length, 'file'), plural(turn.commands.length + (turn.commandsOmitted ?? 0), 'command'),
      turn.checks.length ? `${plural(turn.checks.length, 'check')}${failed ? `, ${failed} failed` : ''}` : ''].filter(Boolean).join(' · ');
    const chevron = icon('chevron-right');
    chevron.classList.add('turn-chevron');
    const summary = h('summary', {}, chevron,
      h('span', { class: 'turn-n' }, turn.n === 0 ? '0' : String(turn.n)),
      h('span', { class: 'turn-prompt', title: turn.prompt }, turn.n === 0 ? 'Before the first prompt' : turn.prompt),
      h('span', { class: `turn-counts${failed ? ' fail' : ''}` }, `${turn.at ? `${when(turn.at)} · ` : ''}${counts}`));
    const body = h('div', { class: 'turn-body' });
    if (turn.files.length) {
      const files = h('ul', { class: 'plain turn-files' });
      for (const f of turn.files) {
        const data = { 'data-session': t.id, 'data-path': f.path };
        files.append(h('li', {}, linkButton(f.path, `Open ${f.path}`, { 'data-cmd': 'open-file', ...data }),
          f.change !== 'modified' ? h('vscode-badge', {}, f.change) : undefined,
          f.change !== 'deleted' ? linkButton('diff', `Diff ${f.path} against ${t.startCommit || 'the starting commit'}`, { 'data-cmd': 'diff-file', ...data }) : undefined));
      }
      body.append(files);
    }
    if (turn.commands.length) {
      const cmds = h('ul', { class: 'plain turn-commands' });
      for (const c of turn.commands) {
        const bad = c.outcome ? c.outcome !== 'ok' : !!c.exitCode;
        cmds.append(h('li', { class: bad ? 'fail' : '' }, h('code', {}, c.command), c.exitCode === null ? '' : ` exit ${c.exitCode}`));
      }
      if (turn.commandsOmitted) cmds.append(h('li', { class: 'muted' }, `… and ${turn.commandsOmitted} more (see Commands)`));
      body.append(cmds);
    }
    if (turn.checks.length) {
      const checks = h('ul', { class: 'plain turn-checks' });
      for (const c of turn.checks) {
        checks.append(h('li', { class: c.passed ? 'pass' : 'fail' }, icon(c.passed ? 'pass' : 'error', c.passed ? 'passed' : 'failed'), ` ${c.kind}: `, h('code', {}, c.command),
          c.commit ? h('span', { class: 'muted' }, ` at ${shortCommit(c.commit)}`) : undefined));
      }
      body.append(checks);
    }
    if (!body.childNodes.length) body.append(h('p', { class: 'muted' }, 'no files, commands or checks'));
    list.append(h('li', { 'data-key': `turn:${turn.n}` }, h('details', { class: 'turn', 'data-turn': String(turn.n) }, summary, body)));
  }
  return section(`Turns (${t.turns.filter((x) => x.n > 0).length})`, list);
}
