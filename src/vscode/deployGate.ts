import { existsSync, watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import * as vscode from 'vscode';
import { currentHolder, openGate, type Gate } from '../core/gates/gate';
import { ReadOnlyGateStore } from '../core/gates/readOnlyStore';
import type { AcquireResult, ForceResult, JoinResult, LeaveResult, ReleaseResult } from '../core/gates/rules';
import type { GateStore } from '../core/gates/store';
import { DEFAULT_PROCESS_LEASE_MS, type GateState, type Holder, type LockInfo } from '../core/gates/types';
import { GateWatcher } from '../core/gates/watcher';
import { boardDeploy } from '../core/gates/boardDeploy';
import type { BoardDeploy } from '../protocol';
import { journalRecorder } from '../core/gates/localStore';
import { loadPolicy } from '../core/risk/load';
import { Disposable } from './disposable';

/**
 * The deploy lock as this window sees it: follows the gate through the core's GateWatcher (one watch on the
 * record folder; the team lock polled by the watcher), keeps a held lock's lease alive, and changes it for the
 * commands. Nothing runs until start(), which activate() calls after it returns.
 */
export class DeployGate extends Disposable {
  private gate: Gate | undefined;
  private store: GateStore | undefined;
  private watcher: GateWatcher | undefined;
  private folderWatch: FSWatcher | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private holderPromise: Promise<Holder> | undefined;
  private started = false;
  /** The state last read; undefined until the first read. */
  state: GateState | undefined;
  me: Holder | undefined;
  error: string | undefined;
  /** Why the lock is not followed at all (no git repository, a team lock in Restricted Mode). */
  unavailable: string | undefined;
  unread: string | undefined;
  private readonly changed = this._register(new vscode.EventEmitter<void>());
  readonly onDidChange = this.changed.event;

  constructor() {
    super();
    this._register(vscode.workspace.onDidGrantWorkspaceTrust(() => this.restart()));
    this._register(vscode.workspace.onDidChangeWorkspaceFolders(() => this.restart()));
    this._register({ dispose: () => this.stop(true) });
  }

  get trusted(): boolean {
    return vscode.workspace.isTrusted;
  }

  get scope(): 'local' | 'remote' {
    return this.gate?.store.scope ?? 'local';
  }

  get where(): string {
    return this.gate?.store.where ?? '';
  }

  get repoRoot(): string | undefined {
    return this.gate?.repoRoot;
  }

  /** Read afresh on each use: an edit to the policy's required checks or base counts at the next ship or kickoff. */
  get deployPolicy(): Gate['deploy'] {
    if (!this.gate) return {};
    return loadPolicy(this.gate.repoRoot, { recordDir: this.gate.recordDir }).policy.deploy ?? {};
  }

  get recordDir(): string | undefined {
    return this.gate?.recordDir;
  }

  /** Opens the gate and follows it. Cheap: a policy read and a folder watch; the first read is asynchronous. */
  start(): void {
    if (this.started) return;
    this.started = true;
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (!folder || folder.uri.scheme !== 'file') {
      this.unavailable = 'no local folder is open';
      this.changed.fire();
      return;
    }
    try {
      this.gate = openGate(folder.uri.fsPath, { source: 'vscode' });
    } catch (e) {
      this.unavailable = (e as Error).message;
      this.changed.fire();
      return;
    }
    const gate = this.gate;
    if (!this.trusted && gate.store.scope === 'remote') {
      // Asking the remote runs git with the repository's own config (ssh commands, helpers): not before trust.
      this.unread = 'The team lock is on the git remote; Flightdeck does not contact it in Restricted Mode.';
      this.changed.fire();
      return;
    }
    this.store = this.trusted ? gate.store : new ReadOnlyGateStore(gate.store, gate.env);
    if (this.trusted) this.holderPromise = currentHolder(gate, `vscode: ${basename(gate.repoRoot)}`, process.pid).then((h) => {
        this.me = h;
        this.keepAlive();
        this.changed.fire();
        return h;
      });
    if (!this.trusted && gate.store.scope === 'local' && !existsSync(gate.recordDir)) {
      // Nothing recorded yet, so nothing held; the watcher would create the folder, which Restricted Mode must not.
      this.state = { queue: { entries: [] } };
      this.followWhenCreated(gate.recordDir);
      this.changed.fire();
      return;
    }
    this.follow();
  }

  private follow(): void {
    const gate = this.gate;
    if (!gate || !this.store) return;
    this.watcher = new GateWatcher(this.store, gate.env, (state) => this.onState(state), {
      dir: gate.store.scope === 'local' ? gate.recordDir : undefined,
      onError: (e) => {
        this.error = e.message;
        this.changed.fire();
      },
    });
    this.watcher.start();
  }

  private followWhenCreated(dir: string): void {
    try {
      this.folderWatch = watch(dirname(dir), (_event, name) => {
        if (name !== basename(dir) || !existsSync(dir)) return;
        this.folderWatch?.close();
        this.folderWatch = undefined;
        this.follow();
      });
    } catch {
      /* the git folder cannot be watched: the lock shows free until the window reloads */
    }
  }

  /** Reads now (after a change of ours, or to make sure before stopping a task). */
  async refresh(): Promise<GateState | undefined> {
    await this.watcher?.refresh();
    return this.state;
  }

  /** Whether the lock is held by this person on this machine (a window or their CLI), by the last read. */
  heldByMe(state = this.state): LockInfo | undefined {
    const lock = state?.lock;
    return lock && this.me && lock.who === this.me.who && lock.host === this.me.host ? lock : undefined;
  }

  async holder(): Promise<Holder> {
    if (!this.gate || !this.holderPromise) throw new Error(this.unavailable ?? 'the deploy lock is not available here');
    return this.holderPromise;
  }

  acquire(reason: string): Promise<AcquireResult> {
    return this.change(async (store, me) => store.transact((tx) => tx.acquire(me, reason, DEFAULT_PROCESS_LEASE_MS)));
  }

  release(): Promise<ReleaseResult> {
    return this.change(async (store, me) => store.transact((tx) => tx.release(me)));
  }

  forceUnlock(id: string, reason: string): Promise<ForceResult> {
    return this.change(async (store, me) => store.transact((tx) => tx.forceUnlock(me, id, reason)));
  }

  join(hotfix: boolean, reason: string): Promise<JoinResult> {
    return this.change(async (store, me) => store.transact((tx) => tx.join(me, hotfix, reason)));
  }

  leave(): Promise<LeaveResult> {
    return this.change(async (store, me) => store.transact((tx) => tx.leave(me)));
  }

  private async change<R>(step: (store: GateStore, me: Holder) => Promise<R>): Promise<R> {
    if (!this.trusted) throw new Error('the deploy lock cannot be changed in Restricted Mode: trust the workspace first');
    const store = this.gate?.store;
    if (!store) throw new Error(this.unavailable ?? 'the deploy lock is not available here');
    const result = await step(store, await this.holder());
    await this.refresh();
    return result;
  }

  private onState(state: GateState): void {
    this.state = state;
    this.error = undefined;
    this.keepAlive();
    this.changed.fire();
  }

  /** A lock this window holds has its lease renewed at a third of it; no timer otherwise. */
  private keepAlive(): void {
    const lock = this.heldByMe();
    const ours = lock && lock.pid === process.pid ? lock : undefined;
    if (!ours) {
      if (this.heartbeat) clearInterval(this.heartbeat);
      this.heartbeat = undefined;
      return;
    }
    if (this.heartbeat) return;
    const store = this.gate?.store;
    this.heartbeat = setInterval(() => {
      const id = this.heldByMe()?.id;
      if (store && id) void store.transact((tx) => tx.heartbeat(id)).catch((e: Error) => (this.error = e.message));
    }, Math.max(10_000, ours.leaseMs / 3));
    this.heartbeat.unref?.();
  }

  /** Appends a fact about a deploy to the flight record's journal (no database needed); never in Restricted Mode. */
  record(kind: string, data: Record<string, unknown>): void {
    if (!this.trusted || !this.gate) return;
    try {
      journalRecorder(this.gate.recordDir)([{ kind, source: 'vscode', data: { ...data, scope: this.scope, by: this.me?.who ?? null } }]);
    } catch (e) {
      void vscode.window.showErrorMessage(`Flightdeck could not record ${kind}: ${(e as Error).message}`);
    }
  }

  /** The lock and the queue for the board, from this watcher's last read (undefined outside a repository). */
  boardDeploy(): BoardDeploy | undefined {
    if (this.unavailable) return undefined;
    const problem = this.unread ?? (this.error ? `The lock could not be read: ${this.error}. It is not taken for free.` : undefined);
    return boardDeploy({ state: this.state, me: this.me, scope: this.scope, where: this.where, problem });
  }

  /** Whether anything of this gate runs a timer now (the bench checks an idle window runs none of its own). */
  get timers(): number {
    return this.heartbeat ? 1 : 0;
  }

  private stop(releasing: boolean): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = undefined;
    this.watcher?.dispose();
    this.watcher = undefined;
    this.folderWatch?.close();
    this.folderWatch = undefined;
    // A window that closes lets go of its lock at once, rather than leaving the next in line to wait for the lease.
    const lock = this.heldByMe();
    if (releasing && lock?.pid === process.pid && this.trusted && this.gate && this.me) {
      const me = this.me;
      void this.gate.store.transact((tx) => tx.release(me, lock.id)).catch(() => undefined);
    }
  }

  private restart(): void {
    this.stop(false);
    this.gate = undefined;
    this.store = undefined;
    this.state = undefined;
    this.me = undefined;
    this.error = this.unavailable = this.unread = undefined;
    this.started = false;
    this.start();
  }
}
