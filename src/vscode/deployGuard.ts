import * as vscode from 'vscode';
import { redactText } from '../core/capture/redact';
import { ago } from '../core/gates/describe';
import { matchDeployCommand, matchDeployTask, type DeployMatch, type DeployRules } from '../core/gates/deployTasks';
import type { GateState } from '../core/gates/types';
import { shortName } from '../core/gates/statusView';
import { Disposable } from './disposable';
import type { DeployGate } from './deployGate';

/** `flightdeck.deploy.*`: the user's additions to the built-in deploy words and commands. */
export function deployRules(): DeployRules {
  const c = vscode.workspace.getConfiguration('flightdeck.deploy');
  return { taskNames: c.get<string[]>('taskNames', []), commands: c.get<string[]>('commands', []), builtIn: c.get<boolean>('builtInPatterns', true) };
}

/** A task's shell command line, or its process and arguments. */
export function taskCommandLine(task: vscode.Task): string | undefined {
  const exec = task.execution;
  const arg = (a: string | vscode.ShellQuotedString): string => (typeof a === 'string' ? a : a.value);
  if (exec instanceof vscode.ShellExecution) {
    if (exec.commandLine) return exec.commandLine;
    return exec.command ? [arg(exec.command), ...(exec.args ?? []).map(arg)].join(' ') : undefined;
  }
  if (exec instanceof vscode.ProcessExecution) return [exec.process, ...exec.args].join(' ');
  return undefined;
}

/** "held by Ada Lovelace on build-box (for 12 min): "hotfix 1.4.2"", or "free" — for the messages. */
function lockSays(state: GateState | undefined, error: string | undefined): string {
  if (error) return `the deploy lock could not be read (${error})`;
  const lock = state?.lock;
  if (!lock) return 'nobody holds the deploy lock; take it first';
  return `the deploy lock is held by ${shortName(lock.who)} on ${lock.host} (for ${ago(Date.now() - lock.created)})${lock.reason ? `: "${lock.reason}"` : ''}`;
}

/**
 * Deploys only under the lock: a deploy task started in this window without it is terminated at once; a deploy
 * command typed in a terminal cannot be stopped reliably, so it is flagged loudly. Both are recorded.
 */
export class DeployGuard extends Disposable {
  private readonly handled = this._register(new vscode.EventEmitter<{ name: string; action: 'stopped' | 'allowed' | 'flagged'; match: DeployMatch }>());
  /** Fires once a deploy task or command was judged and recorded (the integration tests wait on it). */
  readonly onDidJudge = this.handled.event;

  constructor(private readonly gate: DeployGate) {
    super();
    this._register(vscode.tasks.onDidStartTask((e) => void this.onTask(e.execution)));
    this._register(vscode.window.onDidStartTerminalShellExecution((e) => void this.onTerminal(e)));
  }

  /** The lock as it is now: the local lease is read again (a millisecond); the team lock as last polled. */
  private async current(): Promise<GateState | undefined> {
    return this.gate.scope === 'local' ? this.gate.refresh() : this.gate.state;
  }

  private async onTask(execution: vscode.TaskExecution): Promise<void> {
    const gate = this.gate;
    if (!gate.trusted || gate.unavailable) return;
    const task = execution.task;
    const match = matchDeployTask({ name: task.name, commandLine: taskCommandLine(task) }, deployRules());
    if (!match) return;
    const state = await this.current();
    const mine = gate.heldByMe(state);
    const facts = { task: task.name, source: task.source, command: redactText(taskCommandLine(task) ?? ''), matchedBy: match.by, pattern: match.pattern };
    if (mine) {
      gate.record('deploy.task', { ...facts, action: 'allowed', lockId: mine.id });
      this.handled.fire({ name: task.name, action: 'allowed', match });
      return;
    }
    execution.terminate();
    const says = lockSays(state, gate.error);
    gate.record('deploy.task', { ...facts, action: 'stopped', why: says, holder: state?.lock?.who ?? null, lockId: state?.lock?.id ?? null });
    this.handled.fire({ name: task.name, action: 'stopped', match });
    const free = !state?.lock && !gate.error;
    const act = free ? 'Take the lock and run it' : 'Join ship queue';
    const pick = await vscode.window.showWarningMessage(`Flightdeck stopped the deploy task "${task.name}": ${says}.`, act);
    if (pick === act && free) {
      const acquired = await vscode.commands.executeCommand<string | undefined>('flightdeck.acquireDeployLock', { reason: `run ${task.name}` });
      if (acquired) await vscode.tasks.executeTask(task);
    } else if (pick === act) await vscode.commands.executeCommand('flightdeck.joinShipQueue');
  }

  private async onTerminal(e: vscode.TerminalShellExecutionStartEvent): Promise<void> {
    const gate = this.gate;
    if (!gate.trusted || gate.unavailable) return;
    const line = e.execution.commandLine.value;
    const match = matchDeployCommand(line, deployRules());
    if (!match) return;
    const state = await this.current();
    const mine = gate.heldByMe(state);
    const facts = { command: redactText(line), terminal: e.terminal.name, pattern: match.pattern };
    if (mine) {
      gate.record('deploy.terminal', { ...facts, action: 'allowed', lockId: mine.id });
      this.handled.fire({ name: line, action: 'allowed', match });
      return;
    }
    const says = lockSays(state, gate.error);
    gate.record('deploy.terminal', { ...facts, action: 'flagged', why: says, holder: state?.lock?.who ?? null, lockId: state?.lock?.id ?? null });
    this.handled.fire({ name: line, action: 'flagged', match });
    const show = 'Show terminal';
    const queue = 'Join ship queue';
    const pick = await vscode.window.showWarningMessage(
      `Deploy command "${match.pattern}" run in terminal "${e.terminal.name}" without the deploy lock: ${says}. ` +
        'Flightdeck cannot stop a terminal command; press Ctrl+C there if it must not run. This is in the flight record.',
      show,
      queue,
    );
    if (pick === show) e.terminal.show();
    else if (pick === queue) await vscode.commands.executeCommand('flightdeck.joinShipQueue');
  }
}
