import { HOOK_EVENTS } from './hook';

export type HookEvent = (typeof HOOK_EVENTS)[number];

/**
 * The first Claude Code release that knows each hook event Flightdeck installs. A settings file naming an
 * event the running Claude Code does not know is ignored whole (until 2.1.101), the user's own hooks with it.
 * Sources: Claude Code's CHANGELOG.md ("Released hooks" 1.0.38; UserPromptSubmit 1.0.54; SessionStart 1.0.62;
 * SessionEnd 1.0.85). PostToolUseFailure is not in the changelog: 2.0.56 is the first npm release whose
 * cli.js lists it among the hook events (2.0.55 does not).
 */
export const HOOK_EVENT_SINCE: Readonly<Record<HookEvent, string>> = {
  PreToolUse: '1.0.38',
  PostToolUse: '1.0.38',
  Stop: '1.0.38',
  UserPromptSubmit: '1.0.54',
  SessionStart: '1.0.62',
  SessionEnd: '1.0.85',
  PostToolUseFailure: '2.0.56',
};

/** The oldest Claude Code assumed when its version cannot be told: never write what a 1.0.85 would reject. */
export const ASSUMED_VERSION = '1.0.85';

/** The first version number in `claude --version`'s output ("2.0.47 (Claude Code)"). */
export function parseClaudeVersion(text: string): string | undefined {
  return /(?<![\d.])(\d+)\.(\d+)\.(\d+)(?![\d])/.exec(text)?.slice(1, 4).map(Number).join('.');
}

/** Orders dotted version numbers numerically (1.0.9 < 1.0.38); missing parts count as 0. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}

export interface HookSupport {
  /** The version found, or undefined when it could not be told. */
  version?: string;
  /** True when the version could not be told and ASSUMED_VERSION stood in for it. */
  assumed: boolean;
  /** Flightdeck's events this Claude Code knows, in HOOK_EVENTS order. */
  events: HookEvent[];
  /** Flightdeck's events it does not know, with the release that brought each. */
  missing: { event: HookEvent; since: string }[];
}

/** Which of Flightdeck's hook events a Claude Code version knows. */
export function hookSupport(version: string | undefined): HookSupport {
  const effective = version ?? ASSUMED_VERSION;
  const events: HookEvent[] = [];
  const missing: { event: HookEvent; since: string }[] = [];
  for (const event of HOOK_EVENTS) {
    const since = HOOK_EVENT_SINCE[event];
    if (compareVersions(effective, since) >= 0) events.push(event);
    else missing.push({ event, since });
  }
  return { version, assumed: version === undefined, events, missing };
}
