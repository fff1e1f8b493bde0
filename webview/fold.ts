import type { BoardSection } from '../src/protocol';
import { h, icon } from './dom';

// A board section whose header folds it: a real button (Enter and Space work, aria-expanded says the state); folded,
// the header carries a count and the body is not built at all.

export interface Fold {
  expanded: boolean;
  /** Shown after the title while folded ("Ships · 12"). */
  count: string;
  /** The count needs a look (open reviews): marked while folded. */
  attention?: boolean;
}

/** The section and the element its body goes into (appended only while expanded). */
export function foldSection(id: BoardSection, title: string, fold: Fold, attrs: Record<string, string>): { section: HTMLElement; body: HTMLElement } {
  const button = h('button', {
    type: 'button', class: 'fold', id: `${id}-fold`, 'aria-expanded': String(fold.expanded), 'aria-controls': `${id}-body`,
    'data-cmd': 'toggle-section', 'data-section': id, title: fold.expanded ? `Fold ${title}` : `Show ${title}`,
  },
  icon('chevron-right'),
  h('span', { class: 'fold-title' }, title),
  fold.expanded ? undefined : h('span', { class: fold.attention ? 'fold-count attention' : 'fold-count' }, ` · ${fold.count}`),
  );
  const body = h('div', { id: `${id}-body`, class: 'fold-body', 'data-key': `${id}-body` });
  const section = h('section', { ...attrs, class: `${attrs.class ?? ''} foldable${fold.expanded ? ' expanded' : ''}`.trim(), 'aria-labelledby': `${id}-h` },
    h('h2', { id: `${id}-h`, class: 'fold-h' }, button));
  if (fold.expanded) section.append(body);
  return { section, body };
}
