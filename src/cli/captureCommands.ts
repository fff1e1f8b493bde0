import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { importTranscripts } from '../core/capture/claudeImport';
import { gitEvents } from '../core/capture/gitHistory';
import { hookEvents, type HookGit } from '../core/capture/hook';
import { claudeProjectsDir, cwdMatcher, workspaceRoots } from '../core/capture/workspace';
import { completeEvent } from '../core/record/events';
import { JournalWriter } from '../core/record/journal';
import { headCommit, locateRecord } from '../core/record/location';
import { listSessions } from '../core/record/queries';
import { RecordStore } from '../core/record/store';
import { buildTrail, resolveSessionId } from '../core/report/trail';
import { trailToMarkdown } from '../core/report/trailMarkdown';
import { renderDashboard } from '../core/report/dashboard';
import { UsageError, type CliArgs } from './args';

type Out = (text: string) => void;

function repoOf(args: CliArgs): { dir: string; repoRoot: string } {
  if (!existsSync(args.repo)) throw new UsageError(`--repo ${args.repo}: no such folder`);
  const location = locateRecord(args.repo);
  if (!location?.repoRoot) throw new UsageError(`${args.repo} is not inside a git repository (pass --repo PATH)`);
  return { dir: location.dir, repoRoot: location.repoRoot };
}

export async function ingest(args: CliArgs, out: Out): Promise<number> {
  const [what] = args.positionals;
  if (what !== 'claude') throw new UsageError('ingest wants a source: flightdeck ingest claude [--projects-dir DIR]');
  const { dir, repoRoot } = repoOf(args);
  const projectsDir = args.projectsDir ?? claudeProjectsDir();
  if (!existsSync(projectsDir)) throw new UsageError(`no Claude Code projects folder at ${projectsDir} (pass --projects-dir DIR)`);
  const store = await RecordStore.open(dir);
  try {
    const summary = await importTranscripts(store, { projectsDir, accept: cwdMatcher(workspaceRoots(repoRoot)) });
    store.append(await gitEvents(repoRoot, store.db));
    store.snapshotIfDue();
    if (args.json) out(JSON.stringify(summary, null, 2));
    else {
      const skipped = Object.entries(summary.skippedTypes).map(([k, v]) => `${k} ${v}`).join(', ');
      out(
        [
          `Read ${summary.filesRead} of ${summary.files} transcript files (${(summary.bytes / (1 << 20)).toFixed(1)} MB) from ${projectsDir}`,
          `Sessions of this repository: ${summary.sessions}`,
          `New events: ${summary.added} (of ${summary.events} found; the rest were already recorded)`,
          `Lines: ${summary.lines}; malformed ${summary.malformed}; other workspaces ${summary.otherWorkspace}${skipped ? `; skipped ${skipped}` : ''}`,
        ].join('\n'),
      );
    }
    return 0;
  } finally {
    store.close();
  }
}

export async function sessions(args: CliArgs, out: Out): Promise<number> {
  const store = await RecordStore.open(repoOf(args).dir, { readOnly: true });
  try {
    const list = listSessions(store.db, args.limit ?? 50);
    if (args.json) out(JSON.stringify(list, null, 2));
    else if (list.length === 0) out('(no sessions recorded yet; try: flightdeck ingest claude)');
    else {
      for (const s of list) {
        const when = s.startedAt ? new Date(s.startedAt).toISOString().replace('T', ' ').slice(0, 16) : '?';
        out(`${when}  ${s.id}  ${s.agent ?? '?'}  ${s.branch ?? ''}  ${(s.intent ?? '').replace(/\s+/g, ' ').slice(0, 80)}`);
      }
    }
    return 0;
  } finally {
    store.close();
  }
}

export async function show(args: CliArgs, out: Out): Promise<number> {
  const [which] = args.positionals;
  if (!which) throw new UsageError('show wants a session id or "latest"');
  const format = args.format ?? (args.json ? 'json' : 'md');
  if (format !== 'md' && format !== 'json') throw new UsageError(`--format wants md or json, not "${format}"`);
  const store = await RecordStore.open(repoOf(args).dir, { readOnly: true });
  try {
    const id = resolveSessionId(store.db, which);
    const trail = id ? buildTrail(store.db, id) : undefined;
    if (!trail) throw new UsageError(which === 'latest' ? 'no sessions recorded yet' : `no session "${which}" in this record`);
    out(format === 'json' ? JSON.stringify(trail, null, 2) : trailToMarkdown(trail).trimEnd());
    return 0;
  } finally {
    store.close();
  }
}

/** Whether tracked files have uncommitted changes; unknown (undefined) when git cannot say in time. */
function treeIsDirty(repoRoot: string): boolean | undefined {
  try {
    return execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: repoRoot, encoding: 'utf8', timeout: 2000 }).trim().length > 0;
  } catch {
    return undefined;
  }
}

/**
 * Called by Claude Code for each hook event, with JSON on stdin. Records durably and returns fast;
 * in advisory mode it never blocks the agent, not even on its own errors (it exits 0 and says why on stderr).
 */
export function hook(args: CliArgs, err: Out, stdin: () => string = () => readFileSync(0, 'utf8')): number {
  const [eventName] = args.positionals;
  try {
    if (!eventName) throw new UsageError('hook wants the event name, e.g. flightdeck hook PreToolUse');
    const text = stdin();
    let payload: unknown;
    try {
      payload = JSON.parse(text);
    } catch {
      payload = text;
    }
    const cwd = (typeof payload === 'object' && payload !== null && typeof (payload as { cwd?: unknown }).cwd === 'string'
      ? (payload as { cwd: string }).cwd
      : undefined) ?? process.env.CLAUDE_PROJECT_DIR ?? args.repo;
    const location = locateRecord(existsSync(cwd) ? cwd : args.repo);
    if (!location) return 0; // Not a repository: nothing to record into without VS Code.
    mkdirSync(location.dir, { recursive: true });
    const git: HookGit = location.repoRoot ? { head: headCommit(location.repoRoot) } : {};
    if (eventName === 'SessionStart' && location.repoRoot) git.dirty = treeIsDirty(location.repoRoot);
    const writer = new JournalWriter(location.dir);
    try {
      writer.append(hookEvents(eventName, payload, Date.now(), undefined, git).map(completeEvent));
    } finally {
      writer.close();
    }
  } catch (e) {
    err(`flightdeck hook: ${(e as Error).message} (the agent was not blocked)`);
  }
  return 0;
}

export async function dashboard(args: CliArgs, out: Out): Promise<number> {
  if (!args.out) throw new UsageError('dashboard wants a file to write: flightdeck dashboard --out FILE.html');
  const { dir, repoRoot } = repoOf(args);
  const store = await RecordStore.open(dir, { readOnly: true });
  try {
    const html = renderDashboard(store.db, { title: `Flight record of ${basename(repoRoot)}` });
    try {
      writeFileSync(args.out, html);
    } catch (e) {
      throw new UsageError(`cannot write ${args.out}: ${(e as Error).message}`);
    }
    out(args.json ? JSON.stringify({ out: args.out, bytes: Buffer.byteLength(html) }) : `Wrote ${args.out}`);
    return 0;
  } finally {
    store.close();
  }
}
