import type { BoardSession, SessionActivity } from '../src/protocol';

const SVG = 'http://www.w3.org/2000/svg';

function svg(width: number, height: number, label: string): SVGSVGElement {
  const el = document.createElementNS(SVG, 'svg');
  el.setAttribute('viewBox', `0 0 ${width} ${height}`);
  el.setAttribute('preserveAspectRatio', 'none');
  el.setAttribute('role', 'img');
  el.setAttribute('aria-label', label);
  const title = document.createElementNS(SVG, 'title');
  title.textContent = label;
  el.append(title);
  return el;
}

function rect(x: number, y: number, w: number, h: number, cls: string): SVGRectElement {
  const r = document.createElementNS(SVG, 'rect');
  r.setAttribute('x', String(x));
  r.setAttribute('y', String(y));
  r.setAttribute('width', String(Math.max(0, w)));
  r.setAttribute('height', String(Math.max(0, h)));
  r.setAttribute('class', cls);
  return r;
}

/** A session's activity over time: a bar per time slice, failures in the error color on top. */
export function activityChart(a: SessionActivity): SVGSVGElement {
  const n = a.counts.length;
  const height = 32;
  const max = Math.max(1, ...a.counts);
  const total = a.counts.reduce((x, y) => x + y, 0);
  const failed = a.failures.reduce((x, y) => x + y, 0);
  const minutes = Math.max(1, Math.round((a.end - a.start) / 60_000));
  const chart = svg(n, height, `Activity over ${minutes} min: ${total} events, ${failed} failures`);
  chart.setAttribute('class', 'chart activity');
  a.counts.forEach((c, i) => {
    const h = (c / max) * height;
    const f = Math.min(h, ((a.failures[i] ?? 0) / max) * height);
    chart.append(rect(i + 0.1, height - h, 0.8, h - f, 'bar'));
    if (f > 0) chart.append(rect(i + 0.1, height - h, 0.8, Math.max(f, 2), 'bar fail'));
  });
  return chart;
}

/** Checks of recent sessions, oldest left: passed in green, failed in red, stacked. */
export function checksTrend(sessions: readonly BoardSession[]): SVGSVGElement | undefined {
  const recent = sessions.slice(0, 20).reverse();
  const max = Math.max(0, ...recent.map((s) => s.passedChecks + s.failedChecks));
  if (max === 0) return undefined;
  const height = 28;
  const passed = recent.reduce((x, s) => x + s.passedChecks, 0);
  const failed = recent.reduce((x, s) => x + s.failedChecks, 0);
  // Twenty slots, newest at the right: a few sessions make a few thin bars, not a few slabs.
  const slots = 20;
  const chart = svg(slots, height, `Checks in the last ${recent.length} sessions: ${passed} passed, ${failed} failed`);
  chart.setAttribute('class', 'chart trend');
  recent.forEach((s, i) => {
    const x = slots - recent.length + i + 0.15;
    const p = (s.passedChecks / max) * height;
    const f = (s.failedChecks / max) * height;
    chart.append(rect(x, height - p - f, 0.7, f, 'bar fail'), rect(x, height - p, 0.7, p, 'bar pass'));
  });
  return chart;
}

/** One part of a bar and its tone (a `t-…` class: the theme's chart colours). */
export interface ChartPart {
  value: number;
  tone: string;
}

/** A horizontal bar: its parts side by side, drawn against `max` (the panel's largest). */
export function barChart(parts: readonly ChartPart[], max: number, label: string): SVGSVGElement {
  const chart = svg(100, 6, label);
  chart.setAttribute('class', 'chart hbar');
  chart.append(rect(0, 0, 100, 6, 'track'));
  let x = 0;
  for (const p of parts) {
    if (p.value <= 0) continue;
    const w = (p.value / Math.max(1, max)) * 100;
    chart.append(rect(x, 0, w, 6, `t-${p.tone}`));
    x += w;
  }
  return chart;
}

/** Columns left to right, each one's parts stacked from the bottom, each with its own tooltip. */
export function columnChart(columns: readonly { parts: readonly ChartPart[]; title: string }[], max: number, label: string): SVGSVGElement {
  const slot = 10;
  const height = 40;
  const chart = svg(columns.length * slot, height, label);
  chart.setAttribute('class', 'chart columns');
  chart.append(rect(0, height - 0.5, columns.length * slot, 0.5, 'track'));
  columns.forEach((c, k) => {
    const g = document.createElementNS(SVG, 'g');
    const title = document.createElementNS(SVG, 'title');
    title.textContent = c.title;
    g.append(title);
    let y = height;
    for (const p of c.parts) {
      if (p.value <= 0) continue;
      const h = Math.max(0.8, (p.value / Math.max(1, max)) * height);
      y -= h;
      g.append(rect(k * slot + 1.5, y, slot - 3, h, `t-${p.tone}`));
    }
    chart.append(g);
  });
  return chart;
}
