import { HOOK_EVENTS } from './hook';

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Marks Flightdeck's own hook commands, so disconnecting removes exactly those and nothing else. */
export const HOOK_MARKER = 'flightdeck-hook';

interface HookCommand {
  type: 'command';
  command: string;
  timeout?: number;
}
interface HookGroup {
  matcher?: string;
  hooks: HookCommand[];
}

export function isFlightdeckCommand(h: unknown): boolean {
  return isObj(h) && typeof h.command === 'string' && h.command.includes(HOOK_MARKER);
}

/** The shell command Claude Code runs for one event: absolute paths, marked as Flightdeck's. */
export function hookCommand(runtime: string, cli: string, event: string, env: Record<string, string> = {}): string {
  const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
  const vars = Object.entries({ ...env, FLIGHTDECK_MARK: HOOK_MARKER }).map(([k, v]) => `${k}=${q(v)}`).join(' ');
  return `${vars} ${q(runtime)} ${q(cli)} hook ${event}`;
}

/** The commands of Flightdeck's hooks now in a settings object. */
export function flightdeckCommands(settings: Json): string[] {
  const hooks = isObj(settings.hooks) ? settings.hooks : {};
  return Object.values(hooks).flatMap((groups) =>
    Array.isArray(groups)
      ? groups.flatMap((g) => (isObj(g) && Array.isArray(g.hooks) ? g.hooks.filter(isFlightdeckCommand).map((h) => String((h as Json).command)) : []))
      : [],
  );
}

export interface HookChange {
  settings: Json;
  added: string[];
  removed: string[];
}

/** Removes Flightdeck's hooks from a settings object; everything else stays as it was. */
export function withoutFlightdeckHooks(settings: Json): HookChange {
  const out: Json = structuredClone(settings);
  const removed: string[] = [];
  const hooks = isObj(out.hooks) ? out.hooks : undefined;
  if (!hooks) return { settings: out, added: [], removed };
  for (const [event, groups] of Object.entries(hooks)) {
    if (!Array.isArray(groups)) continue;
    const kept = groups
      .map((g) => {
        if (!isObj(g) || !Array.isArray(g.hooks)) return g;
        const own = g.hooks.filter(isFlightdeckCommand);
        if (own.length) removed.push(event);
        return { ...g, hooks: g.hooks.filter((h) => !isFlightdeckCommand(h)) };
      })
      .filter((g) => !isObj(g) || !Array.isArray(g.hooks) || g.hooks.length > 0);
    if (kept.length) hooks[event] = kept;
    else delete hooks[event];
  }
  if (Object.keys(hooks).length === 0) delete out.hooks;
  return { settings: out, added: [], removed };
}

/**
 * Adds Flightdeck's hooks to a Claude Code settings object (idempotent: an earlier Flightdeck entry
 * is replaced, say after the extension moved), keeping every other setting and hook.
 */
export function withFlightdeckHooks(settings: Json, commandFor: (event: string) => string): HookChange {
  const base = withoutFlightdeckHooks(settings).settings;
  const hooks: Json = isObj(base.hooks) ? base.hooks : {};
  const added: string[] = [];
  for (const event of HOOK_EVENTS) {
    const group: HookGroup = { hooks: [{ type: 'command', command: commandFor(event), timeout: 10 }] };
    if (event.includes('ToolUse')) group.matcher = '*';
    const existing = Array.isArray(hooks[event]) ? (hooks[event] as unknown[]) : [];
    hooks[event] = [...existing, group];
    added.push(event);
  }
  return { settings: { ...base, hooks }, added, removed: [] };
}

/** Parses a settings file's text; a missing file is an empty object, a broken one an error that names it. */
export function parseSettings(text: string | undefined, path: string): Json {
  if (text === undefined || text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new Error(`${path} is not valid JSON (${(err as Error).message}); fix it or move it aside, then connect again`);
  }
  if (!isObj(value)) throw new Error(`${path} does not hold a JSON object`);
  return value;
}
