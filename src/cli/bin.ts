// The `flightdeck` command. Claude Code runs `flightdeck hook …` on every tool call, so that path loads
// only the hook's small bundle (and `lock`/`queue` theirs); every other command loads the whole CLI.
import type * as Cli from './main';
import type * as Hook from './hookCommand';
import type * as Lock from './lockMain';
import type * as Risk from './riskMain';
import type * as LongRun from './longRunFlags';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EDIT_TOOLS } from '../core/gates/editTools';
import { writeFd } from './fdWrite';
import { loadBundle } from './bundleCache';

// The whole CLI looks its stream up only when written to: creating process.stderr loads node's streams (~3 ms).
const line = (stream: () => NodeJS.WriteStream) => (text: string): void => void stream().write(text + '\n');
const stdout = (): NodeJS.WriteStream => process.stdout;
const stderr = (): NodeJS.WriteStream => process.stderr;
// The small bundles (hook, lock, risk) never create them: they write to the descriptors.
const fdLine = (fd: number) => (text: string): void => writeFd(fd, text + '\n');
const argv = process.argv.slice(2);

/** The tool a hook payload names, found without parsing it (the bundle parses it). */
function toolOf(input: string): string {
  const key = input.indexOf('"tool_name"');
  if (key === -1) return '';
  const open = input.indexOf('"', input.indexOf(':', key) + 1);
  const close = open === -1 ? -1 : input.indexOf('"', open + 1);
  return close === -1 ? '' : input.slice(open + 1, close);
}
/** Which code cache a hook call uses: a Bash call and an edit run different code (an edit classifies its file). */
function hookVariant(event: string | undefined, input: string): string | undefined {
  if (event === undefined) return undefined;
  const tool = toolOf(input);
  return tool === 'Bash' ? `${event}-bash` : Object.hasOwn(EDIT_TOOLS, tool) ? `${event}-edit` : event;
}

if (argv[0] === 'hook') {
  // The payload first: its tool picks the compiled code kept for the call (a Bash decision's, or an edit's).
  let input: string | Error;
  try {
    input = readFileSync(0, 'utf8');
  } catch (e) {
    input = e as Error;
  }
  const stdin = (): string => {
    if (input instanceof Error) throw input;
    return input;
  };
  const bundle = loadBundle<typeof Hook>(join(__dirname, './cli-hook.js'), require, hookVariant(argv[1], typeof input === 'string' ? input : ''));
  process.exitCode = bundle.exports.runHook(argv, process.cwd(), fdLine(2), stdin);
  bundle.keep();
  // Everything was written synchronously: exiting now spares node's teardown of the loaded bundle on every tool call.
  process.exit();
} else if ((argv[0] === 'lock' || argv[0] === 'queue') && !argv.includes('--help') && !argv.includes('-h')) {
  // Deploy scripts take and release the lock around each deploy: the small bundle, without the database.
  const bundle = loadBundle<typeof Lock>(join(__dirname, './cli-lock.js'), require, `${argv[0]}-${argv[1] ?? ''}`);
  void bundle.exports.lockMain(argv, process.cwd(), fdLine(1), fdLine(2)).then((code) => {
    process.exitCode = code;
    // A usage mistake (exit 2, e.g. a subcommand that does not exist) leaves no cache named after it.
    if (code !== 2) bundle.keep();
  });
} else if (argv[0] === 'risk' && !argv.includes('--help') && !argv.includes('-h')) {
  // Run on every save: the small bundle; the whole CLI (for its database) only when sessions.json cannot say.
  const bundle = loadBundle<typeof Risk>(join(__dirname, './cli-risk.js'), require);
  const fromDb = (dir: string, now: number): ReturnType<typeof Cli.activeSessionBaseFromDb> => (require('./cli-main.js') as typeof Cli).activeSessionBaseFromDb(dir, now);
  void bundle.exports.riskMain(argv, process.cwd(), fdLine(1), fdLine(2), fromDb).then((code) => {
    process.exitCode = code;
    if (code !== 2) bundle.keep();
  });
  // Set once git's diff has started (node:v8 takes ms to load), before its output or any file is classified.
  setImmediate(() => (require('./longRunFlags') as typeof LongRun).setRiskFlags());
} else {
  // Not for the hook: node:v8 loads node's streams (ms on every tool call), and a hook's little work never gets hot.
  (require('./longRunFlags') as typeof LongRun).setLongRunFlags();
  const { main } = require('./cli-main.js') as typeof Cli;
  void main(argv, process.cwd(), line(stdout), line(stderr)).then((code) => {
    process.exitCode = code;
  });
}
