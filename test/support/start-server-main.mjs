// Starts a VS Code server whose server-main.js only exports loadCodeWithNls (code-server 4.93.x patched its
// standalone start out; 4.99 keeps it). This is the upstream VS Code 1.93 start (src/server-main.js), minus
// the license prompt and the CLI mode (--install-extension etc.: 1.99 only, see try.mjs).
//   node start-server-main.mjs <server-main.js> --host H --port P [the server's other options]
// Prints "Extension host agent listening on <port>" when ready, as the standalone server does.
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';

// The server reads its options from process.argv.slice(2): leave only them there.
const [serverMain] = process.argv.splice(2, 1);
if (!serverMain) {
  console.error('usage: node start-server-main.mjs <server-main.js> --host H --port P ...');
  process.exit(2);
}
const { values } = parseArgs({ args: process.argv.slice(2), strict: false, allowPositionals: true,
  options: { host: { type: 'string' }, port: { type: 'string' } } });
const { loadCodeWithNls } = createRequire(import.meta.url)(serverMain);

let address = null;
let agent = null;
let agentPromise = null;
// Loaded once, on first use, with the address the HTTP server bound (as upstream does).
const getAgent = () => (agentPromise ??= loadCodeWithNls().then(async (mod) => {
  agent = await mod.createServer(address);
  return agent;
}));

const server = createServer(async (req, res) => (await getAgent()).handleRequest(req, res));
server.on('upgrade', async (req, socket) => (await getAgent()).handleUpgrade(req, socket));
server.on('error', async (err) => (await getAgent()).handleServerError(err));
server.listen({ host: values.host ?? 'localhost', port: Number(values.port ?? 8000) }, async () => {
  address = server.address();
  console.log(`Server bound to ${address.address}:${address.port} (${address.family})`);
  console.log(`Extension host agent listening on ${address.port}`);
  await getAgent();
});
process.on('exit', () => { server.close(); agent?.dispose(); });
