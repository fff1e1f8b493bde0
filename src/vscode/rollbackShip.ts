import * as vscode from 'vscode';
import { completeEvent } from '../core/record/events';
import { gitIdentity } from '../core/review/reviews';
import { findShip, recordedShips, rollbackPlan, type RecordedShip } from '../core/gates/recordedShips';
import { prepareRollback, rollbackEvent, type RollbackResult } from '../core/gates/rollback';
import type { DeployGate } from './deployGate';
import type { RecordService } from './recordService';

/** `Flightdeck: Roll back ship…` and the board's copy of a ship's rollback command. */
export class RollbackShipCommands {
  constructor(private readonly gate: DeployGate, private readonly records: RecordService) {}

  register(): vscode.Disposable[] {
    return [
      vscode.commands.registerCommand('flightdeck.rollbackShip', (a?: { shipId?: string }) => this.rollback(a?.shipId)),
      vscode.commands.registerCommand('flightdeck.copyRollbackCommand', (a?: { shipId?: string }) => this.copy(a?.shipId)),
    ];
  }

  private async ships(): Promise<RecordedShip[]> {
    const store = await this.records.get()?.open();
    return store ? recordedShips(store.db, 50) : [];
  }

  /** Copies what undoes a ship, as the record says (read-only: works in Restricted Mode too). */
  async copy(shipId?: string): Promise<string | undefined> {
    const ship = (await this.ships()).find((s) => s.id === shipId);
    if (!ship) return undefined;
    const command = rollbackPlan(ship).command;
    await vscode.env.clipboard.writeText(command);
    void vscode.window.setStatusBarMessage('$(clippy) Rollback command copied', 3000);
    return command;
  }

  async rollback(shipId?: string): Promise<RollbackResult | undefined> {
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showWarningMessage('Roll back ship needs a trusted workspace: it runs git and records the rollback.');
      return undefined;
    }
    this.gate.start();
    const repoRoot = this.gate.repoRoot;
    const live = this.records.get();
    if (!repoRoot || !live) {
      void vscode.window.showWarningMessage(`Roll back ship: ${this.gate.unavailable ?? 'no git repository is open'}.`);
      return undefined;
    }
    try {
      const store = await live.open();
      let ship: RecordedShip | undefined;
      if (shipId) {
        const found = findShip(store.db, shipId);
        if ('error' in found) throw new Error(found.error);
        ship = found;
      } else {
        const ships = recordedShips(store.db, 50);
        if (!ships.length) {
          void vscode.window.showInformationMessage('No ship is recorded yet: Flightdeck: Ship records one.');
          return undefined;
        }
        const pick = await vscode.window.showQuickPick(ships.map((s) => ({
          label: `${s.commit.slice(0, 12)} to ${s.target}`,
          description: `${s.status} · ${new Date(s.at).toLocaleString()} · ${s.by}`,
          detail: rollbackPlan(s).command,
          ship: s,
        })), { title: 'Flightdeck: Roll back ship…', placeHolder: 'Which ship to undo? The revert is prepared on a new branch for review.' });
        ship = pick?.ship;
      }
      if (!ship) return undefined;
      const r = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Flightdeck: preparing the rollback of ${ship.id}…` }, () => prepareRollback(repoRoot, ship));
      if (r.status !== 'refused') store.append([completeEvent(rollbackEvent(ship, r, await gitIdentity(repoRoot), 'vscode'))]);
      if (r.status === 'prepared') void vscode.window.showInformationMessage(r.message);
      else if (r.status === 'conflict') void vscode.window.showErrorMessage(r.message, { modal: true });
      else void vscode.window.showWarningMessage(r.message);
      return r;
    } catch (err) {
      void vscode.window.showErrorMessage(`Flightdeck: Roll back ship failed: ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    }
  }
}
