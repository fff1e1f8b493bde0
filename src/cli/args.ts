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
  sessionsDir?: string;
  out?: string;
  engine?: string;
  reason?: string;
  id?: string;
  remote?: string;
  hotfix: boolean;
  pid?: number;
  leaseMinutes?: number;
  commit?: string;
  base?: string;
  target?: string;
  outcome?: string;
  gate?: string;
  for?: string;
  files: string[];
  maxChars?: number;
  session?: string;
  months?: number;
  /** ingest: archive sessions quiet for longer as the import goes (0 keeps everything loaded). */
  keepLoadedDays?: number;
}

export const USAGE = `usage: flightdeck <command> [options]

commands:
  status            where the record is, its schema, counts, journal and last snapshot
  note "TEXT"       record a note; prints its id once it is on disk
  log               recorded events, newest first (--limit N, --kind K)
  verify            open the record, replay the journal, read every kept payload back, report damage (exit 1 if any)
  archive --months N  retention: sessions quiet for more than N months written whole to a compressed file in
                    the record's archive/ folder and their events taken out of the database (still listed;
                    \`archive list\` shows the files, \`archive show ID\` a session's archived events)
  compact           rewrite the database packed and snapshot it (the extension runs it at quiet moments)
  ingest [AGENT]    import this repository's agent sessions (idempotent): claude (--projects-dir DIR),
                    codex (--sessions-dir DIR); without AGENT every agent found on this machine. A long
                    history archives sessions quiet for more than --keep-loaded-days N (default 30, 0 keeps
                    all loaded) as it goes, as the extension does at quiet moments: still listed, reopened whole
  sessions          recorded sessions, newest first
  show ID|latest    one session's flight record (--format md|json)
  hook EVENT        record a Claude Code (or Codex) hook event from stdin (installed by Connect)
  dashboard --out F write the record as one self-contained, read-only HTML file
  connect claude    add Flightdeck's hooks to .claude/settings.local.json, only the events the
                    installed Claude Code knows (asks claude --version); run again: nothing changes
  disconnect claude remove only Flightdeck's hooks from .claude/settings.local.json
  connect codex     add Flightdeck's hooks (SessionStart, UserPromptSubmit, PreToolUse, Stop, SessionEnd)
                    as one marked block at the end of $CODEX_HOME/config.toml (default ~/.codex), the
                    rest of the file untouched; Codex runs them once you trust them (/hooks)
  disconnect codex  remove only Flightdeck's block from $CODEX_HOME/config.toml
  risk [PATH…]      each risky file (auth, payments, migrations, …) with its categories and the rule
                    that matched: the changes since the active session's starting commit (or HEAD),
                    or the given files as they are on disk; exit 0 (a report)
  review            a second eye on the risky changes (those flightdeck risk lists): records the
                    review and its verdict, prints the concerns; exit 0 passed, 1 concerns, 2 error
                    (--engine rules|anthropic; anthropic needs ANTHROPIC_API_KEY and also runs rules;
                    --base REF reviews the changes since REF instead, e.g. what a push will carry);
                    with nothing risky left, closes the open reviews whose change is gone
  lock status       who holds the deploy lock (local, or the team's with --remote or the policy's
                    deploy.lock "remote"), since when, why, and the ship queue
  lock acquire      take the deploy lock (--reason R, --pid P ties it to a process, --lease MIN);
                    exit 0 acquired, 3 someone else holds it (or it is the next in line's turn)
  lock release      give it back (yours, or --id ID); exit 0 released, 1 it was free, 3 not yours
  lock heartbeat    renew the lease of lock --id ID; exit 0 renewed, 1 it is no longer yours
  lock force-unlock free someone else's lock: needs --id ID and --reason R, both recorded
  queue status      the ship queue in order, and whose turn it is
  queue join        line up for the lock (--hotfix goes to the front, --reason R)
  queue leave       leave the queue; exit 1 if you were not in it
  check-ship        whether the record shows the policy's deploy.requiredChecks passing on the exact
                    commit (--commit SHA, default HEAD): same commit on a clean tree, or the same tree;
                    exit 0 proven, 1 not
  kickoff           is the tree clean and current with its upstream base (--base REF, default the
                    upstream or deploy.base)? fetches the base; records the starting point; exit 0/1
  ship              record a ship after deploying (--commit SHA, --target NAME, --outcome shipped|
                    failed): the range since the previous ship, its checks, the lock, how to roll back
  rollback [SHIP]   without SHIP, the recorded ships and how to undo each; with it, prepares the undo for
                    review: branch rollback/SHIP from HEAD with the ship's range reverted (clean tree
                    needed); exit 0 prepared, 1 refused (nothing changed), 4 stopped on a conflict
  override ID       override a review with a reason: --reason "why" [--for 1h]; or a gate:
                    override --gate push|deploy|boundary --reason "why" (an hour unless --for)
  resolve ID        mark an open review resolved (the concern was dealt with), recorded with your git
                    identity and --reason "what was done" (default: marked resolved); exit 2 if the
                    review is unknown or already closed
  gates             what the gates hold now (mode, open reviews, overrides, the task); rebuilds
                    their state beside the record
  check-push        git's pre-push hook: refuses a push to a protected branch while a review of the
                    pushed change is open, or while a risky file in it was never reviewed as pushed
                    (enforce mode; advisory warns); exit 1 refuses
  check-deploy      the Claude Code hook's check before an agent's deploy: refuses it while a risky file
                    of the working tree's change was never reviewed as it is now (enforce mode; advisory
                    warns); exit 1 refuses
  decide "TEXT"     record a decision (what was decided and why), about --file PATH (repeatable),
                    in the agent's current session (or --session ID); prints its id once it is on disk
  plan "TEXT"       record your plan for a session (the agent's active one, or --session ID), naming
                    the files it covers with --file PATH (repeatable): the plan check holds the session
                    against it ahead of the agent's own plan; prints its id once it is on disk
  memory            the hand-off for the next session on this branch: open review concerns, decisions,
                    what broke and how it was fixed, recent sessions, the touched files' history
                    (--max-chars N, default 4000; --out AGENTS.md|CLAUDE.md writes it into a marked block)
  history PATH      a file's history: the sessions that changed it and why, decisions, failed checks,
                    reverts, reviews and overrides
  sync              the team's record through the git remote (opt-in: only when you run it, or turn on
                    the flightdeck.team.sync setting): pushes your events, redacted, to
                    refs/flightdeck/records/<your git email> and imports everyone else's (--remote NAME,
                    default origin); run again: nothing is doubled
  install-git-hooks install the pre-push hook (core.hooksPath respected; an existing pre-push is
                    kept and run first); uninstall-git-hooks removes only ours

options:
  --repo PATH       the repository (default: the one containing the current folder)
  --json            machine-readable output
  --limit N         how many events to list (log; default 20)
  --kind K          only events of this kind (log)
  --format md|json  the flight record's format (show; default md)
  --projects-dir D  where Claude Code keeps its transcripts (ingest; default ~/.claude/projects)
  --sessions-dir D  where Codex keeps its rollouts (ingest; default $CODEX_HOME/sessions or ~/.codex/sessions)
  --engine E        rules (default, offline) or anthropic (review)
  --reason R        why you take the lock, join the queue, force it open, or override a gate (override:
                    a word or "ok" is refused); what was done (resolve)
  --id ID           the lock id (release, heartbeat, force-unlock)
  --remote NAME     use the team lock on this git remote; sync with this remote (sync; default origin)
  --hotfix          join the queue ahead of ordinary ships
  --pid P           the lock ends when process P ends (acquire; e.g. your deploy script's $$)
  --lease MIN       minutes the lock lasts without a heartbeat (acquire; default 60)
  --commit SHA      the commit shipped (check-ship, ship; default HEAD)
  --base REF        the upstream base (kickoff); what the changes are measured from (review)
  --target NAME     where it shipped (ship; default production)
  --outcome O       shipped (default) or failed (ship)
  --gate G          push, deploy or boundary (override)
  --for DURATION    how long an override holds: 30m, 1h, 2d (override)
  --file PATH       a file the decision is about, or the plan covers (decide, plan; repeatable)
  --session ID      the session a decision or plan belongs to (decide, plan; default: the agent's active one)
  --max-chars N     the hand-off's size cap (memory; default 4000)`;

