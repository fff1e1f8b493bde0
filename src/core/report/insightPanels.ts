// The insights as charts to draw: each panel's title, its one-line takeaway and its bars. The board (webview/insights.ts,
// DOM and SVG) and the dashboard (insightsHtml.ts, HTML and SVG) draw the same panels, so both say the same thing.
// Plain data in, plain data out: no DOM, no Node (the webview bundles this file).
import { RECOVERY_BUCKETS, RETRY_BUCKETS, type BoardInsights } from '../../protocol';

/** How a part of a bar is coloured: the theme's error, success, warning, chart-blue or muted colour. */
export type Tone = 'fail' | 'pass' | 'warn' | 'info' | 'muted';

export interface InsightBar {
  label: string;
  /** Stacked left to right (rows) or bottom to top (columns). */
  parts: { value: number; tone: Tone }[];
  /** The number beside the bar, in words. */
  note: string;
  /** The label is code (a command, a path). */
  code?: boolean;
}

export interface InsightPanel {
  id: string;
  title: string;
  /** What the chart says, in one sentence. */
  takeaway: string;
  /** rows: one horizontal bar a row, labelled; columns: a histogram or a series, left to right. */
  shape: 'rows' | 'columns';
  bars: InsightBar[];
  /** Under a series of columns: what the left and right ends are. */
  ends?: [string, string];
  /** The tones this chart uses, with what each means. */
  legend?: { tone: Tone; label: string }[];
  /** Each bar is drawn as shares of itself (a failure rate), not against the panel's largest. */
  shares?: boolean;
}

const count = (n: number): string => n.toLocaleString('en-US');
const plural = (n: number, word: string, many = `${word}s`): string => `${count(n)} ${n === 1 ? word : many}`;
const total = (b: InsightBar): number => b.parts.reduce((a, p) => a + p.value, 0);
/** The largest bar of a panel: every bar of it is drawn against this. */
export const panelMax = (p: InsightPanel): number => Math.max(1, ...p.bars.map(total));
/** What a bar is drawn against: its own total for shares, else the panel's largest. */
export const barScale = (p: InsightPanel, b: InsightBar, max = panelMax(p)): number => (p.shares ? Math.max(1, total(b)) : max);
/** "Ada Lovelace <ada@example.com>" is Ada Lovelace, on a chart. */
const who = (by: string): string => by.replace(/\s*<[^>]*>\s*$/, '') || by;

/** A span as people say it: "40 s", "12 min", "2 h 5 min". */
export function span(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
}

/** A token count, short: 950, 48k, 1.2M. */
export function tokens(n: number): string {
  if (n < 1000) return String(n);
  if (n < 1_000_000) return `${Math.round(n / 1000)}k`;
  return `${(n / 1_000_000).toFixed(1)}M`;
}

function failing(i: BoardInsights): InsightPanel {
  const top = i.failingChecks[0];
  return {
    id: 'failing', title: 'Checks that fail most', shape: 'rows',
    takeaway: top ? `${top.command} failed ${top.failed} of its ${plural(top.runs, 'run')}${top.sessions > 1 ? ` across ${plural(top.sessions, 'session')}` : ''}.` : 'No check failed.',
    bars: i.failingChecks.map((c) => ({
      label: c.command, code: true, note: `${count(c.failed)} of ${count(c.runs)} failed`,
      parts: [{ value: c.failed, tone: 'fail' as const }, { value: c.runs - c.failed, tone: 'pass' as const }],
    })),
    legend: [{ tone: 'fail', label: 'failed runs' }, { tone: 'pass', label: 'passed runs' }],
    shares: true,
  };
}

function recovery(i: BoardInsights): InsightPanel {
  const r = i.recovery;
  const said = r.recovered ? `A failed check was green again after ${span(r.medianMs ?? 0)} (median)` : 'No failed check has passed again yet';
  return {
    id: 'recovery', title: 'Time from a failure to green', shape: 'columns',
    takeaway: r.recovered + r.open === 0 ? 'No check failed.' : `${said}${r.open ? `; ${plural(r.open, 'check')} still failing` : ''}.`,
    bars: r.recovered + r.open === 0 ? [] : [
      ...RECOVERY_BUCKETS.map((b, k) => ({ label: b.label, note: count(r.buckets[k] ?? 0), parts: [{ value: r.buckets[k] ?? 0, tone: 'pass' as const }] })),
      { label: 'still failing', note: count(r.open), parts: [{ value: r.open, tone: 'fail' as const }] },
    ],
  };
}

function retries(i: BoardInsights): InsightPanel {
  const r = i.retries;
  const retried = r.buckets.slice(1).reduce((a, b) => a + b, 0);
  return {
    id: 'retries', title: 'Retries per session', shape: 'columns',
    takeaway: r.sessions === 0 ? 'No session ran a check.'
      : `${count(retried)} of ${plural(r.sessions, 'session')} that ran checks re-ran one after it failed (${plural(r.total, 'retry', 'retries')}).`,
    bars: r.sessions === 0 ? [] : RETRY_BUCKETS.map((label, k) => ({
      label: `${label} ${label === '1' ? 'retry' : 'retries'}`, note: count(r.buckets[k] ?? 0),
      parts: [{ value: r.buckets[k] ?? 0, tone: k === 0 ? 'pass' as const : k >= 3 ? 'fail' as const : 'warn' as const }],
    })),
  };
}

