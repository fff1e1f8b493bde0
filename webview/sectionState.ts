import type { BoardSection } from '../src/protocol';
import { count, plural } from './format';

// Which board sections are folded, and what a folded header says. No DOM here: the rules are tested on their own.

/** What the defaults and the folded headers are read from. */
export interface SectionFacts {
  openReviews: number;
  ships: number;
  /** Who holds the deploy lock, if anyone does. */
  lockHeldBy?: string;
  sessions: number;
  /** Reviews were open by default earlier in this view: they stay open when the last open review closes (not folded under the user's hand). */
  reviewsWereOpen?: boolean;
}

/**
 * Whether a section shows its body: as the user last left it in this workspace; until then Reviews are open while
 * one is open (pending, with concerns, failed) and until the view reloads after that, Ships and Insights folded.
 */
export function sectionExpanded(id: BoardSection, chosen: Partial<Record<BoardSection, boolean>> | undefined, facts: SectionFacts): boolean {
  const mine = chosen?.[id];
  if (mine !== undefined) return mine;
  return id === 'reviews' ? facts.openReviews > 0 || facts.reviewsWereOpen === true : false;
}

/** What a folded header says after its title ("Ships · 12"): enough to know whether to open it. */
export function sectionCount(id: BoardSection, facts: SectionFacts): string {
  if (id === 'reviews') return facts.openReviews ? `${count(facts.openReviews)} open` : 'none open';
  if (id === 'ships') return [count(facts.ships), facts.lockHeldBy ? `lock: ${facts.lockHeldBy}` : ''].filter(Boolean).join(' · ');
  return plural(facts.sessions, 'session');
}
