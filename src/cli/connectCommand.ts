import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  applyConnect, applyDisconnect, claudeSettingsPath, cliHookCommand, connectJson, describeConnect, describeDisconnect, planConnect, planDisconnect,
} from '../core/capture/claudeConnect';
import { probeClaude } from '../core/capture/claudeProbe';
import { findRepoRoot } from '../core/record/location';
import { UsageError, type CliArgs } from './args';

type Out = (text: string) => void;

/** The repository whose `.claude/settings.local.json` gets the hooks; only `claude` can be connected. */
function target(args: CliArgs): string {
  const what = args.positionals[0];
  if (what === undefined) throw new UsageError(`${args.command} wants what to ${args.command}: flightdeck ${args.command} claude`);
  if (what !== 'claude' || args.positionals.length > 1) throw new UsageError(`${args.command} knows only "claude", not "${args.positionals.join(' ')}"`);
  if (!existsSync(args.repo)) throw new UsageError(`--repo ${args.repo}: no such folder`);
  const root = findRepoRoot(args.repo);
  if (!root) throw new UsageError(`${args.repo} is not inside a git repository (pass --repo PATH)`);
  return root;
}

/** `flightdeck connect claude`: the same hooks as the VS Code command, running this CLI. Exit 1 when none could be. */
export async function connect(args: CliArgs, out: Out): Promise<number> {
  const root = target(args);
  // Bundled beside this file: the hooks run dist/cli.js, whose `hook` path loads only the hook's bundle.
  const cli = join(__dirname, 'cli.js');
  if (!existsSync(cli)) throw new Error(`cannot find the CLI to run from hooks at ${cli}`);
  const plan = planConnect(claudeSettingsPath(root), await probeClaude(), cliHookCommand(cli));
  applyConnect(plan, root);
  if (args.json) out(JSON.stringify({ ...connectJson(plan), hookCommand: plan.command }, null, 2));
  else out([...describeConnect(plan), ...(plan.support.events.length ? [`Each hook runs: ${plan.command}`] : [])].join('\n'));
  return plan.support.events.length ? 0 : 1;
}

/** `flightdeck disconnect claude`: removes only Flightdeck's hooks. */
export function disconnect(args: CliArgs, out: Out): number {
  const plan = planDisconnect(claudeSettingsPath(target(args)));
  applyDisconnect(plan);
  out(args.json ? JSON.stringify({ settingsPath: plan.path, removed: plan.removed, changed: plan.changed }, null, 2) : describeDisconnect(plan));
  return 0;
}
