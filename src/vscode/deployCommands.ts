import * as vscode from 'vscode';
import { completeEvent } from '../core/record/events';
import { describeLock, describeQueue } from '../core/gates/describe';
import { kickoff, type KickoffResult } from '../core/gates/kickoff';
import { describeRequiredChecks, requiredChecks, resolveCommit } from '../core/gates/requiredChecks';
import { previousShip, rollbackFor, shipEvent } from '../core/gates/ship';
import { shipReviewGate } from '../core/gates/shipReviews';
import { overrideReasonProblem } from '../core/review/reviews';
import type { DeployGate } from './deployGate';
import type { RecordService } from './recordService';

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

export interface ShipOptions {
  /** The task to run; default the setting flightdeck.deploy.task. */
  task?: string;
  target?: string;
  /** Ships despite unproven required checks, with this reason recorded (else the user is asked). */
  overrideReason?: string;
  /** Ships despite open reviews in enforce mode, with this reason recorded (else the user is asked). */
  reviewOverrideReason?: string;
}

export interface ShipOutcome {
  status: 'shipped' | 'failed' | 'refused' | 'cancelled';
  shipId?: string;
  rollback?: string[];
  why?: string;
}

/** The deploy lock, ship queue, kickoff and ship commands. Arguments let tests (and keybindings) skip the questions. */
export class DeployCommands {
  constructor(private readonly gate: DeployGate, private readonly records: RecordService) {}

  register(): vscode.Disposable[] {
    return [
      vscode.commands.registerCommand('flightdeck.acquireDeployLock', (a?: { reason?: string }) => this.acquire(a?.reason)),
      vscode.commands.registerCommand('flightdeck.releaseDeployLock', () => this.release()),
      vscode.commands.registerCommand('flightdeck.forceUnlockDeployLock', (a?: { id?: string; reason?: string }) => this.forceUnlock(a)),
      vscode.commands.registerCommand('flightdeck.joinShipQueue', (a?: { hotfix?: boolean; reason?: string }) => this.join(a)),
      vscode.commands.registerCommand('flightdeck.leaveShipQueue', () => this.leave()),
      vscode.commands.registerCommand('flightdeck.showDeployLock', () => this.show()),
      vscode.commands.registerCommand('flightdeck.kickoff', () => this.kickoff()),
      vscode.commands.registerCommand('flightdeck.ship', (a?: ShipOptions) => this.ship(a ?? {})),
    ];
  }

