// How a recorded concern reads where people see it: in the editor's Problems, the explorer's badge, the board.
import type { Concern } from './types';
import type { ReviewRow } from './reviewQueries';

/** A concern placed in a file, with the review it belongs to. */
export interface PlacedConcern {
  reviewId: string;
  file: string;
  /** 0-based line for the editor (the concern's first line when it names none). */
  line: number;
  message: string;
  /** "Flightdeck rules" or "Flightdeck anthropic". */
  source: string;
  /** The rule id, else the model, else the engine. */
  code: string;
  severity: Concern['severity'];
}

/** An absolute path or one through `..`: a concern recorded before engines kept to the reviewed files may name one. */
function escapesRepository(file: string): boolean {
  return /^(?:[\\/]|[A-Za-z]:)/.test(file) || file.split(/[\\/]/).includes('..');
}

/** Every concern of the open reviews, placed on its line; the newest review's copy wins when two say the same. */
export function placeConcerns(reviews: readonly ReviewRow[]): PlacedConcern[] {
  const seen = new Set<string>();
  const out: PlacedConcern[] = [];
  for (const r of reviews) {
    if (r.status !== 'concerns' && r.status !== 'failed' && r.status !== 'pending') continue;
    for (const c of r.concerns) {
      if (!c.file || escapesRepository(c.file)) continue;
      const engine = c.engine ?? r.engine ?? 'review';
      const line = c.line !== undefined && Number.isInteger(c.line) && c.line >= 1 ? c.line - 1 : 0;
      const message = `${c.title}: ${c.explanation}`;
      const key = `${c.file}\0${line}\0${message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ reviewId: r.id, file: c.file, line, message, source: `Flightdeck ${engine}`, code: c.rule ?? (engine === 'rules' ? 'rules' : r.model ?? engine), severity: c.severity });
    }
  }
  return out;
}

/** The explorer's tooltip for a file: its categories and rules, and its open concerns. */
export function riskTooltip(categories: readonly string[], concerns: number, mode: 'advisory' | 'enforce'): string {
  const parts: string[] = [];
  if (categories.length) parts.push(`Flightdeck: risky change (${categories.join(', ')})`);
  if (concerns) parts.push(`${concerns} open concern${concerns === 1 ? '' : 's'}${mode === 'enforce' ? ' (enforce mode: the gate holds until reviewed or overridden)' : ''}`);
  else if (categories.length) parts.push('no open concerns');
  return parts.join(' · ');
}
