import { appendFileSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describeFsError, readTextIfExists } from '../record/errors';
import { gitCommonDir } from '../record/location';
import type { ClaudeProbe } from './claudeProbe';
import { flightdeckCommandsByEvent, hookCommand, parseSettings, withFlightdeckHooks, withoutFlightdeckHooks } from './claudeSettings';
import { HOOK_EVENTS } from './hook';
import { ASSUMED_VERSION, compareVersions, hookSupport, type HookSupport } from './claudeVersions';

// Connect/Disconnect Claude Code, shared by the VS Code commands and `flightdeck connect|disconnect claude`.

type Json = Record<string, unknown>;

/** The personal, uncommitted settings file Flightdeck's hooks go into. */
export function claudeSettingsPath(root: string): string {
  return join(root, '.claude', 'settings.local.json');
}

/**
 * Hook commands that run `cli` (an absolute dist/cli.js) with the runtime running us (Electron as Node in VS Code),
 * with `extraEnv` set for them.
 */
export function cliHookCommand(cli: string, extraEnv: Record<string, string> = {}): (event: string) => string {
  const env: Record<string, string> = {
    // Set by some proxies' setups, it makes node parse every extra CA certificate as it starts (50-90 ms for a
    // system bundle) on each tool call; the hook never opens a TLS connection, so empty (unset, to node) is right.
    NODE_EXTRA_CA_CERTS: '',
    ...(process.versions.electron ? { ELECTRON_RUN_AS_NODE: '1' } : {}),
    ...extraEnv,
  };
  return (event) => hookCommand(process.execPath, cli, event, env);
}

/** The same, for Codex's hooks: marked so the hook reads the payload as Codex's. */
export const codexHookCommand = (cli: string): ((event: string) => string) => cliHookCommand(cli, { FLIGHTDECK_AGENT: 'codex' });

/** Writes the whole file or nothing (temp file, then rename): a crash never leaves half a settings file. */
function writeSettings(path: string, settings: object): void {
  const staging = `${path}.flightdeck-${process.pid}`;
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(staging, JSON.stringify(settings, null, 2) + '\n');
    renameSync(staging, path);
  } catch (err) {
    throw describeFsError('write', path, err);
  }
}

/**
 * Keeps the personal settings file out of commits (it holds absolute paths of this machine):
 * listed in .git/info/exclude unless already there.
 */
function keepOutOfGit(repoRoot: string, path: string): void {
  try {
    if (relative(repoRoot, path).replace(/\\/g, '/') !== '.claude/settings.local.json') return;
    const exclude = join(gitCommonDir(repoRoot), 'info', 'exclude');
    const line = '/.claude/settings.local.json';
    let existing = '';
    try {
      existing = readFileSync(exclude, 'utf8');
    } catch {
      // No exclude file yet.
    }
    if (existing.split('\n').some((l) => l.trim() === line || l.trim() === '.claude/settings.local.json')) return;
    mkdirSync(dirname(exclude), { recursive: true });
    appendFileSync(exclude, `${existing && !existing.endsWith('\n') ? '\n' : ''}${line}\n`);
  } catch {
    // Not being able to add the exclusion is no reason to fail connecting.
  }
}

export interface ConnectPlan {
  path: string;
  claude: ClaudeProbe;
  support: HookSupport;
  /** What the file will hold. */
  settings: Json;
  /** Whether that differs from the file now (connecting again changes nothing). */
  changed: boolean;
  /** Events whose Flightdeck hook is new or rewritten. */
  added: string[];
  /** Flightdeck's hooks dropped: events this Claude Code does not know. */
  removed: string[];
  /** The user's own hooks for events this Claude Code does not know: left alone, but worth saying. */
  userUnknown: string[];
  /** The command each hook runs, with `<event>` in place of the event. */
  command: string;
}

/** What connecting would do to the settings file at `path`; a broken file is an error naming it. */
export function planConnect(path: string, claude: ClaudeProbe, commandFor: (event: string) => string): ConnectPlan {
  const text = readTextIfExists(path);
  const current = parseSettings(text, path);
  const support = hookSupport(claude.version);
  const change = withFlightdeckHooks(current, commandFor, support.events);
  const hooks = change.settings.hooks;
  const userUnknown = support.assumed || typeof hooks !== 'object' || hooks === null
    ? []
    : support.missing.map((m) => m.event).filter((e) => e in hooks);
  return {
    path, claude, support, settings: change.settings, added: change.added, removed: change.removed, userUnknown,
    // Too old for any hook: nothing is written, not even a cleanup.
    changed: support.events.length > 0 && (text === undefined || JSON.stringify(change.settings) !== JSON.stringify(current)),
    command: commandFor('<event>'),
  };
}

/** Writes a connect plan (when it changes anything), and keeps the file out of git. */
export function applyConnect(plan: ConnectPlan, repoRoot: string | undefined): void {
  if (!plan.changed) return;
  writeSettings(plan.path, plan.settings);
  if (repoRoot) keepOutOfGit(repoRoot, plan.path);
}

