// The gates a person can override, named once for the hook's decisions, the CLI and the command palette.

export const GATE_NAMES = ['push', 'deploy', 'boundary'] as const;
export type GateName = (typeof GATE_NAMES)[number];

export const isGateName = (name: string): name is GateName => (GATE_NAMES as readonly string[]).includes(name);

/** "push, deploy or boundary": the names as a sentence says them. */
export const gateNamesText = (): string => `${GATE_NAMES.slice(0, -1).join(', ')} or ${GATE_NAMES[GATE_NAMES.length - 1]}`;

/** What a gate holds, in one line (the push gate names the policy's protected branches). */
export function gateHolds(gate: GateName, protectedBranches: readonly string[]): string {
  switch (gate) {
    case 'push':
      return `git push to a protected branch (${protectedBranches.join(', ') || 'none in the policy'}) while a review is open or a risky file in it was never reviewed`;
    case 'deploy':
      return "a deploy command or a ship while a review is open, or an agent's deploy while a risky file of the working tree's change was never reviewed";
    case 'boundary':
      return "an agent's edit to a file the task's boundary forbids";
  }
}
