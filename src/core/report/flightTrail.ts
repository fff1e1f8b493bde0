// The flight record's shape, shared by the report code, the CLI's JSON and the board webview.

/** One session's artifact trail: what another engineer needs at 02:00 without reading the chat. */
export interface FlightTrail {
  id: string;
  agent: string;
  /** The agent's own version (Claude Code's), when known. */
  agentVersion: string;
  model: string;
  intent: string;
  boundary: string;
  repo: string;
  branch: string;
  startCommit: string;
  /** Whether tracked files had uncommitted changes when the session started; null when not known. */
  startDirty: boolean | null;
  endCommit: string;
  startedAt: string;
  endedAt: string;
  filesRead: string[];
  filesChanged: { path: string; change: string }[];
  commands: { command: string; cwd: string; exitCode: number | null; startedAt: string; durationMs: number | null; source: string }[];
  checks: { kind: string; command: string; passed: boolean; exitCode: number | null; commit: string; attempt: number }[];
  failures: string[];
  retries: string[];
  skippedChecks: string[];
  dependencyChanges: string[];
  configChanges: string[];
  boundaryViolations: string[];
  approvals: { kind: string; subject: string; by: string; at: string }[];
  overrides: { subject: string; reason: string; by: string; at: string }[];
  reviews: { id: string; subject: string; status: string; verdict: string }[];
  commits: string[];
  diffStat: string;
  rollback: string;
}
