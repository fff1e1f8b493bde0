// The insights panels as HTML with inline SVG, for the dashboard: drawn without JavaScript, every string escaped.
import type { BoardInsights } from '../../protocol';
import { escapeHtml as e } from './escape';
import { barScale, insightHeadlines, insightPanels, insightScope, panelMax, type InsightBar, type InsightPanel } from './insightPanels';

const num = (n: number): string => String(Math.round(n * 100) / 100);

/** One row's bar: its parts side by side, against the panel's largest. */
function rowBar(b: InsightBar, max: number): string {
  let x = 0;
  const rects = b.parts.filter((p) => p.value > 0).map((p) => {
    const w = (p.value / max) * 100;
    const r = `<rect x="${num(x)}" y="0" width="${num(w)}" height="10" class="t-${p.tone}"/>`;
    x += w;
    return r;
  });
  return `<svg class="bar" viewBox="0 0 100 10" preserveAspectRatio="none" role="img" aria-label="${e(`${b.label}: ${b.note}`)}">${rects.join('')}</svg>`;
}

function rows(p: InsightPanel): string {
  const max = panelMax(p);
  return p.bars.map((b) => `<div class="bar-row"><span class="bar-label${b.code ? '' : ' text'}" title="${e(b.label)}">${b.code ? `<code>${e(b.label)}</code>` : e(b.label)}</span>${rowBar(b, barScale(p, b, max))}<span class="bar-note">${e(b.note)}</span></div>`).join('');
}

/** Columns, left to right, each part stacked from the bottom; a histogram's columns are labelled under it. */
function columns(p: InsightPanel): string {
  const max = panelMax(p);
  const slot = 10;
  const height = 40;
  const cols = p.bars.map((b, k) => {
    let y = height;
    const rects = b.parts.filter((part) => part.value > 0).map((part) => {
      const h = (part.value / max) * height;
      y -= h;
      return `<rect x="${num(k * slot + 1.5)}" y="${num(y)}" width="${slot - 3}" height="${num(h)}" class="t-${part.tone}"/>`;
    });
    return `<g><title>${e(`${b.label}: ${b.note}`)}</title>${rects.join('')}</g>`;
  });
  const label = p.bars.map((b) => `${b.label}: ${b.note}`).join('; ');
  const svg = `<svg class="columns" viewBox="0 0 ${p.bars.length * slot} ${height}" preserveAspectRatio="none" role="img" aria-label="${e(`${p.title}: ${label}`)}"><line x1="0" y1="${height}" x2="${p.bars.length * slot}" y2="${height}" class="axis"/>${cols.join('')}</svg>`;
  const under = p.ends
    ? `<div class="col-ends"><span>${e(p.ends[0])}</span><span>${e(p.ends[1])}</span></div>`
    : `<div class="col-labels" data-n="${p.bars.length}">${p.bars.map((b) => `<span><b>${e(b.note)}</b>${e(b.label)}</span>`).join('')}</div>`;
  return svg + under;
}

function panel(p: InsightPanel): string {
  const legend = p.legend && p.bars.length ? `<p class="legend">${p.legend.map((l) => `<span><i class="t-${l.tone}"></i>${e(l.label)}</span>`).join('')}</p>` : '';
  const chart = p.bars.length === 0 ? '' : p.shape === 'rows' ? rows(p) : columns(p);
  return `<div class="panel" id="insight-${e(p.id)}"><h3>${e(p.title)}</h3><p class="takeaway">${e(p.takeaway)}</p>${chart}${legend}</div>`;
}

/** The CSS the panels need (the dashboard's own variables: --fg, --muted, --line, --bad). */
export const INSIGHTS_CSS = `
.insights .grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(320px, 1fr)); gap: 12px 28px; margin: 8px 0 24px; }
.panel h3 { margin: 10px 0 2px; } .takeaway { margin: 0 0 8px; }
.bar-row { display: grid; grid-template-columns: minmax(0, 42%) 1fr auto; gap: 8px; align-items: center; margin: 3px 0; font-size: 13px; }
.bar-label { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; } .bar-label code { overflow-wrap: normal; } .bar-label.text { white-space: normal; overflow-wrap: anywhere; }
.bar-note { color: var(--muted); font-size: 12px; white-space: nowrap; font-variant-numeric: tabular-nums; max-width: 14em; overflow: hidden; text-overflow: ellipsis; }
svg.bar { width: 100%; height: 12px; background: color-mix(in srgb, var(--line) 40%, transparent); border-radius: 2px; }
svg.columns { width: 100%; height: 90px; display: block; } svg .axis { stroke: var(--line); stroke-width: 1; vector-effect: non-scaling-stroke; }
.col-labels { display: flex; } .col-labels span { flex: 1 1 0; text-align: center; font-size: 11px; color: var(--muted); }
.col-labels b { display: block; color: var(--fg); font-size: 13px; font-variant-numeric: tabular-nums; }
.col-ends { display: flex; justify-content: space-between; font-size: 11px; color: var(--muted); }
.legend { font-size: 11px; color: var(--muted); margin: 4px 0 0; } .legend span { margin-right: 12px; }
.legend i { display: inline-block; width: 9px; height: 9px; margin-right: 4px; border-radius: 2px; background: currentColor; }
.t-fail { fill: var(--bad); } .t-pass { fill: #2da44e; } .t-warn { fill: #bf8700; } .t-info { fill: #0969da; } .t-muted { fill: var(--muted); opacity: 0.45; }
i.t-fail { color: var(--bad); } i.t-pass { color: #2da44e; } i.t-warn { color: #bf8700; } i.t-info { color: #0969da; } i.t-muted { color: var(--muted); opacity: 0.45; }
`;

/** The Insights section of the dashboard. */
export function insightsHtml(i: BoardInsights): string {
  const scope = insightScope(i, (ms) => new Date(ms).toISOString().slice(0, 10));
  return `<section class="insights" id="insights"><h2>Insights</h2><p class="muted">${e(scope)}: where the workflow is weak.</p>
<div class="tiles">${insightHeadlines(i).map((t) => `<div${t.attention ? ' class="bad"' : ''}><b>${e(t.value)}</b>${e(t.label)}</div>`).join('')}</div>
<div class="grid">${insightPanels(i).map(panel).join('\n')}</div></section>`;
}
