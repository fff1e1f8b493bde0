// npm run try: builds the .vsix and installs it into VS Code; without a `code` command, opens it in
// a browser-based VS Code (code-server's, installed offline into .vscode-test/) on this folder.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, serverMain, freePort } from '../test/support/vscode-server.mjs';

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: repoRoot, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

run('npm', ['run', '-s', 'package']);
const vsix = join(repoRoot, 'flightdeck.vsix');
const cli = join(repoRoot, 'dist', 'cli.js');

if (spawnSync('code', ['--version'], { stdio: 'ignore' }).status === 0) {
  run('code', ['--install-extension', vsix, '--force']);
  console.log(`\nFlightdeck is installed: open a git repository in VS Code and click the Flightdeck icon.`);
  console.log(`The CLI: node ${cli} --help   (or \`npm link\` here to put \`flightdeck\` on your PATH)`);
  process.exit(0);
}

console.log('No `code` command here: starting VS Code in the browser instead.');
run('node', ['scripts/install-vscode-server.mjs']);
const home = join(repoRoot, '.vscode-test', 'try');
const dirs = { extensions: join(home, 'extensions'), server: join(home, 'server-data'), user: join(home, 'user-data') };
Object.values(dirs).forEach((d) => mkdirSync(d, { recursive: true }));
run('node', [serverMain, '--install-extension', vsix, '--force', '--extensions-dir', dirs.extensions,
  '--server-data-dir', dirs.server, '--user-data-dir', dirs.user, '--accept-server-license-terms']);
const port = Number(process.env.PORT) || (await freePort());
const folder = process.env.FLIGHTDECK_TRY_FOLDER ?? process.cwd();
const server = spawn(process.execPath, [serverMain, '--host', '127.0.0.1', '--port', String(port), '--without-connection-token',
  '--accept-server-license-terms', '--extensions-dir', dirs.extensions, '--server-data-dir', dirs.server,
  '--user-data-dir', dirs.user], { stdio: ['ignore', 'pipe', 'inherit'], env: { EXTENSIONS_GALLERY: '{}', ...process.env } });
server.stdout.on('data', (d) => {
  if (String(d).includes('Extension host agent listening on')) {
    console.log(`\nOpen http://127.0.0.1:${port}/?folder=${encodeURIComponent(folder)} in a browser, then click the Flightdeck icon.`);
    console.log(`The CLI: node ${cli} --help.   Ctrl-C stops the server.`);
  }
});
process.on('SIGINT', () => server.kill('SIGTERM'));
server.on('exit', (code) => process.exit(code ?? 0));
