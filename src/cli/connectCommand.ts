import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  applyConnect, applyDisconnect, claudeSettingsPath, cliHookCommand, codexHookCommand, connectJson, describeConnect, describeDisconnect, planConnect, planDisconnect,
} from '../core/capture/claudeConnect';
import { probeClaude } from '../core/capture/claudeProbe';
import {
  applyCodexConnect, applyCodexDisconnect, codexConfigPath, describeCodexConnect, describeCodexDisconnect, planCodexConnect, planCodexDisconnect,
} from '../core/capture/codex/connect';
import { findRepoRoot, locateRecord } from '../core/record/location';
import { UsageError, type CliArgs } from './args';

type Out = (text: string) => void;

/** Which agent to connect: `claude` or `codex`. */
function agentOf(args: CliArgs): 'claude' | 'codex' {
  const what = args.positionals[0];
  if (what === undefined) throw new UsageError(`${args.command} wants what to ${args.command}: flightdeck ${args.command} claude|codex`);
  if ((what !== 'claude' && what !== 'codex') || args.positionals.length > 1) throw new UsageError(`${args.command} knows "claude" and "codex", not "${args.positionals.join(' ')}"`);
  return what;
}

/** The repository whose `.claude/settings.local.json` gets the hooks (Codex's: whose record they feed). */
function target(args: CliArgs): string {
  if (!existsSync(args.repo)) throw new UsageError(`--repo ${args.repo}: no such folder`);
  const root = findRepoRoot(args.repo);
  if (!root) throw new UsageError(`${args.repo} is not inside a git repository (pass --repo PATH)`);
  return root;
}

/** Bundled beside this file: the hooks run dist/cli.js, whose `hook` path loads only the hook's bundle. */
function hookCli(): string {
  const cli = join(__dirname, 'cli.js');
  if (!existsSync(cli)) throw new Error(`cannot find the CLI to run from hooks at ${cli}`);
  return cli;
}

/** `flightdeck connect claude|codex`: the same hooks as the VS Code commands, running this CLI. Exit 1 when none could be. */
export async function connect(args: CliArgs, out: Out): Promise<number> {
  if (agentOf(args) === 'codex') return connectCodex(args, out);
  const root = target(args);
  const cli = hookCli();
  const plan = planConnect(claudeSettingsPath(root), await probeClaude(), cliHookCommand(cli));
  applyConnect(plan, root);
  if (args.json) out(JSON.stringify({ ...connectJson(plan), hookCommand: plan.command }, null, 2));
  else out([...describeConnect(plan), ...(plan.support.events.length ? [`Each hook runs: ${plan.command}`] : [])].join('\n'));
  return plan.support.events.length ? 0 : 1;
}

/**
 * `flightdeck connect codex`: Flightdeck's block in $CODEX_HOME/config.toml. Codex's hooks are the user's, for
 * every folder, and record only into repositories that keep a record: this one gets its record folder now.
 */
function connectCodex(args: CliArgs, out: Out): number {
  const root = target(args);
  const plan = planCodexConnect(codexConfigPath(), codexHookCommand(hookCli()));
  applyCodexConnect(plan);
  const record = locateRecord(root);
  if (record) mkdirSync(record.dir, { recursive: true });
  if (args.json) {
    out(JSON.stringify({ configPath: plan.path, connected: plan.events, changed: plan.changed, hookCommand: plan.command, hooksJson: plan.hooksJson ?? null }, null, 2));
  } else out([...describeCodexConnect(plan), `Each hook runs: ${plan.command}`].join('\n'));
  return 0;
}

/** `flightdeck disconnect claude|codex`: removes only Flightdeck's hooks. */
export function disconnect(args: CliArgs, out: Out): number {
  if (agentOf(args) === 'codex') {
    const codex = planCodexDisconnect(codexConfigPath());
    applyCodexDisconnect(codex);
    out(args.json ? JSON.stringify({ configPath: codex.path, changed: codex.changed }, null, 2) : describeCodexDisconnect(codex));
    return 0;
  }
  const plan = planDisconnect(claudeSettingsPath(target(args)));
  applyDisconnect(plan);
  out(args.json ? JSON.stringify({ settingsPath: plan.path, removed: plan.removed, changed: plan.changed }, null, 2) : describeDisconnect(plan));
  return 0;
}
