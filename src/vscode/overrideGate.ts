// `Flightdeck: Override gate…`: an open review or a gate itself (push, deploy, boundary), a reason that says why,
// an optional expiry; recorded with who and when through the same core call as `flightdeck override`.
import * as vscode from 'vscode';
import { gateHolds, gateNamesText, isGateName, type GateName } from '../core/gates/gateNames';
import { GATE_OVERRIDE_DEFAULT_MS, readGateState } from '../core/gates/state';
import type { RecordStore } from '../core/record/store';
import { EXPIRIES, expiryAt, expiryPicks, gatePicks, reviewPick, type ExpiryId } from '../core/review/overrideChoices';
import { openReviews, reviewById } from '../core/review/reviewQueries';
import { gitIdentity, overrideReasonProblem, recordOverride } from '../core/review/reviews';
import type { RecordService } from './recordService';
import type { RiskState } from './riskState';

/** What a caller (a quick fix, the board, a test) may already know; the rest is asked. */
export interface OverrideArgs {
  reviewId?: string;
  /** A gate to override instead of a review: push, deploy or boundary. */
  gate?: string;
  reason?: string;
  expiry?: ExpiryId;
}

/** What is overridden: a review (named by its subject) or a gate. */
type Target = { reviewId: string; subject: string } | { gate: GateName };
type TargetItem = vscode.QuickPickItem & { target?: Target };

const TITLE = 'Flightdeck: Override gate';
const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));
const clock = (at: number): string => new Date(at).toTimeString().slice(0, 5);

export class OverrideGate {
  constructor(private readonly records: RecordService, private readonly risk: RiskState) {}

  /** Runs the flow (the caller has checked trust); the override event's id, or undefined when nothing was recorded. */
  async run(args: OverrideArgs): Promise<string | undefined> {
    const live = this.records.get();
    const root = this.risk.repoRoot;
    if (!live || !root) return undefined;
    const store = await live.open();
    const target = await this.target(store, args);
    if (!target) return undefined;
    const reason = args.reason ?? (await this.askReason(target));
    if (reason === undefined) return undefined;
    const problem = overrideReasonProblem(reason);
    if (problem) {
      void vscode.window.showWarningMessage(`Override refused: ${problem}`);
      return undefined;
    }
    const expiry = args.expiry ?? (await vscode.window.showQuickPick(expiryPicks('gate' in target ? 'gate' : 'review'), {
      title: `${TITLE} (3/3)`, placeHolder: 'Until when?', ignoreFocusOut: true,
    }))?.id;
    if (!expiry) return undefined;
    try {
      const expiresAt = expiryAt(expiry);
      const by = await gitIdentity(root);
      if ('gate' in target) {
        const id = recordOverride(store, { gate: target.gate, reason, expiresAt, by });
        void vscode.window.setStatusBarMessage(`$(unlock) The ${target.gate} gate is overridden until ${clock(expiresAt ?? Date.now() + GATE_OVERRIDE_DEFAULT_MS)}: recorded with your reason`, 5000);
        return id;
      }
      const id = recordOverride(store, { reviewId: target.reviewId, reason, expiresAt, by, subject: target.subject });
      void vscode.window.setStatusBarMessage(`$(unlock) Review overridden${expiry === 'none' ? '' : ` for ${EXPIRIES.find((e) => e.id === expiry)?.label}`}: recorded with your reason`, 5000);
      return id;
    } catch (err) {
      void vscode.window.showWarningMessage(`Override refused: ${message(err)}`);
      return undefined;
    }
  }

  /** The review or gate the arguments name (a review wins, as on the command line), else the one picked. */
  private async target(store: RecordStore, args: OverrideArgs): Promise<Target | undefined> {
    if (args.reviewId) {
      const review = reviewById(store.db, args.reviewId);
      if (!review) void vscode.window.showWarningMessage(`No review ${args.reviewId} in the flight record.`);
      return review && { reviewId: review.id, subject: review.subject };
    }
    if (args.gate !== undefined) {
      if (isGateName(args.gate)) return { gate: args.gate };
      void vscode.window.showWarningMessage(`No gate "${args.gate}": the gates are ${gateNamesText()}.`);
      return undefined;
    }
    return this.pickTarget(store);
  }

  /** The open reviews, then the gates with what each holds and any override in force (read as the hooks read it). */
  private async pickTarget(store: RecordStore): Promise<Target | undefined> {
    const now = Date.now();
    const read = readGateState(store.dir, now, false);
    const branches = this.risk.policy()?.policy.protectedBranches ?? [];
    const reviews: TargetItem[] = openReviews(store.db).map((r) => ({ ...reviewPick(r), target: { reviewId: r.id, subject: r.subject } }));
    const gates: TargetItem[] = gatePicks(branches, read.ok ? read.state.overrides : [], now).map((g) => ({ ...g, target: { gate: g.gate } }));
    const separator = (label: string): TargetItem => ({ label, kind: vscode.QuickPickItemKind.Separator });
    const items = [...(reviews.length ? [separator('Open reviews'), ...reviews] : []), separator('Gates'), ...gates];
    const placeHolder = reviews.length ? 'Which review or gate?' : 'No open reviews: which gate?';
    return (await vscode.window.showQuickPick(items, { title: `${TITLE} (1/3)`, placeHolder, matchOnDescription: true, matchOnDetail: true, ignoreFocusOut: true }))?.target;
  }

  private askReason(target: Target): Thenable<string | undefined> {
    const prompt = 'gate' in target
      ? `Why does the ${target.gate} gate not apply now? It holds ${gateHolds(target.gate, this.risk.policy()?.policy.protectedBranches ?? [])}. The reason is recorded with your name.`
      : `Why does "${target.subject}" ship despite its concerns? The reason is recorded with your name.`;
    return vscode.window.showInputBox({
      title: `${TITLE} (2/3)`,
      prompt,
      placeHolder: 'gate' in target ? 'hotfix for INC-4411: verified on staging, rollback tested' : 'false positive: the key is a test fixture; rollback tested on staging',
      ignoreFocusOut: true,
      validateInput: (v) => overrideReasonProblem(v),
    });
  }
}
