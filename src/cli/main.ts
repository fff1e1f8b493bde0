import { existsSync } from 'node:fs';
import { appendToJournal } from '../core/record/appendToJournal';
import type { RecordEvent } from '../core/record/events';
import { locateRecord } from '../core/record/location';
import { listEvents, recordStatus } from '../core/record/queries';
import { RecordStore } from '../core/record/store';
import { archiveOlderThan, sessionEventsWithArchive } from '../core/record/archive';
import { compactRecord } from '../core/record/compact';
import { parseCliArgs, USAGE, UsageError, type CliArgs } from './args';
import { errorExit } from './errorExit';
import { formatEvent, formatStatus } from './format';
import { dashboard, ingest, sessions, show } from './captureCommands';
import { hook } from './hookCommand';
import { connect, disconnect } from './connectCommand';
import { risk } from './riskCommand';
import { activeSessionBaseFromDb } from '../core/risk/baseFromDb';
import { review } from './reviewCommand';
import { lock, queue } from './lockCommand';
import { checkShip, kickoff, ship } from './shipCommand';
import { rollback } from './rollbackCommand';
import { checkDeployCommand, checkPushCommand, gates, installHooks, override, resolve, uninstallHooks } from './gateCommands';
import { formatVerify, verifyRecord } from '../core/report/verify';
import { decide, history, memory } from './memoryCommands';
import { sync } from './syncCommand';
import { plan } from './planCommand';
import { redactText } from '../core/capture/redact';

type Out = (text: string) => void;

/** Retention from the command line: archive sessions older than --months, list the files, or show one session's archived events. */
async function archive(args: CliArgs, out: Out): Promise<number> {
  const [what = 'run', id] = args.positionals;
  const readOnly = what !== 'run';
  const store = await RecordStore.open(recordDir(args), { readOnly });
  try {
    if (what === 'list') {
      const files = store.db.exec('SELECT file, sessions, events, at FROM archives ORDER BY at')[0]?.values ?? [];
      const rows = files.map(([file, sessions, events, at]) => ({ file: String(file), sessions: Number(sessions), events: Number(events), at: Number(at) }));
      out(args.json ? JSON.stringify(rows, null, 2) : rows.map((r) => `${r.file}  ${r.sessions} sessions, ${r.events} events`).join('\n') || '(no archives)');
      return 0;
    }
    if (what === 'show') {
      if (!id) throw new UsageError('archive show wants a session id');
      const events = sessionEventsWithArchive(store, id);
      out(args.json ? JSON.stringify(events, null, 2) : events.map(formatEvent).join('\n') || '(no events)');
      return 0;
    }
    if (what !== 'run') throw new UsageError(`archive ${what}: expected list, show ID, or --months N`);
    if (args.months === undefined) throw new UsageError('archive wants --months N (keep N months; older sessions are archived)');
    const result = archiveOlderThan(store, args.months);
    store.snapshot();
    out(args.json ? JSON.stringify(result) : `${result.sessions} sessions, ${result.events} events archived${result.files.length ? ` in ${result.files.join(', ')}` : ''}`);
    return 0;
  } finally {
    store.close();
  }
}

function recordDir(args: CliArgs): string {
  if (!existsSync(args.repo)) throw new UsageError(`--repo ${args.repo}: no such folder`);
  const location = locateRecord(args.repo);
  if (!location) throw new UsageError(`${args.repo} is not inside a git repository (pass --repo PATH)`);
  return location.dir;
}