function skipped(i: BoardInsights): InsightPanel {
  const top = i.skippedChecks[0];
  return {
    id: 'skipped', title: 'Required checks skipped', shape: 'rows',
    takeaway: top ? `${top.kind} was required and not run after the last change in ${plural(top.sessions, 'session')}.` : 'No required check was skipped (a task names its required checks).',
    bars: i.skippedChecks.map((c) => ({ label: c.kind, note: `in ${plural(c.sessions, 'session')}`, parts: [{ value: c.sessions, tone: 'warn' as const }] })),
  };
}

function boundary(i: BoardInsights): InsightPanel {
  const b = i.boundary;
  return {
    id: 'boundary', title: 'Boundary violations', shape: 'rows',
    takeaway: b.bounded === 0 ? 'No session ran under a boundary (Start task gives one).'
      : `${count(b.violating)} of ${count(b.bounded)} bounded ${b.bounded === 1 ? 'session' : 'sessions'} changed files outside their boundary.`,
    bars: b.files.map((f) => ({ label: f.path, code: true, note: plural(f.sessions, 'session'), parts: [{ value: f.sessions, tone: 'fail' as const }] })),
  };
}

function files(i: BoardInsights): InsightPanel {
  const top = i.files[0];
  return {
    id: 'files', title: 'Files changed most often', shape: 'rows',
    takeaway: top ? `${top.path} changed in ${plural(top.sessions, 'session')}.` : 'No file changed.',
    bars: i.files.map((f) => ({ label: f.path, code: true, note: plural(f.sessions, 'session'), parts: [{ value: f.sessions, tone: 'info' as const }] })),
  };
}

function categories(i: BoardInsights): InsightPanel {
  const top = i.categories[0];
  return {
    id: 'categories', title: 'Risk categories touched', shape: 'rows',
    takeaway: top ? `${top.title}: ${plural(top.sessions, 'session')} changed ${plural(top.files, 'file')} in it.` : 'No change fell into a risk category of the policy.',
    bars: i.categories.map((c) => ({ label: c.title, note: `${plural(c.sessions, 'session')} · ${plural(c.files, 'file')}`, parts: [{ value: c.sessions, tone: 'warn' as const }] })),
  };
}

function overrides(i: BoardInsights): InsightPanel {
  const o = i.overrides;
  const top = o.reasons[0];
  return {
    id: 'overrides', title: 'Overrides and their reasons', shape: 'rows',
    takeaway: top ? `${plural(o.total, 'override')}; the reason given most: "${top.reason}" (${count(top.count)}×).` : 'No gate was overridden.',
    bars: o.reasons.map((r) => ({ label: r.reason, note: `${count(r.count)}× · last by ${who(r.by) || 'someone'}`, parts: [{ value: r.count, tone: 'warn' as const }] })),
  };
}

function tokenSeries(i: BoardInsights): InsightPanel {
  const t = i.tokens;
  return {
    id: 'tokens', title: 'Tokens per session', shape: 'columns',
    takeaway: t.sessions.length ? `${tokens(t.median)} tokens a session (median), ${tokens(t.total)} in all.` : 'No token use recorded.',
    bars: t.sessions.map((x) => ({
      label: x.intent || x.id, note: `${count(x.input + x.output)} in and out, ${count(x.cache)} cached`,
      parts: [{ value: x.input + x.output, tone: 'info' as const }, { value: x.cache, tone: 'muted' as const }],
    })),
    ends: t.sessions.length > 1 ? ['older', 'newest'] : undefined,
    legend: [{ tone: 'info', label: 'input and output' }, { tone: 'muted', label: 'cache' }],
  };
}

/** Every panel, in the order a person reads them: what fails, what is skipped, where work goes, what is let through, what it costs. */
export function insightPanels(i: BoardInsights): InsightPanel[] {
  return [failing(i), recovery(i), retries(i), skipped(i), boundary(i), files(i), categories(i), overrides(i), tokenSeries(i)];
}

/** Four numbers to read at a glance, each flagged when it asks for a look. */
export function insightHeadlines(i: BoardInsights): { value: string; label: string; attention: boolean }[] {
  const checked = i.retries.sessions;
  return [
    { value: i.recovery.medianMs === undefined ? '—' : span(i.recovery.medianMs), label: 'failure to green (median)', attention: i.recovery.open > 0 },
    { value: count(i.retries.total), label: `${i.retries.total === 1 ? 'retry' : 'retries'} in ${plural(checked, 'session')}`, attention: i.retries.total > checked },
    { value: `${count(i.boundary.violating)}/${count(i.boundary.bounded)}`, label: 'bounded sessions out of bounds', attention: i.boundary.violating > 0 },
    { value: count(i.overrides.total), label: i.overrides.total === 1 ? 'override' : 'overrides', attention: i.overrides.total > 0 },
  ];
}

/** The sessions the insights cover, in words. */
export function insightScope(i: BoardInsights, day: (ms: number) => string): string {
  if (i.sessions === 0) return 'No sessions recorded yet.';
  const range = i.from !== undefined && i.to !== undefined ? ` (${day(i.from) === day(i.to) ? day(i.from) : `${day(i.from)} – ${day(i.to)}`})` : '';
  return `${i.sessions < i.window ? `All ${plural(i.sessions, 'session')}` : `The newest ${plural(i.sessions, 'session')}`}${range}`;
}
