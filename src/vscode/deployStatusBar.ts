import * as vscode from 'vscode';
import { lockView, type LockView } from '../core/gates/statusView';
import { turnOf } from '../core/gates/watcher';
import { Disposable } from './disposable';
import type { DeployGate } from './deployGate';

/**
 * The deploy lock in the status bar: `$(unlock) Deploy free`, `$(lock) Deploy: you`, `$(lock) Deploy: <who> (<how
 * long>)`, with the queue length; a click takes or releases it. Redrawn when the gate changes; while someone holds
 * the lock a minute timer keeps "how long" true (a second one while it is this window's turn); none when idle.
 */
export class DeployStatusBar extends Disposable {
  private readonly item: vscode.StatusBarItem;
  private ticker: NodeJS.Timeout | undefined;
  private tickMs = 0;
  private notifiedTurn = '';
  view: LockView | undefined;
  private readonly rendered = this._register(new vscode.EventEmitter<LockView>());
  /** Fires after each redraw (the integration tests wait on it). */
  readonly onDidRender = this.rendered.event;

  constructor(private readonly gate: DeployGate) {
    super();
    this.item = this._register(vscode.window.createStatusBarItem('flightdeck.deployLock', vscode.StatusBarAlignment.Left, 50));
    this.item.name = 'Flightdeck: Deploy lock';
    this._register(gate.onDidChange(() => this.render()));
    this._register({ dispose: () => this.setTicker(0) });
    this.render();
  }

  private render(): void {
    const gate = this.gate;
    if (gate.unavailable) {
      this.item.hide();
      this.setTicker(0);
      return;
    }
    const view = lockView({
      state: gate.state, me: gate.me, now: Date.now(), trusted: gate.trusted, scope: gate.scope, where: gate.where, error: gate.error, unread: gate.unread,
    });
    this.view = view;
    this.item.text = view.text;
    const tooltip = new vscode.MarkdownString(view.tooltip);
    tooltip.isTrusted = false;
    tooltip.supportHtml = false;
    this.item.tooltip = tooltip;
    this.item.command = view.action === 'release' ? 'flightdeck.releaseDeployLock' : view.action === 'none' ? 'flightdeck.showDeployLock' : 'flightdeck.acquireDeployLock';
    this.item.backgroundColor = view.tone === 'turn' ? new vscode.ThemeColor('statusBarItem.warningBackground') : view.tone === 'error' ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    this.item.accessibilityInformation = { label: view.text.replace(/\$\([^)]*\)\s*/g, ''), role: 'button' };
    this.item.show();
    this.setTicker(view.tone === 'turn' ? 1_000 : gate.state?.lock && view.tone !== 'mine' ? 60_000 : 0);
    this.notifyTurn();
    this.rendered.fire(view);
  }

  private setTicker(ms: number): void {
    if (ms === this.tickMs) return;
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = undefined;
    this.tickMs = ms;
    if (ms > 0) {
      this.ticker = setInterval(() => this.render(), ms);
      this.ticker.unref?.();
    }
  }

  /** Timers this status item runs now (none while the lock is free and nobody's turn is on). */
  get timers(): number {
    return this.ticker ? 1 : 0;
  }

  /** The freed lock is this window's turn: say so once, with a button that takes it. */
  private notifyTurn(): void {
    const { state, me } = this.gate;
    const until = state && me && this.gate.trusted ? turnOf(state, me.who, me.host) : undefined;
    const key = until === undefined ? '' : `${state?.queue.turn?.entryId}:${until}`;
    if (!key || key === this.notifiedTurn) return;
    this.notifiedTurn = key;
    const seconds = Math.max(0, Math.round(((until ?? 0) - Date.now()) / 1000));
    const take = 'Take the lock';
    void vscode.window.showInformationMessage(`Your turn to deploy: take the lock (${seconds} s)`, take).then((pick) => {
      if (pick === take) void vscode.commands.executeCommand('flightdeck.acquireDeployLock', { reason: 'my turn in the ship queue' });
    });
  }
}