async function run(args: CliArgs, out: Out, err: Out, cwd: string): Promise<number> {
  switch (args.command) {
    case 'help':
      out(USAGE);
      return 0;
    case 'note': {
      const text = args.positionals.join(' ').trim();
      if (!text) throw new UsageError('note wants the text to record: flightdeck note "TEXT"');
      const dir = recordDir(args);
      // A note needs no database: it is durable once its journal line is, and that is all we wait for.
      const [event] = appendToJournal(dir, [{ kind: 'note', source: 'cli', data: { text: redactText(text) } }]) as [RecordEvent];
      out(args.json ? JSON.stringify({ id: event.id }) : event.id);
      return 0;
    }
    case 'status': {
      const dir = recordDir(args);
      const store = await RecordStore.open(dir, { readOnly: true });
      try {
        const status = recordStatus(store);
        out(args.json ? JSON.stringify({ ...status, exists: existsSync(dir), report: store.report }, null, 2) : formatStatus(status, existsSync(dir)));
      } finally {
        store.close();
      }
      return 0;
    }
    case 'log': {
      const store = await RecordStore.open(recordDir(args), { readOnly: true });
      try {
        const events = listEvents(store.db, { limit: args.limit ?? 20, kind: args.kind });
        out(args.json ? JSON.stringify(events, null, 2) : events.map(formatEvent).join('\n') || '(no events)');
      } finally {
        store.close();
      }
      return 0;
    }
    case 'verify': {
      const dir = recordDir(args);
      const result = await verifyRecord(dir, false);
      out(args.json ? JSON.stringify(result, null, 2) : formatVerify(result));
      return result.damaged ? 1 : 0;
    }
    case 'archive':
      return archive(args, out);
    case 'compact': {
      const store = await RecordStore.open(recordDir(args));
      try {
        const r = compactRecord(store);
        const mb = (n: number): string => `${(n / (1 << 20)).toFixed(1)} MB`;
        const packed = r.packed?.lines ? `; ${r.packed.lines.toLocaleString('en-US')} payloads packed, ${mb(r.packed.rawBytes)} -> ${mb(r.packed.packedBytes)}` : '';
        const removed = r.removed?.files.length ? `; ${r.removed.files.length} segment files removed (${mb(r.removed.bytes)} freed)` : '';
        const unreadable = r.packed?.unreadable ? `; ${r.packed.unreadable} payloads could not be read and stay where they are (flightdeck verify)` : '';
        out(args.json ? JSON.stringify(r) : r.snapshot ? `database ${mb(r.before)} -> ${mb(r.after)}${packed}${removed}${unreadable}` : 'another process is writing a snapshot: nothing changed, try again');
        return r.snapshot ? 0 : 3;
      } finally {
        store.close();
      }
    }
    case 'ingest':
      return ingest(args, out);
    case 'sessions':
      return sessions(args, out);
    case 'show':
      return show(args, out);
    case 'hook':
      return hook(args, err);
    case 'dashboard':
      return dashboard(args, out);
    case 'connect':
      return connect(args, out);
    case 'disconnect':
      return disconnect(args, out);
    case 'risk':
      return risk(args, out, activeSessionBaseFromDb);
    case 'review':
      return review(args, out);
    case 'lock':
      return lock(args, out);
    case 'queue':
      return queue(args, out);
    case 'check-ship':
      return checkShip(args, out);
    case 'kickoff':
      return kickoff(args, out);
    case 'ship':
      return ship(args, out);
    case 'rollback':
      return rollback(args, out);
    case 'override':
      return override(args, out);
    case 'resolve':
      return resolve(args, out);
    case 'gates':
      return gates(args, out);
    case 'check-push':
      return checkPushCommand(args, err);
    case 'check-deploy':
      return checkDeployCommand(args, err);
    case 'decide':
      return decide(args, cwd, out, err);
    case 'plan':
      return plan(args, cwd, out);
    case 'memory':
      return memory(args, cwd, out);
    case 'history':
      return history(args, cwd, out);
    case 'sync':
      return sync(args, out, err);
    case 'install-git-hooks':
      return installHooks(args, out);
    case 'uninstall-git-hooks':
      return uninstallHooks(args, out);
    case '':
      throw new UsageError('a command is needed; try flightdeck --help');
    default:
      throw new UsageError(`unknown command "${args.command}"; try flightdeck --help`);
  }
}

/** Runs the CLI; user mistakes and record errors become one line on stderr, never a stack trace. */
export async function main(argv: string[], cwd: string, out: Out, err: Out): Promise<number> {
  try {
    return await run(parseCliArgs(argv, cwd), out, err, cwd);
  } catch (e) {
    return errorExit(e, err);
  }
}

// The risk bundle (riskMain.ts) asks the database through here, when sessions.json cannot say.
export { activeSessionBaseFromDb };