/**
 * The hooks a refresh keeps: the version's events when it is known; when it is not, the events already
 * installed (a probe that timed out once must not take away what an earlier Connect added).
 */
export function planRefresh(path: string, claude: ClaudeProbe, commandFor: (event: string) => string): ConnectPlan | undefined {
  const text = readTextIfExists(path);
  if (text === undefined || !text.includes('flightdeck-hook')) return undefined;
  if (claude.version !== undefined) return planConnect(path, claude, commandFor);
  const current = parseSettings(text, path);
  const installed = flightdeckCommandsByEvent(current);
  const events = HOOK_EVENTS.filter((e) => installed.has(e));
  const change = withFlightdeckHooks(current, commandFor, events);
  return {
    path, claude, support: hookSupport(undefined), settings: change.settings, added: change.added, removed: change.removed,
    userUnknown: [], changed: JSON.stringify(change.settings) !== JSON.stringify(current), command: commandFor('<event>'),
  };
}

export interface DisconnectPlan {
  path: string;
  settings: Json;
  removed: string[];
  changed: boolean;
}

/** What disconnecting would do: only Flightdeck's entries go. */
export function planDisconnect(path: string): DisconnectPlan {
  const text = readTextIfExists(path);
  const change = withoutFlightdeckHooks(parseSettings(text, path));
  return { path, settings: change.settings, removed: change.removed, changed: change.removed.length > 0 };
}

export function applyDisconnect(plan: DisconnectPlan): void {
  if (plan.changed) writeSettings(plan.path, plan.settings);
}

/** Which Claude Code was found, in words. */
export function describeClaude(plan: ConnectPlan): string {
  const { claude, support } = plan;
  if (claude.version) return `Claude Code ${claude.version} (${claude.path})`;
  const tried = claude.tried.length
    ? `tried ${claude.tried.map((t) => `${t.path}: ${t.problem ?? 'no version'}`).join('; ')}`
    : 'no claude on PATH, in ~/.local/bin or in ~/.claude/local';
  const left = support.missing.map((m) => m.event).join(', ');
  return `Claude Code's version could not be told (${tried}); assumed ${ASSUMED_VERSION} or later` +
    (left ? `, so ${left} ${support.missing.length === 1 ? 'is' : 'are'} left out (connect again once \`claude --version\` works to add ${support.missing.length === 1 ? 'it' : 'them'})` : '');
}

/** What connecting did (or, before confirming, would do), one fact a line. */
export function describeConnect(plan: ConnectPlan, done = true): string[] {
  const { support } = plan;
  const lines = [describeClaude(plan)];
  const who = support.version ? `Claude Code ${support.version}` : 'that Claude Code';
  if (support.events.length === 0) {
    const first = support.missing.map((m) => m.since).sort(compareVersions)[0];
    lines.push(`${who} has no hooks (they came in ${first}): nothing was written to ${plan.path}. Update Claude Code, then connect again.`);
    if (plan.removed.length) lines.push(`Flightdeck's earlier hooks (${plan.removed.join(', ')}) are still in that file: disconnect to remove them.`);
    return lines;
  }
  const events = support.events.join(', ');
  if (!plan.changed) lines.push(`Already connected: ${events} in ${plan.path}; nothing changed.`);
  else lines.push(`${done ? 'Connected' : 'Connects'} ${events} in ${plan.path}${plan.added.length && plan.added.length < support.events.length ? ` (new or updated: ${plan.added.join(', ')})` : ''}.`);
  if (support.version && support.missing.length) {
    const one = support.missing.length === 1;
    lines.push(`Left out ${support.missing.map((m) => `${m.event} (Claude Code ${m.since} or later)`).join(', ')}: ` +
      `${who} does not know ${one ? 'it' : 'them'} and would ignore a settings file that names ${one ? 'it' : 'them'}.`);
  }
  if (plan.removed.length) lines.push(`${done ? 'Removed' : 'Removes'} Flightdeck's hooks for ${plan.removed.join(', ')}: ${who} does not know ${plan.removed.length === 1 ? 'that event' : 'those events'}.`);
  for (const e of plan.userUnknown) {
    lines.push(`Warning: your own hooks for ${e} are left as they are, but ${who} does not know ${e} and ignores this whole file while it is named there.`);
  }
  return lines;
}

/** What disconnecting did. */
export function describeDisconnect(plan: DisconnectPlan): string {
  return plan.changed
    ? `Removed Flightdeck's hooks for ${plan.removed.join(', ')} from ${plan.path}; everything else in it is as it was.`
    : `No Flightdeck hooks in ${plan.path}; nothing changed.`;
}

/** The machine-readable form of a connect plan (`--json`). */
export function connectJson(plan: ConnectPlan): Json {
  return {
    settingsPath: plan.path,
    claude: { version: plan.claude.version ?? null, path: plan.claude.path ?? null, assumed: plan.support.assumed, tried: plan.claude.tried },
    connected: plan.support.events,
    added: plan.added,
    removed: plan.removed,
    leftOut: plan.support.missing,
    userUnknown: plan.userUnknown,
    changed: plan.changed,
  };
}
