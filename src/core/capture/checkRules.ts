import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CheckRule } from './classify';

/**
 * The user's extra check rules (`flightdeck.checks.rules`), copied beside the record by the extension:
 * `flightdeck hook` runs outside VS Code and cannot read its settings, but must classify the same way.
 */
export const CHECK_RULES_FILE = 'check-rules.json';

/** The rules last written for this record; none when there is no file or it cannot be read. */
export function readCheckRules(recordDir: string): CheckRule[] {
  try {
    const parsed: unknown = JSON.parse(readFileSync(join(recordDir, CHECK_RULES_FILE), 'utf8'));
    // Malformed entries are skipped by classifyCheck itself; only the shape is checked here.
    return Array.isArray(parsed) ? parsed.filter((r): r is CheckRule => typeof r === 'object' && r !== null) : [];
  } catch {
    return [];
  }
}

/** Writes the rules atomically when they changed; says whether it wrote. */
export function writeCheckRules(recordDir: string, rules: readonly CheckRule[]): boolean {
  const text = JSON.stringify(Array.isArray(rules) ? rules : [], null, 2) + '\n';
  const path = join(recordDir, CHECK_RULES_FILE);
  try {
    if (readFileSync(path, 'utf8') === text) return false;
  } catch {
    // Not written yet.
  }
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
  return true;
}
