import { existsSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { readCheckRules } from '../core/capture/checkRules';
import { AGENTS, agentOf, type CaptureAgent } from '../core/capture/agents';
import { importTranscripts, type ImportSummary } from '../core/capture/claudeImport';
import { classifyCheck } from '../core/capture/classify';
import { gitEvents } from '../core/capture/gitHistory';
import { cwdMatcher, workspaceRoots } from '../core/capture/workspace';
import { locateRecord } from '../core/record/location';
import { listSessions } from '../core/record/queries';
import { keepGateState } from '../core/gates/stateWriter';
import { keepMemory } from '../core/report/memoryWriter';
import { RecordStore } from '../core/record/store';
import { ArchiveAsItGoes, DEFAULT_KEEP_LOADED_DAYS } from '../core/record/archiveAsItGoes';
import { buildTrail, resolveSessionId } from '../core/report/trail';
import { trailToMarkdown } from '../core/report/trailMarkdown';
import { renderDashboard } from '../core/report/dashboard';
import { loadPolicy } from '../core/risk/load';
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
  const names = AGENTS.map((a) => a.id).join(', ');
  if (what !== undefined && !agentOf(what)) throw new UsageError(`ingest wants an agent (${names}) or none for all of them, not "${what}"`);
  // One named agent must have its folder; without a name, every agent whose folder is here.
  const dirOf = (a: CaptureAgent): string => (a.id === 'claude' ? args.projectsDir : a.id === 'codex' ? args.sessionsDir : undefined) ?? a.defaultDir();
  const chosen = what !== undefined ? [agentOf(what) as CaptureAgent] : AGENTS.filter((a) => existsSync(dirOf(a)));
  for (const a of chosen) {
    const flag = a.id === 'codex' ? '--sessions-dir' : '--projects-dir';
    if (!existsSync(dirOf(a))) throw new UsageError(`no ${a.name} sessions folder at ${dirOf(a)} (pass ${flag} DIR)`);
  }
  if (chosen.length === 0) throw new UsageError(`no agent's sessions found here (looked for ${AGENTS.map((a) => `${a.name} at ${dirOf(a)}`).join(', ')})`);
  const { dir, repoRoot } = repoOf(args);
  const store = await RecordStore.open(dir);
  // A long history: sessions quiet for longer than the extension keeps loaded are archived as the import goes, so
  // the database in memory (and this command's peak) holds about that window, not every year of it.
  const days = args.keepLoadedDays ?? DEFAULT_KEEP_LOADED_DAYS;
  const going = days > 0 ? new ArchiveAsItGoes(store, days * 86_400_000) : undefined;
  keepGateState(store); // a long import may rotate the journal: the gates' state follows it
  const memory = keepMemory(store); // the next session's hand-off, rebuilt once at the end
  try {
    const roots = workspaceRoots(repoRoot);
    // The user's check rules, as the extension left them beside the record (the CLI cannot read VS Code's settings).
    const rules = readCheckRules(dir);
    const summaries: Record<string, ImportSummary> = {};
    const lines: string[] = [];
    for (const a of chosen) {
      const from = dirOf(a);
      const summary = await importTranscripts(store, {
        projectsDir: from, accept: cwdMatcher(roots), folders: a.folders?.(roots), roots, format: a.format,
        classify: (command) => classifyCheck(command, rules)?.kind,
        worker: { script: join(__dirname, 'import-worker.js'), roots, rules },
        checkpoint: () => going?.checkpoint(),
      });
      summaries[a.id] = summary;
      const skipped = Object.entries(summary.skippedTypes).map(([k, v]) => `${k} ${v}`).join(', ');
      lines.push(
        ...(chosen.length > 1 ? [`${a.name}:`] : []),
        `Read ${summary.filesRead} of ${summary.files} ${a.name} session files (${(summary.bytes / (1 << 20)).toFixed(1)} MB) in ${from}`,
        `Sessions of this repository: ${summary.sessions}`,
        `New events: ${summary.added} (of ${summary.events} found; the rest were already recorded)`,
        `Lines: ${summary.lines}; malformed ${summary.malformed}; other workspaces ${summary.otherWorkspace}${skipped ? `; skipped ${skipped}` : ''}`,
      );
    }
    if (going?.result.sessions) {
      lines.push(`Archived as it went: ${going.result.sessions} sessions quiet for more than ${days} days, ${going.result.events} events (still listed, reopened whole; --keep-loaded-days 0 keeps all loaded)`);
    }
    if (going?.failure) lines.push(`Could not archive as it went (${going.failure.message}): everything stays loaded, nothing was lost`);
    store.append(await gitEvents(repoRoot, store.db));
    // The command ends here: a quiet moment, so the next open (the extension's too) replays little.
    if (store.snapshotDue() || store.idleSnapshotDue()) store.snapshot();
    // One agent named: its summary as before; all of them: one summary per agent.
    if (args.json) out(JSON.stringify(what !== undefined ? summaries[what] : summaries, null, 2));
    else out(lines.join('\n'));
    return 0;
  } finally {
    going?.dispose();
    memory.dispose();
    store.close();
  }
}

export async function sessions(args: CliArgs, out: Out): Promise<number> {
  const store = await RecordStore.open(repoOf(args).dir, { readOnly: true });
  try {
    const list = listSessions(store.db, args.limit ?? 50);
    if (args.json) out(JSON.stringify(list, null, 2));
    else if (list.length === 0) out('(no sessions recorded yet; try: flightdeck ingest)');
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

export async function dashboard(args: CliArgs, out: Out): Promise<number> {
  if (!args.out) throw new UsageError('dashboard wants a file to write: flightdeck dashboard --out FILE.html');
  const { dir, repoRoot } = repoOf(args);
  const store = await RecordStore.open(dir, { readOnly: true });
  try {
    // The Insights sort changed files into the categories of the policy in force (read only: nothing is written beside the record).
    const policy = loadPolicy(repoRoot, { recordDir: dir, persist: false }).policy;
    const html = renderDashboard(store.db, { title: `Flight record of ${basename(repoRoot)}`, policy });
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
