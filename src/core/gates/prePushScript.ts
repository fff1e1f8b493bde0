// The text of git's pre-push hook that runs `flightdeck check-push`. It names absolute paths (the runtime and the
// CLI) that an update of VS Code or of the extension takes away: then the hook decides by the policy's mode with
// sh alone, so advisory mode never blocks a push and enforce mode fails closed, saying why and what to do.

export const PRE_PUSH_MARK = '# flightdeck pre-push hook';
export const CHAINED_SUFFIX = '.flightdeck-chained';

/** The command a hook runs: this runtime (Electron as Node in VS Code) with the CLI at `cli`, both absolute paths. */
export interface CliCommand {
  runtime: string;
  cli: string;
  env?: Record<string, string>;
}

const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

export function prePushScript(cmd: CliCommand): string {
  const vars = Object.entries(cmd.env ?? {}).map(([k, v]) => `${k}=${q(v)} `).join('');
  // NODE_EXTRA_CA_CERTS makes node parse those certificates on each start (50-90 ms); check-push opens no TLS connection.
  return `#!/bin/sh
${PRE_PUSH_MARK}: refuses pushes to protected branches while a review of the pushed change is open or a risky file in it was never reviewed (enforce mode).
# Installed by Flightdeck; \`flightdeck uninstall-git-hooks\` removes it and puts back the hook it chains.
input=$(cat)
feed() { if [ -n "$input" ]; then printf '%s\\n' "$input"; fi; }
chained="$(dirname "$0")/pre-push${CHAINED_SUFFIX}"
if [ -x "$chained" ]; then
  feed | "$chained" "$@" || exit $?
fi
gone() {
  printf 'flightdeck: the pre-push hook points at %s, which is gone (VS Code or Flightdeck was updated): run \`Flightdeck: Install git hooks\` again (or \`flightdeck install-git-hooks\`).\\n' "$1" >&2
  top=$(git rev-parse --show-toplevel 2>/dev/null)
  if [ -n "$top" ] && [ -f "$top/.flightdeck/policy.json" ] && tr -d '[:space:]' < "$top/.flightdeck/policy.json" | grep -q '"mode":"enforce"'; then
    echo "flightdeck: push refused: it cannot be checked and .flightdeck/policy.json is in enforce mode, which fails closed." >&2
    exit 1
  fi
  echo "flightdeck: advisory mode, the push goes on unchecked." >&2
  exit 0
}
[ -x ${q(cmd.runtime)} ] || gone ${q(cmd.runtime)}
[ -f ${q(cmd.cli)} ] || gone ${q(cmd.cli)}
feed | NODE_EXTRA_CA_CERTS= ${vars}${q(cmd.runtime)} ${q(cmd.cli)} check-push "$@"
`;
}
