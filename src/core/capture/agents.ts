import { existsSync } from 'node:fs';
import { claudeFormat } from './claudeImport';
import { codexFormat } from './codex/rollout';
import { codexSessionsDir, codexWatchDirs } from './codex/home';
import type { TranscriptFormat } from './transcriptFormat';
import { claudeProjectsDir, projectFolderFilter } from './workspace';

/**
 * The agents whose session files Flightdeck imports. Adding one (Gemini CLI, Copilot CLI…) is a folder
 * of its own under capture/ with a TranscriptFormat, and one entry here: the CLI (`flightdeck ingest`),
 * the import worker and the extension's live capture all read this list.
 */
export interface CaptureAgent {
  /** The format's id: `flightdeck ingest <id>`, cursor sources, the worker's job. */
  id: string;
  /** What people call it. */
  name: string;
  /** The value sessions.agent takes for its sessions. */
  agent: string;
  format: TranscriptFormat;
  /** Where its session files are when nothing says otherwise. */
  defaultDir(env?: NodeJS.ProcessEnv): string;
  /** Which first-level folders may hold this workspace's sessions (all when absent). */
  folders?(roots: readonly string[]): (name: string) => boolean;
  /** The folders a live tail watches (the top folder and each project folder when absent). */
  watchDirs?(dir: string, now: Date): string[];
}

export const AGENTS: readonly CaptureAgent[] = [
  { id: 'claude', name: 'Claude Code', agent: 'claude-code', format: claudeFormat, defaultDir: claudeProjectsDir, folders: projectFolderFilter },
  { id: 'codex', name: 'Codex', agent: 'codex', format: codexFormat, defaultDir: codexSessionsDir, watchDirs: codexWatchDirs },
];

export function agentOf(id: string): CaptureAgent | undefined {
  return AGENTS.find((a) => a.id === id);
}

/** The format by id; Claude Code's for jobs that name none (made before there were others). */
export function formatOf(id: string | undefined): TranscriptFormat {
  return (id === undefined ? undefined : agentOf(id)?.format) ?? claudeFormat;
}

/** The agents whose folders exist on this machine. */
export function installedAgents(env: NodeJS.ProcessEnv = process.env): CaptureAgent[] {
  return AGENTS.filter((a) => existsSync(a.defaultDir(env)));
}
