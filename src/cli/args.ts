import { parseArgs } from 'node:util';

export class UsageError extends Error {}

export interface CliArgs {
  command: string;
  positionals: string[];
  repo: string;
  json: boolean;
  limit?: number;
  kind?: string;
  format?: string;
  projectsDir?: string;
  out?: string;
  engine?: string;
  reason?: string;
  gate?: string;
  for?: string;
}

export const USAGE = `usage: flightdeck <command> [options]

commands:
  status            where the record is, its schema, counts, journal and last snapshot
  note "TEXT"       record a note; prints its id once it is on disk
  log               recorded events, newest first (--limit N, --kind K)
  verify            open the record, replay the journal, report damage (exit 1 if any)
  ingest claude     import this repository's Claude Code sessions (idempotent; --projects-dir DIR)
  sessions          recorded sessions, newest first
  show ID|latest    one session's flight record (--format md|json)
  hook EVENT        record a Claude Code hook event from stdin (installed by Connect Claude Code)
  dashboard --out F write the record as one self-contained, read-only HTML file
  connect claude    add Flightdeck's hooks to .claude/settings.local.json, only the events the
                    installed Claude Code knows (asks claude --version); run again: nothing changes
  disconnect claude remove only Flightdeck's hooks from .claude/settings.local.json
  risk [PATH…]      each risky file (auth, payments, migrations, …) with its categories and the rule
                    that matched: the changes since the active session's starting commit (or HEAD),
                    or the given files as they are on disk; exit 0 (a report)
  review            a second eye on the risky changes (those flightdeck risk lists): records the
                    review and its verdict, prints the concerns; exit 0 passed, 1 concerns, 2 error
                    (--engine rules|anthropic; anthropic needs ANTHROPIC_API_KEY and also runs rules)
  override ID       override a review with a reason: --reason "why" [--for 1h]; or a gate:
                    override --gate push|deploy|boundary --reason "why" (an hour unless --for)
  gates             what the gates hold now (mode, open reviews, overrides, the task); rebuilds
                    their state beside the record
  check-push        git's pre-push hook: refuses a push to a protected branch while a review of the
                    pushed change is open (enforce mode; advisory warns); exit 1 refuses
  install-git-hooks install the pre-push hook (core.hooksPath respected; an existing pre-push is
                    kept and run first); uninstall-git-hooks removes only ours

options:
  --repo PATH       the repository (default: the one containing the current folder)
  --json            machine-readable output
  --limit N         how many events to list (log; default 20)
  --kind K          only events of this kind (log)
  --format md|json  the flight record's format (show; default md)
  --projects-dir D  where Claude Code keeps its transcripts (ingest; default ~/.claude/projects)
  --engine E        rules (default, offline) or anthropic (review)
  --reason TEXT     why a gate does not apply (override; a word or "ok" is refused)
  --gate G          push, deploy or boundary (override)
  --for DURATION    how long an override holds: 30m, 1h, 2d (override)`;

/** Parses argv strictly: an unknown option or a bad value is a one-line usage error. */
export function parseCliArgs(argv: string[], cwd: string): CliArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        repo: { type: 'string' },
        json: { type: 'boolean', default: false },
        limit: { type: 'string' },
        kind: { type: 'string' },
        format: { type: 'string' },
        'projects-dir': { type: 'string' },
        out: { type: 'string' },
        engine: { type: 'string' },
        reason: { type: 'string' },
        gate: { type: 'string' },
        for: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (err) {
    throw new UsageError((err as Error).message.split('\n')[0] ?? 'bad arguments');
  }
  const { values, positionals } = parsed;
  const [command = values.help ? 'help' : '', ...rest] = positionals;
  let limit: number | undefined;
  if (values.limit !== undefined) {
    limit = Number(values.limit);
    if (!Number.isInteger(limit) || limit < 1) throw new UsageError(`--limit wants a whole number above 0, not "${values.limit}"`);
  }
  return {
    command, positionals: rest, repo: values.repo ?? cwd, json: values.json ?? false, limit, kind: values.kind,
    format: values.format, projectsDir: values['projects-dir'], out: values.out, engine: values.engine,
    reason: values.reason, gate: values.gate, for: values.for,
  };
}