  /** Refuses in Restricted Mode or outside a repository; otherwise runs `fn`, reporting its error. */
  private async guarded<R>(what: string, fn: () => Promise<R | undefined>): Promise<R | undefined> {
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showWarningMessage(`${what} needs a trusted workspace: in Restricted Mode the deploy lock is shown read-only.`);
      return undefined;
    }
    this.gate.start();
    if (this.gate.unavailable) {
      void vscode.window.showWarningMessage(`${what}: ${this.gate.unavailable}.`);
      return undefined;
    }
    try {
      return await fn();
    } catch (err) {
      void vscode.window.showErrorMessage(`Flightdeck: ${what} failed: ${message(err)}`);
      return undefined;
    }
  }

  /** Returns the lock id when acquired. */
  acquire(given?: string): Promise<string | undefined> {
    return this.guarded('Acquire deploy lock', async () => {
      const held = this.gate.heldByMe();
      if (held) {
        void vscode.window.showInformationMessage(`You already hold the deploy lock (lock id ${held.id}).`);
        return held.id;
      }
      const reason = given ?? (await vscode.window.showInputBox({ title: 'Flightdeck: Acquire deploy lock', prompt: 'Why? (optional; shown to others and recorded)', placeHolder: 'ship 1.4.2' }));
      if (reason === undefined) return undefined;
      const r = await this.gate.acquire(reason.trim());
      if (r.status === 'acquired') {
        void vscode.window.setStatusBarMessage('$(lock) Deploy lock acquired', 3000);
        return r.lock.id;
      }
      if (r.status === 'held') await this.offerQueue(`The deploy lock is held by ${describeLock(r.lock, Date.now())}.`);
      else await this.offerQueue(`The deploy lock is free, but it is ${r.entry.who}'s turn (first in the ship queue) until ${new Date(r.until).toLocaleTimeString()}.`);
      return undefined;
    });
  }

  private async offerQueue(text: string): Promise<void> {
    const join = 'Join ship queue';
    if ((await vscode.window.showWarningMessage(text, join)) === join) await this.join();
  }

  release(): Promise<string | undefined> {
    return this.guarded('Release deploy lock', async () => {
      const r = await this.gate.release();
      if (r.status === 'released') {
        void vscode.window.setStatusBarMessage('$(unlock) Deploy lock released', 3000);
        return r.lock.id;
      }
      if (r.status === 'free') void vscode.window.showInformationMessage('Nobody holds the deploy lock: nothing to release.');
      else void vscode.window.showWarningMessage(`The deploy lock is not yours: held by ${describeLock(r.lock, Date.now())}. Force-unlock needs its id and a reason.`);
      return undefined;
    });
  }

  forceUnlock(given?: { id?: string; reason?: string }): Promise<string | undefined> {
    return this.guarded('Force-unlock deploy lock', async () => {
      const lock = (await this.gate.refresh())?.lock;
      const id = given?.id ?? (await vscode.window.showInputBox({
        title: 'Flightdeck: Force-unlock deploy lock (1/2)',
        prompt: lock ? `The lock id to break (held by ${describeLock(lock, Date.now())})` : 'The lock id to break (nobody holds the lock now)',
        value: lock?.id ?? '',
        validateInput: (v) => (v.trim() ? undefined : 'The lock id is required: it makes sure the lock you break is the one you looked at.'),
      }));
      if (!id?.trim()) return undefined;
      const reason = given?.reason ?? (await vscode.window.showInputBox({
        title: 'Flightdeck: Force-unlock deploy lock (2/2)',
        prompt: 'Why break someone else\'s lock? Recorded with the lock it broke.',
        validateInput: (v) => (v.trim() ? undefined : 'A reason is required.'),
      }));
      if (!reason?.trim()) return undefined;
      const r = await this.gate.forceUnlock(id.trim(), reason.trim());
      if (r.status === 'unlocked') {
        void vscode.window.showInformationMessage(`Deploy lock force-unlocked; it was held by ${describeLock(r.lock, Date.now())}. Recorded with your reason.`);
        return r.lock.id;
      }
      if (r.status === 'free') void vscode.window.showInformationMessage('Nobody holds the deploy lock: nothing to unlock.');
      else void vscode.window.showWarningMessage(`The deploy lock's id is ${r.lock.id}, not ${id.trim()}: nothing unlocked.`);
      return undefined;
    });
  }

  /** Returns the position in the queue. */
  join(given?: { hotfix?: boolean; reason?: string }): Promise<number | undefined> {
    return this.guarded('Join ship queue', async () => {
      let hotfix = given?.hotfix;
      if (hotfix === undefined) {
        const pick = await vscode.window.showQuickPick(
          [
            { label: 'Ordinary ship', description: 'first come, first served', hotfix: false },
            { label: 'Hotfix', description: 'ahead of ordinary ships, behind earlier hotfixes', hotfix: true },
          ],
          { title: 'Flightdeck: Join ship queue' },
        );
        if (!pick) return undefined;
        hotfix = pick.hotfix;
      }
      const reason = given?.reason ?? (await vscode.window.showInputBox({ title: 'Flightdeck: Join ship queue', prompt: 'What will you ship? (optional)' }));
      if (reason === undefined) return undefined;
      const r = await this.gate.join(hotfix, reason.trim());
      void vscode.window.setStatusBarMessage(`$(list-ordered) ${r.status === 'already' ? 'Already in the ship queue' : 'Joined the ship queue'}: number ${r.position}`, 4000);
      return r.position;
    });
  }

  leave(): Promise<boolean | undefined> {
    return this.guarded('Leave ship queue', async () => {
      const r = await this.gate.leave();
      if (r.status === 'absent') void vscode.window.showInformationMessage('You are not in the ship queue.');
      return r.status === 'left';
    });
  }

  /** The lock and the queue in words (read-only, so it works in Restricted Mode too). */
  async show(): Promise<string> {
    this.gate.start();
    const state = this.gate.state;
    const text = this.gate.unavailable
      ? `Deploy lock: ${this.gate.unavailable}`
      : this.gate.unread ?? (this.gate.error ? `Deploy lock: could not be read: ${this.gate.error}` : !state
        ? 'Deploy lock: reading…'
        : `${state.lock ? `Deploy lock held by ${describeLock(state.lock, Date.now())}` : 'Deploy lock: free'}\n${describeQueue(state, Date.now())}`);
    const actions = vscode.workspace.isTrusted && !this.gate.unavailable ? ['Join ship queue', 'Force-unlock…'] : [];
    const pick = await vscode.window.showInformationMessage(text.split('\n')[0] ?? text, { modal: false, detail: text }, ...actions);
    if (pick === 'Join ship queue') await this.join();
    else if (pick === 'Force-unlock…') await this.forceUnlock();
    return text;
  }

  kickoff(): Promise<KickoffResult | undefined> {
    return this.guarded('Kick off a release', async () => {
      const repoRoot = this.gate.repoRoot as string;
      const r = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Flightdeck: kickoff — fetching the base…' }, () =>
        kickoff(repoRoot, this.gate.deployPolicy.base));
      const holder = await this.gate.holder();
      this.gate.record('kickoff.recorded', { ...r, dirty: r.dirty.slice(0, 50), by: holder.who });
      if (r.ok) {
        void vscode.window.showInformationMessage(`Kickoff: ${r.branch} at ${r.head.slice(0, 12)} is clean and current with ${r.base} (${r.ahead} ahead). Recorded as the release's starting point.`);
      } else {
        void vscode.window.showWarningMessage(`Kickoff: not ready — ${r.problems.join('; ')}.`);
      }
      return r;
    });
  }

  ship(options: ShipOptions): Promise<ShipOutcome | undefined> {
    return this.guarded('Ship', () => this.shipNow(options));
  }

  private async shipNow(options: ShipOptions): Promise<ShipOutcome | undefined> {
    const config = vscode.workspace.getConfiguration('flightdeck.deploy');
    const taskName = (options.task ?? config.get<string>('task', '')).trim();
    if (!taskName) {
      const open = 'Open Settings';
      if ((await vscode.window.showWarningMessage('Ship runs your deploy task: set flightdeck.deploy.task to its name.', open)) === open) {
        await vscode.commands.executeCommand('workbench.action.openSettings', 'flightdeck.deploy.task');
      }
      return { status: 'cancelled', why: 'no deploy task configured' };
    }
    const task = (await vscode.tasks.fetchTasks()).find((t) => t.name === taskName || `${t.source}: ${t.name}` === taskName);
    if (!task) {
      void vscode.window.showErrorMessage(`Ship: no task named "${taskName}" (setting flightdeck.deploy.task). Tasks.json and the task providers list none by that name.`);
      return { status: 'cancelled', why: `no task named ${taskName}` };
    }
    const repoRoot = this.gate.repoRoot as string;
    const targetName = (options.target ?? config.get<string>('target', 'production')).trim() || 'production';
    const commit = await resolveCommit(repoRoot, 'HEAD');
    const live = this.records.get();
    if (!live) throw new Error('the flight record is not available');
    const store = await live.open();
    const checks = requiredChecks(store.db, commit, this.gate.deployPolicy.requiredChecks ?? [], { acceptTeamChecks: this.gate.deployPolicy.acceptTeamChecks === true });
    const holder = await this.gate.holder();
    let override: string | undefined;
    if (!checks.ok) {
      override = options.overrideReason ?? (await this.askOverride(describeRequiredChecks(checks), 'Ship refused: the required checks are not proven on this commit.'));
      if (!override?.trim() || overrideReasonProblem(override)) {
        void vscode.window.showWarningMessage(`Ship refused: the required checks are not proven on ${commit.commit.slice(0, 12)}.`);
        return { status: 'refused', why: describeRequiredChecks(checks) };
      }
      store.append([{ kind: 'override.recorded', source: 'vscode', data: { gate: 'required-checks', subject: commit.commit, reason: override.trim(), by: holder.who } }]);
    }
    // In enforce mode open review concerns hold the ship as they hold an agent's deploy (override with a reason).
    const reviews = shipReviewGate(repoRoot, this.gate.recordDir as string);
    let reviewOverride: string | undefined;
    if (reviews.hold) {
      reviewOverride = options.reviewOverrideReason ?? (await this.askOverride(`Open reviews hold the ship (enforce mode): ${reviews.text}.`, 'Ship refused: reviews of this code are open.'));
      if (!reviewOverride?.trim() || overrideReasonProblem(reviewOverride)) {
        void vscode.window.showWarningMessage(`Ship refused (enforce mode): ${reviews.text}. Fix the concerns and re-review, or ship anyway with a reason.`);
        return { status: 'refused', why: reviews.text };
      }
      // One ship's override: it lapses at once, so it does not open the deploy gate to anyone else.
      store.append([{ kind: 'override.recorded', source: 'vscode', data: { gate: 'ship-reviews', subject: commit.commit, reason: reviewOverride.trim(), by: holder.who, expiresAt: Date.now() } }]);
    } else if (reviews.open && !reviews.overriddenBy) {
      void vscode.window.showWarningMessage(`Shipping while reviews are open (advisory mode, not held): ${reviews.text}.`);
    }
    // The lock: kept if already held, else taken for this ship and given back after it.
    let lockId = this.gate.heldByMe(await this.gate.refresh())?.id;
    const takenHere = !lockId;
    if (!lockId) {
      const r = await this.gate.acquire(`ship ${commit.commit.slice(0, 12)} to ${targetName}`);
      if (r.status !== 'acquired') {
        await this.offerQueue(r.status === 'held' ? `Ship waits: the deploy lock is held by ${describeLock(r.lock, Date.now())}.` : `Ship waits: it is ${r.entry.who}'s turn to take the deploy lock.`);
        return { status: 'refused', why: 'the deploy lock is not free' };
      }
      lockId = r.lock.id;
    }
    try {
      const exitCode = await this.runTask(task);
      const outcome = exitCode === 0 ? 'shipped' : 'failed';
      const rollback = await rollbackFor(repoRoot, commit.commit, previousShip(store.db, targetName, commit.commit), targetName);
      const event = shipEvent({ commit: commit.commit, target: targetName, outcome, by: holder.who, lockId, checks }, rollback);
      event.source = 'vscode';
      event.data = {
        ...event.data, task: task.name, exitCode: exitCode ?? null, checksOverride: override?.trim() ?? null,
        reviews: { mode: reviews.mode, open: reviews.open, text: reviews.text, override: reviewOverride?.trim() ?? reviews.overriddenBy ?? null },
      };
      const [written] = store.append([completeEvent(event)]);
      const shipId = String(written?.data.shipId ?? '');
      const copy = 'Copy rollback command';
      const say = outcome === 'shipped' ? vscode.window.showInformationMessage : vscode.window.showWarningMessage;
      void say(`${outcome === 'shipped' ? 'Shipped' : 'Deploy failed'}: ${commit.commit.slice(0, 12)} to ${targetName} (task "${task.name}" exited ${exitCode ?? '?'}). Roll back: ${rollback.steps[0] ?? ''}`, copy).then((pick) => {
        if (pick === copy) void vscode.env.clipboard.writeText(rollback.steps[0] ?? '');
      });
      return { status: outcome, shipId, rollback: rollback.steps };
    } finally {
      if (takenHere) await this.gate.release().catch(() => undefined);
    }
  }

  private async askOverride(evidence: string, headline: string): Promise<string | undefined> {
    const anyway = 'Ship anyway…';
    const pick = await vscode.window.showWarningMessage(headline, { modal: true, detail: evidence }, anyway);
    if (pick !== anyway) return undefined;
    return vscode.window.showInputBox({
      title: 'Flightdeck: Ship anyway',
      prompt: 'Why ship anyway? Recorded as an override with the ship.',
      // The same bar as Override gate…: "ok" or one word is not a reason.
      validateInput: (v) => overrideReasonProblem(v),
    });
  }

  /** Runs the task and resolves with its process's exit code (undefined when it had no process or was stopped). */
  private runTask(task: vscode.Task): Promise<number | undefined> {
    return new Promise((resolve, reject) => {
      const subs: vscode.Disposable[] = [];
      let execution: vscode.TaskExecution | undefined;
      let code: number | undefined;
      const same = (e: vscode.TaskExecution): boolean => e === execution || (e.task.name === task.name && e.task.source === task.source);
      subs.push(vscode.tasks.onDidEndTaskProcess((e) => {
        if (same(e.execution)) code = e.exitCode;
      }));
      subs.push(vscode.tasks.onDidEndTask((e) => {
        if (!same(e.execution)) return;
        for (const s of subs) s.dispose();
        resolve(code);
      }));
      vscode.tasks.executeTask(task).then((e) => (execution = e), (err: unknown) => {
        for (const s of subs) s.dispose();
        reject(err instanceof Error ? err : new Error(String(err)));
      });
    });
  }
}
