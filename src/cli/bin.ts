// The `flightdeck` command. Claude Code runs `flightdeck hook …` on every tool call, so that path loads
// only the hook's small bundle; every other command loads the whole CLI.
import type * as Cli from './main';
import type * as Hook from './hookCommand';

const line = (stream: NodeJS.WriteStream) => (text: string): void => void stream.write(text + '\n');
const argv = process.argv.slice(2);

if (argv[0] === 'hook') {
  const { runHook } = require('./cli-hook.js') as typeof Hook;
  process.exitCode = runHook(argv, process.cwd(), line(process.stderr));
} else {
  const { main } = require('./cli-main.js') as typeof Cli;
  void main(argv, process.cwd(), line(process.stdout), line(process.stderr)).then((code) => {
    process.exitCode = code;
  });
}
