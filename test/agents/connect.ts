// Connects Claude Code to Flightdeck in a test repository exactly as the extension's Connect command
// does (src/vscode/claudeConnection.ts): Flightdeck's hooks merged into .claude/settings.local.json,
// every other setting and hook kept. Built to dist-test/agents-connect.js for test/agents/run-claude.mjs.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { hookCommand, parseSettings, withFlightdeckHooks } from '../../src/core/capture/claudeSettings';

/** Adds Flightdeck's hooks (run with `runtime` and the CLI at `cli`) to the settings file at `path`; the events added. */
export function connectClaude(path: string, runtime: string, cli: string): string[] {
  let text: string | undefined;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    text = undefined;
  }
  const change = withFlightdeckHooks(parseSettings(text, path), (event) => hookCommand(runtime, cli, event));
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify(change.settings, null, 2) + '\n');
  return change.added;
}
