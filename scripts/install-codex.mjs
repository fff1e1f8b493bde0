// Installs the real Codex CLI (npm @openai/codex, one pinned version) into .agents-test/codex, for the
// Codex end-to-end test (test/agents/run-codex.mjs). Idempotent.
// The npm package is a small launcher (bin/codex.js) whose native binary comes in an optional dependency
// aliased to a platform build of the same package (@openai/codex-linux-x64 = @openai/codex@X-linux-x64).
import { CODEX, codexBin, installDir, installStamp } from '../test/agents/codexVersion.mjs';
import { installAgentCli } from './installAgentCli.mjs';

installAgentCli({
  label: 'Codex', script: 'install-codex', pkg: '@openai/codex', version: CODEX,
  native: '@openai/codex-linux-x64', bin: codexBin, dir: installDir, stamp: installStamp,
  size: 'its native binary comes with @openai/codex-linux-x64; a minute or two the first time',
  stageNote: 'the Codex agent test cannot run',
  versionEnv: (home) => ({ HOME: home, CODEX_HOME: home }),
  nativeMatches: (v) => v.startsWith(CODEX), versionMatches: (printed) => printed.includes(CODEX),
});
