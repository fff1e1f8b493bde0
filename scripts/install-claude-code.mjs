// Installs the real Claude Code CLI (npm @anthropic-ai/claude-code, one pinned version) into
// .agents-test/claude-code, for the agent end-to-end test (test/agents). Idempotent.
// Recipe: shared/reference/claude-code.md ("Running the real Claude Code offline").
import { CLAUDE_CODE, claudeBin, installDir, installStamp } from '../test/agents/claudeCodeVersion.mjs';
import { installAgentCli } from './installAgentCli.mjs';

installAgentCli({
  label: 'Claude Code', script: 'install-claude-code', pkg: '@anthropic-ai/claude-code', version: CLAUDE_CODE,
  native: '@anthropic-ai/claude-code-linux-x64', bin: claudeBin, dir: installDir, stamp: installStamp,
  size: 'the native binary is ~250 MB; a few minutes the first time', stageNote: 'the agents test cannot run',
  // npm 11 gates install scripts by an allow list: the wrapper's postinstall (install.cjs) puts the
  // native binary in place of bin/claude.exe. The native package itself has no scripts.
  packageJson: { allowScripts: { '@anthropic-ai/claude-code': true } },
  // 2.1.x declares engines node>=22, which its native binary does not need (Node 20 here).
  npmArgs: ['--engine-strict=false', '--foreground-scripts'], npmEnv: { npm_config_unsafe_perm: 'true' },
  versionEnv: (home) => ({ HOME: home, DISABLE_AUTOUPDATER: '1', CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1' }),
  nativeMatches: (v) => v === CLAUDE_CODE, versionMatches: (printed) => printed.startsWith(CLAUDE_CODE),
});
