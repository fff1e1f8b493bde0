import { chmodSync, existsSync, mkdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describeFsError, readTextIfExists } from '../../record/errors';
import { RecordError } from '../../record/errors';
import { appendBlock, findBlock, replaceBlock, scanToml, tomlString, type TomlTable } from './configToml';
import { codexHome } from './home';

// Connect/Disconnect Codex: Flightdeck's hooks in $CODEX_HOME/config.toml (Codex's user settings), shared by the
// VS Code commands and `flightdeck connect|disconnect codex`.

/**
 * The Codex hook events Flightdeck installs. Tool results are left to the rollout (it has them all, with exit
 * codes): a PostToolUse hook would only start one more process per tool call.
 */
export const CODEX_HOOK_EVENTS = ['SessionStart', 'UserPromptSubmit', 'PreToolUse', 'Stop', 'SessionEnd'] as const;

export const BLOCK_BEGIN = '# >>> Flightdeck: Codex hooks';
export const BLOCK_END = '# <<< Flightdeck';

export function codexConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(codexHome(env), 'config.toml');
}

/** The lines Flightdeck owns in config.toml: one `[[hooks.<Event>]]` group per event, between marker comments. */
export function hooksBlock(commandFor: (event: string) => string): string[] {
  const lines = [`${BLOCK_BEGIN} (added by Flightdeck Connect; \`flightdeck disconnect codex\` removes this block) >>>`];
  for (const event of CODEX_HOOK_EVENTS) {
    lines.push(`[[hooks.${event}]]`, `[[hooks.${event}.hooks]]`, 'type = "command"', `command = ${tomlString(commandFor(event))}`, 'timeout = 10');
  }
  lines.push(`${BLOCK_END} <<<`);
  return lines;
}

/** The user's own definitions that would make Flightdeck's `[[hooks.<Event>]]` tables invalid TOML, in words. */
function clashes(tables: TomlTable[], path: string): string[] {
  const out: string[] = [];
  const events = new Set<string>(CODEX_HOOK_EVENTS);
  for (const t of tables) {
    for (const k of t.keys) {
      const full = t.name ? `${t.name}.${k.key}` : k.key;
      const [first, second] = full.split('.');
      if (first === 'hooks' && (second === undefined || events.has(second)) && !(t.array && t.name.startsWith('hooks.'))) {
        out.push(`${path}:${k.line}: ${full} is set as a value`);
      }
    }
    const [first, second, third] = t.name.split('.');
    if (first === 'hooks' && second !== undefined && events.has(second) && third === undefined && !t.array) out.push(`${path}:${t.line}: [${t.name}] is a table, not [[${t.name}]]`);
  }
  return out;
}

export interface CodexConnectPlan {
  path: string;
  /** The file as it is now (undefined: none yet). */
  before: string | undefined;
  /** What it will hold. */
  after: string;
  changed: boolean;
  /** Whether Flightdeck's hooks were there already (perhaps with another command). */
  had: boolean;
  events: readonly string[];
  /** The command each hook runs, with `<event>` in place of the event. */
  command: string;
  /** A hooks.json beside config.toml: Codex loads both, and says so. */
  hooksJson?: string;
}

/** What connecting would do to config.toml at `path`; a broken file, or one whose hooks cannot take ours, is an error. */
export function planCodexConnect(path: string, commandFor: (event: string) => string): CodexConnectPlan {
  const before = readTextIfExists(path);
  const text = before ?? '';
  const tables = scanToml(text, path);
  const block = findBlock(text, BLOCK_BEGIN, BLOCK_END, path);
  // Flightdeck's own block is replaced, so only what lies outside it can clash.
  const outside = block ? replaceBlock(text, block, []) : text;
  const problems = clashes(block ? scanToml(outside, path) : tables, path);
  if (problems.length) {
    throw new RecordError(`${problems.join('; ')}: Codex hooks written that way cannot take Flightdeck's [[hooks.<Event>]] tables in the same file. ` +
      'Write your hooks as [[hooks.<Event>]] tables (see Codex\'s config docs), then connect again; Flightdeck changed nothing', 'ECONFIG');
  }
  const ours = hooksBlock(commandFor);
  const after = block ? replaceBlock(text, block, ours) : appendBlock(text, ours);
  // What we write must itself scan: never leave Codex a file it cannot read.
  scanToml(after, path);
  const json = join(dirname(path), 'hooks.json');
  return {
    path, before, after, changed: after !== before, had: block !== undefined, events: CODEX_HOOK_EVENTS,
    command: commandFor('<event>'), hooksJson: existsSync(json) ? json : undefined,
  };
}

/** Writes the whole file or nothing (temp file, then rename), keeping its permissions. */
function writeConfig(path: string, text: string): void {
  const staging = `${path}.flightdeck-${process.pid}`;
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(staging, text);
    try {
      chmodSync(staging, statSync(path).mode & 0o777);
    } catch {
      // A new file: the default mode.
    }
    renameSync(staging, path);
  } catch (err) {
    throw describeFsError('write', path, err);
  }
}

export function applyCodexConnect(plan: CodexConnectPlan): void {
  if (plan.changed) writeConfig(plan.path, plan.after);
}

export interface CodexDisconnectPlan {
  path: string;
  after: string;
  changed: boolean;
}

/** What disconnecting would do: only Flightdeck's block goes; the rest of the file stays byte for byte. */
export function planCodexDisconnect(path: string): CodexDisconnectPlan {
  const before = readTextIfExists(path);
  if (before === undefined) return { path, after: '', changed: false };
  const block = findBlock(before, BLOCK_BEGIN, BLOCK_END, path);
  if (!block) return { path, after: before, changed: false };
  const after = replaceBlock(before, block, []);
  return { path, after, changed: after !== before };
}

export function applyCodexDisconnect(plan: CodexDisconnectPlan): void {
  if (plan.changed) writeConfig(plan.path, plan.after);
}

/** What connecting did (or, before confirming, would do), one fact a line. */
export function describeCodexConnect(plan: CodexConnectPlan, done = true): string[] {
  const events = plan.events.join(', ');
  const where = plan.had ? `in their block in ${plan.path}` : `at the end of ${plan.path}`;
  const lines = [!plan.changed
    ? `Already connected: Flightdeck's hooks for ${events} are in ${plan.path}; nothing changed.`
    : done
      ? `Connected Codex: ${plan.had ? 'rewrote' : 'added'} Flightdeck's hooks for ${events} ${where}; everything else in it is as it was.`
      : `${plan.had ? 'Rewrites' : 'Adds'} Flightdeck's hooks for ${events} ${where}; everything else in it stays as it is.`];
  lines.push('Codex runs hooks only once you trust them: it lists new or changed hooks when it starts (or under /hooks) for you to review.');
  if (plan.hooksJson) lines.push(`Note: ${plan.hooksJson} also holds hooks; Codex loads both files and warns that it does.`);
  return lines;
}

export function describeCodexDisconnect(plan: CodexDisconnectPlan): string {
  return plan.changed
    ? `Removed Flightdeck's hooks from ${plan.path}; everything else in it is as it was.`
    : `No Flightdeck hooks in ${plan.path}; nothing changed.`;
}
