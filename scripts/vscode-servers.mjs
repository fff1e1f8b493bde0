// The code-server releases the tests run in, shared by the installer and the test launchers.
// 4.99.4 is the main test host; 4.93.1 carries the oldest VS Code that package.json's engines.vscode accepts.
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

// npm 11 gates dependency install scripts by an allow list (`npm install-scripts ls` names them).
// The nested lib/vscode install: its native modules (the windows-* ones build as no-ops here).
// lib/vscode/extensions installs with --omit=dev; its dev deps are listed only to pass --strict-allow-scripts.
const NESTED_ALLOW = {
  'lib/vscode': ['@parcel/watcher', '@vscode/deviceid', '@vscode/ripgrep', '@vscode/spdlog',
    '@vscode/windows-process-tree', '@vscode/windows-registry', 'kerberos', 'native-watchdog', 'node-pty'],
  'lib/vscode/extensions': ['@parcel/watcher', 'esbuild'],
};

/**
 * selfStarting: whether lib/vscode/out/server-main.js starts a server when run (4.99), or only exports
 * loadCodeWithNls for code-server's wrapper (4.93), so that test/support/start-server-main.mjs starts it.
 * ripgrep: the @vscode/ripgrep version that lib/vscode/npm-shrinkwrap.json pins (its postinstall looks for
 * the cached archive in a folder named after it) and the ripgrep build that version downloads.
 */
export const CODE_SERVERS = {
  '4.99.4': { vscode: '1.99.3', folder: 'code-server', selfStarting: true,
    ripgrep: { pkg: '1.15.11', archive: 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz' }, nestedAllow: NESTED_ALLOW },
  '4.93.1': { vscode: '1.93.1', folder: 'code-server-4.93.1', selfStarting: false,
    ripgrep: { pkg: '1.15.9', archive: 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz' }, nestedAllow: NESTED_ALLOW },
};
export const DEFAULT_CODE_SERVER = '4.99.4';
/** The release whose VS Code is the oldest that engines.vscode (^1.93.0) accepts. */
export const OLDEST_CODE_SERVER = '4.93.1';

/** Accepts a code-server version (4.93.1) or the VS Code version it carries (1.93.1, or 1.93). */
export function resolveCodeServer(name = DEFAULT_CODE_SERVER) {
  const hit = Object.entries(CODE_SERVERS).find(([cs, v]) => name === cs || name === v.vscode || v.vscode.startsWith(`${name}.`));
  if (!hit) {
    const known = Object.entries(CODE_SERVERS).map(([cs, v]) => `${cs} (VS Code ${v.vscode})`).join(', ');
    throw new Error(`unknown code-server/VS Code version "${name}"; known: ${known}`);
  }
  const [version, spec] = hit;
  const dir = join(repoRoot, '.vscode-test', spec.folder);
  const pkgDir = join(dir, 'node_modules', 'code-server');
  return {
    version, ...spec, dir, pkgDir,
    serverMain: join(pkgDir, 'lib', 'vscode', 'out', 'server-main.js'),
    // Written last by the installer: server-main.js alone also exists after an install killed half way.
    stamp: join(dir, `installed-${version}`),
  };
}
