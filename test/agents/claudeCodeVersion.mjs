// The one Claude Code version the agent end-to-end test installs and runs (scripts/install-claude-code.mjs).
// Pinned exactly: the transcript and hook formats change between releases, and the fixtures in
// test/fixtures/claude-code-2.x were recorded with this one.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CLAUDE_CODE = '2.1.332';
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const installDir = join(repoRoot, '.agents-test', 'claude-code');
export const claudeBin = join(installDir, 'node_modules', '.bin', 'claude');
// Written last by the installer: a binary alone also exists after an install that was killed half way.
export const installStamp = join(installDir, `installed-${CLAUDE_CODE}`);
