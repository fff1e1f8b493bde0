import { RecordError } from '../record/errors';
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
  return [...flightdeckCommandsByEvent(settings).values()].flat();
}

export interface HookChange {
  settings: Json;
  added: string[];
  removed: string[];
}

/** Removes Flightdeck's hooks from a settings object; everything else stays as it was. */
export function withoutFlightdeckHooks(settings: Json): HookChange {
  const out: Json = structuredClone(settings);
  const removed = new Set<string>();
  const hooks = isObj(out.hooks) ? out.hooks : undefined;
  if (!hooks) return { settings: out, added: [], removed: [] };
  for (const [event, groups] of Object.entries(hooks)) {
    if (!Array.isArray(groups)) continue;
    const kept = groups
      .map((g) => {
        if (!isObj(g) || !Array.isArray(g.hooks)) return g;
        if (g.hooks.some(isFlightdeckCommand)) removed.add(event);
        return { ...g, hooks: g.hooks.filter((h) => !isFlightdeckCommand(h)) };
      })
      .filter((g) => !isObj(g) || !Array.isArray(g.hooks) || g.hooks.length > 0);
    if (kept.length) hooks[event] = kept;
    else delete hooks[event];
  }
  if (Object.keys(hooks).length === 0) delete out.hooks;
  return { settings: out, added: [], removed: [...removed] };
}

/** Flightdeck's hook commands in a settings object, by event. */
export function flightdeckCommandsByEvent(settings: Json): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const hooks = isObj(settings.hooks) ? settings.hooks : {};
  for (const [event, groups] of Object.entries(hooks)) {
    if (!Array.isArray(groups)) continue;
    const own = groups.flatMap((g) => (isObj(g) && Array.isArray(g.hooks) ? g.hooks.filter(isFlightdeckCommand).map((h) => String((h as Json).command)) : []));
    if (own.length) out.set(event, own);
  }
  return out;
}

/**
 * Adds Flightdeck's hooks for `events` to a Claude Code settings object, keeping every other setting and
 * hook. Idempotent: Flightdeck's earlier entries are replaced (say after the extension moved), and those for
 * events not in `events` are dropped. `added` lists the events whose hook is new or rewritten, `removed`
 * those Flightdeck no longer hooks.
 */
export function withFlightdeckHooks(settings: Json, commandFor: (event: string) => string, events: readonly string[] = HOOK_EVENTS): HookChange {
  const before = flightdeckCommandsByEvent(settings);
  const base = withoutFlightdeckHooks(settings).settings;
  const hooks: Json = isObj(base.hooks) ? base.hooks : {};
  const added: string[] = [];
  for (const event of events) {
    const command = commandFor(event);
    const group: HookGroup = { hooks: [{ type: 'command', command, timeout: 10 }] };
    if (event.includes('ToolUse')) group.matcher = '*';
    const existing = Array.isArray(hooks[event]) ? (hooks[event] as unknown[]) : [];
    hooks[event] = [...existing, group];
    const had = before.get(event);
    if (!(had?.length === 1 && had[0] === command)) added.push(event);
  }
  const removed = [...before.keys()].filter((e) => !events.includes(e));
  const out: Json = { ...base };
  if (Object.keys(hooks).length) out.hooks = hooks;
  return { settings: out, added, removed };
}

/** Parses a settings file's text; a missing file is an empty object, a broken one an error that names it. */
export function parseSettings(text: string | undefined, path: string): Json {
  if (text === undefined || text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new RecordError(`${path} is not valid JSON (${(err as Error).message}); fix it or move it aside, then connect again`, 'ESETTINGS');
  }
  if (!isObj(value)) throw new RecordError(`${path} does not hold a JSON object; fix it or move it aside, then connect again`, 'ESETTINGS');
  return value;
}