/**
 * `hook EVENT` as Connect writes it, without options: nothing for a parser to do, and node's (util.parseArgs)
 * costs most of a millisecond to load on every tool call. Anything with an option goes through parseCliArgs.
 */
export function parseHookArgs(argv: string[], cwd: string): CliArgs {
  if (argv.some((a) => a.startsWith('-'))) return parseCliArgs(argv, cwd);
  const [command = '', ...positionals] = argv;
  return { command, positionals, repo: cwd, json: false, hotfix: false, files: [] };
}

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
        'sessions-dir': { type: 'string' },
        out: { type: 'string' },
        engine: { type: 'string' },
        reason: { type: 'string' },
        id: { type: 'string' },
        remote: { type: 'string' },
        hotfix: { type: 'boolean', default: false },
        pid: { type: 'string' },
        lease: { type: 'string' },
        commit: { type: 'string' },
        base: { type: 'string' },
        target: { type: 'string' },
        outcome: { type: 'string' },
        gate: { type: 'string' },
        for: { type: 'string' },
        file: { type: 'string', multiple: true },
        'max-chars': { type: 'string' },
        session: { type: 'string' },
        months: { type: 'string' },
        'keep-loaded-days': { type: 'string' },
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
  let months: number | undefined;
  if (values.months !== undefined) {
    months = Number(values.months);
    if (!Number.isFinite(months) || months <= 0) throw new UsageError(`--months wants a number of months above 0, not "${values.months}"`);
  }
  let keepLoadedDays: number | undefined;
  if (values['keep-loaded-days'] !== undefined) {
    keepLoadedDays = Number(values['keep-loaded-days']);
    if (values['keep-loaded-days'].trim() === '' || !Number.isFinite(keepLoadedDays) || keepLoadedDays < 0) throw new UsageError(`--keep-loaded-days wants a number of days (0 keeps everything loaded), not "${values['keep-loaded-days']}"`);
  }
  let pid: number | undefined;
  if (values.pid !== undefined) {
    pid = Number(values.pid);
    if (!Number.isInteger(pid) || pid < 1) throw new UsageError(`--pid wants a process id, not "${values.pid}"`);
  }
  let leaseMinutes: number | undefined;
  if (values.lease !== undefined) {
    leaseMinutes = Number(values.lease);
    if (!Number.isFinite(leaseMinutes) || leaseMinutes <= 0) throw new UsageError(`--lease wants minutes above 0, not "${values.lease}"`);
  }
  let maxChars: number | undefined;
  if (values['max-chars'] !== undefined) {
    maxChars = Number(values['max-chars']);
    if (!Number.isInteger(maxChars) || maxChars < 200) throw new UsageError(`--max-chars wants a whole number of at least 200, not "${values['max-chars']}"`);
  }
  if (values.remote !== undefined && !/^[A-Za-z0-9][A-Za-z0-9._/-]*$/.test(values.remote)) throw new UsageError(`--remote wants a remote name, not "${values.remote}"`);
  return {
    reason: values.reason, id: values.id, remote: values.remote, hotfix: values.hotfix ?? false, pid, leaseMinutes, commit: values.commit, base: values.base, target: values.target, outcome: values.outcome,
    command, positionals: rest, repo: values.repo ?? cwd, json: values.json ?? false, limit, kind: values.kind,
    format: values.format, projectsDir: values['projects-dir'], sessionsDir: values['sessions-dir'], out: values.out, engine: values.engine,
    gate: values.gate, for: values.for, files: values.file ?? [], maxChars, session: values.session, months, keepLoadedDays,
  };
}
