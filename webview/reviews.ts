import type { BoardReview } from '../src/protocol';
import { h, icon } from './dom';
import { ago, clock, plural } from './format';
import { foldSection, type Fold } from './fold';

// The Reviews section: open reviews with their concerns (each a link to its line) and what can be done about them,
// then the most recent closed ones. Every string is a text node (dom.ts).

const STATUS_ICON: Record<string, string> = {
  pending: 'loading', concerns: 'warning', failed: 'error', passed: 'pass', resolved: 'check', overridden: 'unlock',
};

function reviewButton(label: string, action: string, reviewId: string, codicon: string): HTMLElement {
  const start = icon(codicon);
  start.setAttribute('slot', 'start');
  return h('vscode-button', { appearance: 'secondary', 'data-cmd': 'review-action', 'data-action': action, 'data-review': reviewId }, start, label);
}

function engines(r: BoardReview): string {
  return r.engines.map((e) => `${e.engine}${e.model ? ` (${e.model})` : ''}${e.status === r.status ? '' : `: ${e.status}`}`).join(' · ') || 'no verdict yet';
}

function concernItem(c: BoardReview['concerns'][number], index: number): HTMLElement {
  const where = `${c.file}${c.line ? `:${c.line}` : ''}`;
  const data: Record<string, string> = { 'data-cmd': 'open-concern', 'data-path': c.file, title: `Open ${where}` };
  if (c.line) data['data-line'] = String(c.line);
  return h('li', { class: `concern sev-${c.severity}`, 'data-key': `concern:${index}` },
    h('div', { class: 'concern-head' },
      h('span', { class: `severity sev-${c.severity}` }, c.severity),
      h('button', { class: 'link', type: 'button', ...data }, where),
      h('span', { class: 'concern-title' }, c.title),
    ),
    h('div', { class: 'concern-explanation' }, c.explanation),
    h('div', { class: 'concern-source muted' }, c.source),
  );
}

function reviewItem(r: BoardReview, trusted: boolean): HTMLElement {
  const when = r.verdictAt ?? r.openedAt;
  const meta = [engines(r), when ? clock(when) : '', r.concerns.length ? plural(r.concerns.length, 'concern') : ''].filter(Boolean).join(' · ');
  const item = h('li', { class: `review status-${r.status}`, 'data-key': `review:${r.id}`, 'aria-label': `Review of ${r.subject}: ${r.status}` },
    h('div', { class: 'review-head' },
      h('span', { class: `review-status status-${r.status}` }, icon(STATUS_ICON[r.status] ?? 'eye'), ` ${r.status}`),
      h('span', { class: 'review-subject', title: r.subject }, r.subject),
    ),
    h('div', { class: 'review-meta' }, meta),
  );
  for (const e of r.engines) if (e.error) item.append(h('p', { class: 'review-error' }, icon('error'), ` ${e.engine}: ${e.error}`));
  if (r.open && r.concerns.length) {
    const list = h('ol', { class: 'concerns', 'aria-label': 'Concerns' });
    r.concerns.forEach((c, i) => list.append(concernItem(c, i)));
    item.append(list);
  }
  if (r.override) {
    const o = r.override;
    const until = o.expiresAt ? ` · until ${clock(o.expiresAt)}${o.expiresAt <= Date.now() ? ' (lapsed)' : ''}` : '';
    item.append(h('p', { class: 'review-override' }, icon('unlock'), ` Overridden by ${o.by} ${ago(o.at)}: "${o.reason}"${until}`));
  }
  if (r.status === 'resolved' && r.supersededBy) item.append(h('p', { class: 'muted review-resolved' }, 'Superseded: the change was reviewed again'));
  else if (r.status === 'resolved' && r.resolvedBy) item.append(h('p', { class: 'muted review-resolved' }, `Resolved by ${r.resolvedBy}`));
  if (r.open && trusted) {
    item.append(h('div', { class: 'actions' },
      reviewButton('Re-review', 'rereview', r.id, 'refresh'),
      reviewButton('Mark resolved', 'resolve', r.id, 'check'),
      reviewButton('Override…', 'override', r.id, 'unlock'),
    ));
  }
  return item;
}

/** The section, or nothing when there is nothing to show and nothing to do. */
export function reviewsSection(reviews: readonly BoardReview[], trusted: boolean, fold: Fold): HTMLElement | undefined {
  if (reviews.length === 0 && !trusted) return undefined;
  const { section: outer, body: section } = foldSection('reviews', 'Reviews', fold, { class: 'reviews', 'data-key': 'reviews' });
  if (!fold.expanded) return outer;
  const open = reviews.filter((r) => r.open);
  const closed = reviews.filter((r) => !r.open);
  if (reviews.length === 0) section.append(h('p', { class: 'muted' }, 'No reviews yet. A change to auth, payments, migrations or other risky code is reviewed here.'));
  else if (open.length === 0) section.append(h('p', { class: 'muted' }, 'No open reviews.'));
  if (open.length) {
    const list = h('ol', { class: 'review-list', 'aria-label': 'Open reviews, newest first', 'data-key': 'open-reviews' });
    for (const r of open) list.append(reviewItem(r, trusted));
    section.append(list);
  }
  if (trusted) {
    const start = icon('eye');
    start.setAttribute('slot', 'start');
    section.append(h('div', { class: 'actions', 'data-key': 'review-actions' },
      h('vscode-button', { appearance: open.length ? 'secondary' : 'primary', 'data-cmd': 'action', 'data-action': 'requestReview' }, start, 'Request review')));
  }
  if (closed.length) {
    const list = h('ol', { class: 'review-list closed', 'aria-label': 'Recent closed reviews, newest first', 'data-key': 'closed-reviews' });
    for (const r of closed) list.append(reviewItem(r, trusted));
    section.append(h('h3', { class: 'day', 'data-key': 'recent-reviews-h' }, 'Recent'), list);
  }
  return outer;
}
