// The `flightdeck` command. Claude Code runs `flightdeck hook …` on every tool call, so that path loads
// only the hook's small bundle (and `lock`/`queue` theirs); every other command loads the whole CLI.
import type * as Cli from './main';
import type * as Hook from './hookCommand';
import type * as Lock from './lockMain';
import type * as Risk from './riskMain';

// The stream is looked up only when written to: creating process.stderr loads node's streams (~3 ms a hook).
const line = (stream: () => NodeJS.WriteStream) => (text: string): void => void stream().write(text + '\n');
const stdout = (): NodeJS.WriteStream => process.stdout;
const stderr = (): NodeJS.WriteStream => process.stderr;
const argv = process.argv.slice(2);

if (argv[0] === 'hook') {
  const { runHook } = require('./cli-hook.js') as typeof Hook;
  process.exitCode = runHook(argv, process.cwd(), line(stderr));
} else if ((argv[0] === 'lock' || argv[0] === 'queue') && !argv.includes('--help') && !argv.includes('-h')) {
  // Deploy scripts take and release the lock around each deploy: the small bundle, without the database.
  const { lockMain } = require('./cli-lock.js') as typeof Lock;
  void lockMain(argv, process.cwd(), line(stdout), line(stderr)).then((code) => {
    process.exitCode = code;
  });
} else if (argv[0] === 'risk' && !argv.includes('--help') && !argv.includes('-h')) {
  // Run on every save: the small bundle; the whole CLI (for its database) only when sessions.json cannot say.
  require('./noExitHang'); // classifying thousands of files does get hot
  const { riskMain } = require('./cli-risk.js') as typeof Risk;
  const fromDb = (dir: string, now: number): ReturnType<typeof Cli.activeSessionBaseFromDb> => (require('./cli-main.js') as typeof Cli).activeSessionBaseFromDb(dir, now);
  void riskMain(argv, process.cwd(), line(stdout), line(stderr), fromDb).then((code) => {
    process.exitCode = code;
  });
} else {
  // Not for the hook: node:v8 loads node's streams (ms on every tool call), and a hook's little work never gets hot.
  require('./noExitHang');
  const { main } = require('./cli-main.js') as typeof Cli;
  void main(argv, process.cwd(), line(stdout), line(stderr)).then((code) => {
    process.exitCode = code;
  });
}
