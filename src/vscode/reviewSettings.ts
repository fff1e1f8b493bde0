import * as vscode from 'vscode';
import { parseAutomatic, type AutomaticReview } from '../core/review/automatic';

export interface ReviewSettings {
  model: string;
  baseUrl: string;
  timeoutMs: number;
  automatic: AutomaticReview;
  /** How long a risky change must rest before an automatic review looks at it. */
  quietMs: number;
}

/** `flightdeck.review.*`, read at each use so a change applies to the next review. */
export function reviewSettings(): ReviewSettings {
  const c = vscode.workspace.getConfiguration('flightdeck.review');
  const seconds = (key: string, fallback: number, min: number): number => {
    const v = c.get<number>(key, fallback);
    return Math.max(min, Number.isFinite(v) ? v : fallback) * 1000;
  };
  return {
    model: c.get<string>('model', '').trim(),
    baseUrl: c.get<string>('baseUrl', '').trim(),
    timeoutMs: seconds('timeoutSeconds', 120, 5),
    automatic: parseAutomatic(c.get('automatic')),
    quietMs: seconds('quietSeconds', 60, 1),
  };
}
