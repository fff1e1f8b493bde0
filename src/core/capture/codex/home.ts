import { homedir } from 'node:os';
import { join } from 'node:path';

/** Codex's home: $CODEX_HOME, else ~/.codex. */
export function codexHome(env: NodeJS.ProcessEnv = process.env): string {
  return env.CODEX_HOME || join(homedir(), '.codex');
}

/** Where Codex writes rollouts: <home>/sessions/YYYY/MM/DD/rollout-*.jsonl. */
export function codexSessionsDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(codexHome(env), 'sessions');
}

const pad = (n: number): string => String(n).padStart(2, '0');

/**
 * What a live tail of a date tree watches: the sessions folder and today's year, month and day folders
 * (a new day's folder shows up as a change in its month), and yesterday's day folder for a session that
 * runs past midnight. Codex names the folders by local date. Older days are caught by the poll.
 */
export function codexWatchDirs(dir: string, now: Date): string[] {
  const yesterday = new Date(now.getTime() - 86_400_000);
  const day = (d: Date): string[] => [join(dir, String(d.getFullYear())), join(dir, String(d.getFullYear()), pad(d.getMonth() + 1)),
    join(dir, String(d.getFullYear()), pad(d.getMonth() + 1), pad(d.getDate()))];
  return [...new Set([dir, ...day(yesterday), ...day(now)])];
}
