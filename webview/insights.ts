import type { BoardInsights } from '../src/protocol';
import { barScale, insightHeadlines, insightPanels, insightScope, panelMax, type InsightPanel } from '../src/core/report/insightPanels';
import { barChart, columnChart } from './charts';
import { h } from './dom';
import { foldSection, type Fold } from './fold';

// The Insights section: what the trail teaches across the newest sessions, as charts. Folded until opened; the
// extension builds the insights only while it is open, apart from the board's state. Every string is a text node.

function rows(p: InsightPanel): HTMLElement {
  const max = panelMax(p);
  const list = h('ul', { class: 'insight-rows' });
  p.bars.forEach((b, k) => {
    const label = b.code ? h('code', {}, b.label) : h('span', {}, b.label);
    list.append(h('li', { class: b.code ? 'insight-row' : 'insight-row text', 'data-key': `${p.id}:${k}` },
      h('span', { class: b.code ? 'insight-label' : 'insight-label text', title: b.label }, label),
      h('span', { class: 'insight-note' }, b.note),
      barChart(b.parts, barScale(p, b, max), `${b.label}: ${b.note}`),
    ));
  });
  return list;
}

function columns(p: InsightPanel): HTMLElement {
  const chart = columnChart(p.bars.map((b) => ({ parts: b.parts, title: `${b.label}: ${b.note}` })), panelMax(p),
    `${p.title}: ${p.bars.map((b) => `${b.label}: ${b.note}`).join('; ')}`);
  const under = p.ends
    ? h('div', { class: 'col-ends' }, h('span', {}, p.ends[0]), h('span', {}, p.ends[1]))
    : h('div', { class: 'col-labels' }, ...p.bars.map((b) => h('span', {}, h('b', {}, b.note), b.label)));
  return h('div', { class: 'insight-columns' }, chart, under);
}

function panel(p: InsightPanel): HTMLElement {
  const el = h('div', { class: `insight-panel${p.bars.length ? '' : ' empty'}`, 'data-key': `insight:${p.id}`, role: 'group', 'aria-labelledby': `insight-${p.id}-h` },
    h('h3', { id: `insight-${p.id}-h` }, p.title),
    h('p', { class: 'takeaway' }, p.takeaway),
  );
  if (p.bars.length) el.append(p.shape === 'rows' ? rows(p) : columns(p));
  if (p.legend && p.bars.length) {
    el.append(h('p', { class: 'legend' }, ...p.legend.map((l) => h('span', {}, h('i', { class: `swatch t-${l.tone}` }), l.label))));
  }
  return el;
}

const day = (ms: number): string => new Date(ms).toLocaleDateString([], { month: 'short', day: 'numeric' });

/** The section: a header that folds it, and the panels once they arrive (asked for only while it is open). */
export function insightsSection(insights: BoardInsights | undefined, fold: Fold): HTMLElement {
  const { section, body: details } = foldSection('insights', 'Insights', fold, { class: 'insights', 'data-key': 'insights' });
  const open = fold.expanded;
  if (open) {
    if (!insights) details.append(h('p', { class: 'muted', 'data-key': 'insights-wait' }, 'Reading the record…'));
    else {
      details.append(
        h('p', { class: 'muted insights-scope', 'data-key': 'insights-scope' }, `${insightScope(insights, day)}: where the workflow is weak.`),
        h('div', { class: 'tiles insight-headlines', 'data-key': 'insight-headlines' }, ...insightHeadlines(insights).map((t) =>
          h('div', { class: t.attention ? 'tile attention' : 'tile', role: 'group', 'aria-label': `${t.label}: ${t.value}` },
            h('div', { class: 'tile-value' }, t.value), h('div', { class: 'tile-label', title: t.label }, t.label)))),
        h('div', { class: 'insight-grid', 'data-key': 'insight-grid' }, ...insightPanels(insights).map(panel)),
      );
    }
  }
  return section;
}
