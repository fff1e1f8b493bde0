import { userInfo } from 'node:os';
import * as vscode from 'vscode';
import { BOUNDARY_CATEGORIES } from '../core/capture/task';
import type { RecordService } from './recordService';

export interface TaskInput {
  intent: string;
  allow?: string[];
  forbid?: string[];
}

/** Flightdeck: Start task — the intent and boundary the next agent sessions are held to. */
export class TaskCommands {
  constructor(private readonly records: RecordService) {}

  register(): vscode.Disposable[] {
    return [
      vscode.commands.registerCommand('flightdeck.startTask', (input?: TaskInput) => this.startTask(input)),
      vscode.commands.registerCommand('flightdeck.endTask', () => this.endTask()),
    ];
  }

  /** Sessions started from now on are no longer held to the task. */
  async endTask(): Promise<string | undefined> {
    const live = this.records.get();
    if (!live || this.records.readOnly) return undefined;
    const store = await live.open();
    const [event] = store.append([{ kind: 'task.ended', source: 'vscode', data: { by: userInfo().username } }]);
    void vscode.window.setStatusBarMessage('$(target) Task ended', 3000);
    return event?.id;
  }

  async startTask(given?: TaskInput): Promise<string | undefined> {
    const live = this.records.get();
    if (!live || this.records.readOnly) {
      void vscode.window.showWarningMessage('Starting a task needs a trusted workspace folder.');
      return undefined;
    }
    const input = given ?? (await this.ask());
    if (!input?.intent.trim()) return undefined;
    const required = vscode.workspace.getConfiguration('flightdeck').get<string[]>('checks.required', ['test']);
    try {
      const store = await live.open();
      const [event] = store.append([
        {
          kind: 'task.started',
          source: 'vscode',
          data: { intent: input.intent.trim(), allow: input.allow ?? [], forbid: input.forbid ?? [], requiredChecks: required, by: userInfo().username },
        },
      ]);
      void vscode.window.setStatusBarMessage(`$(target) Task: ${input.intent.trim()}`, 5000);
      return event?.id;
    } catch (err) {
      void vscode.window.showErrorMessage(`Flightdeck could not start the task: ${(err as Error).message}`);
      return undefined;
    }
  }

  private async ask(): Promise<TaskInput | undefined> {
    const intent = await vscode.window.showInputBox({
      title: 'Flightdeck: Start task (1/3)',
      prompt: 'What is the task? The next agent sessions are recorded against it.',
      placeHolder: 'add server-side validation to the signup endpoint',
      validateInput: (v) => (v.trim() ? undefined : 'A task needs an intent.'),
    });
    if (!intent) return undefined;
    const allowText = await vscode.window.showInputBox({
      title: 'Flightdeck: Start task (2/3)',
      prompt: 'Which paths may it change? Comma-separated globs; leave empty for anywhere.',
      placeHolder: 'api/**, tests/**',
    });
    if (allowText === undefined) return undefined;
    const picks = await vscode.window.showQuickPick(
      Object.entries(BOUNDARY_CATEGORIES).map(([id, c]) => ({ label: c.label, id })),
      { title: 'Flightdeck: Start task (3/3)', placeHolder: 'What must it leave alone? (none is fine)', canPickMany: true },
    );
    if (picks === undefined) return undefined;
    return {
      intent,
      allow: allowText.split(',').map((s) => s.trim()).filter(Boolean),
      forbid: picks.map((p) => p.id),
    };
  }
}
