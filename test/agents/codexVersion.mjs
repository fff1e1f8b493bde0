// The one Codex CLI version the Codex end-to-end test installs and runs (scripts/install-codex.mjs).
// Pinned exactly: the rollout format changes between releases, and the fixtures in
// test/fixtures/codex/ name the version that wrote them.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CODEX = '0.171.0';
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const installDir = join(repoRoot, '.agents-test', 'codex');
export const codexBin = join(installDir, 'node_modules', '.bin', 'codex');
// Written last by the installer: a binary alone also exists after an install that was killed half way.
export const installStamp = join(installDir, `installed-${CODEX}`);
