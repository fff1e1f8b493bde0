// The V8 flags this process changed (longRunFlags.ts), readable without loading node:v8: one set per process,
// kept on globalThis, since the command's bundles (cli.js, cli-hook.js) each carry their own copy of a module.
const KEY = Symbol.for('flightdeck.appliedV8Flags');

export const appliedV8Flags = (): Set<string> => ((globalThis as Record<symbol, unknown>)[KEY] ??= new Set<string>()) as Set<string>;
