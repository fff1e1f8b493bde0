import { join } from 'node:path';
import * as vscode from 'vscode';
import { EXPIRIES, expiryAt, reviewPick, type ExpiryId } from '../core/review/overrideChoices';
import { openReviews, reviewById } from '../core/review/reviewQueries';
import { gitIdentity, markResolved, overrideReasonProblem, recordOverride } from '../core/review/reviews';
import type { RecordService } from './recordService';
import type { ReviewService } from './reviewService';
import type { RiskState } from './riskState';

/** What a caller (a quick fix, the board) may already know; the rest is asked. */
export interface OverrideArgs {
  reviewId?: string;
  reason?: string;
  expiry?: ExpiryId;
}

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** Request review, Override gate…, Mark review resolved, and opening a concern's line. */
export class ReviewCommands {
  constructor(private readonly records: RecordService, private readonly reviews: ReviewService, private readonly risk: RiskState) {}

  register(): vscode.Disposable[] {
    return [
      vscode.commands.registerCommand('flightdeck.requestReview', () => this.reviews.review()),
      vscode.commands.registerCommand('flightdeck.overrideGate', (args?: OverrideArgs) => this.override(args ?? {})),
      vscode.commands.registerCommand('flightdeck.markReviewResolved', (reviewId?: string) => this.resolve(reviewId)),
    ];
  }

  private trusted(what: string): boolean {
    if (vscode.workspace.isTrusted) return true;
    void vscode.window.showWarningMessage(`${what} needs a trusted workspace: in Restricted Mode reviews are shown, never changed.`);
    return false;
  }

  private async pickReview(title: string): Promise<string | undefined> {
    const store = await this.records.get()?.open();
    if (!store) return undefined;
    const open = openReviews(store.db);
    if (open.length === 0) {
      void vscode.window.showInformationMessage('No open reviews: nothing to override.');
      return undefined;
    }
    return (await vscode.window.showQuickPick(open.map(reviewPick), { title, placeHolder: 'Which review?', matchOnDetail: true, ignoreFocusOut: true }))?.reviewId;
  }

  /** `Flightdeck: Override gate…`: the review, a reason that says why (required), an optional expiry; recorded with who and when. */
  async override(args: OverrideArgs): Promise<string | undefined> {
    if (!this.trusted('Overriding a review')) return undefined;
    const live = this.records.get();
    const root = this.risk.repoRoot;
    if (!live || !root) return undefined;
    const title = 'Flightdeck: Override gate';
    const reviewId = args.reviewId ?? (await this.pickReview(`${title} (1/3)`));
    if (!reviewId) return undefined;
    const store = await live.open();
    const review = reviewById(store.db, reviewId);
    if (!review) {
      void vscode.window.showWarningMessage(`No review ${reviewId} in the flight record.`);
      return undefined;
    }
    const reason = args.reason ?? (await vscode.window.showInputBox({
      title: `${title} (2/3)`,
      prompt: `Why does "${review.subject}" ship despite its concerns? The reason is recorded with your name.`,
      placeHolder: 'false positive: the key is a test fixture; rollback tested on staging',
      ignoreFocusOut: true,
      validateInput: (v) => overrideReasonProblem(v),
    }));
    if (reason === undefined) return undefined;
    const problem = overrideReasonProblem(reason);
    if (problem) {
      void vscode.window.showWarningMessage(`Override refused: ${problem}`);
      return undefined;
    }
    const expiry = args.expiry ?? (await vscode.window.showQuickPick(EXPIRIES.map((e) => ({ label: e.label, detail: e.detail, id: e.id })), {
      title: `${title} (3/3)`, placeHolder: 'Until when?', ignoreFocusOut: true,
    }))?.id;
    if (!expiry) return undefined;
    try {
      const id = recordOverride(store, { reviewId, reason, expiresAt: expiryAt(expiry), by: await gitIdentity(root), subject: review.subject });
      void vscode.window.setStatusBarMessage(`$(unlock) Review overridden${expiry === 'none' ? '' : ` for ${EXPIRIES.find((e) => e.id === expiry)?.label}`}: recorded with your reason`, 5000);
      return id;
    } catch (err) {
      void vscode.window.showWarningMessage(`Override refused: ${message(err)}`);
      return undefined;
    }
  }

  /** Closes an open review by hand, recorded with who did. */
  async resolve(reviewId?: string): Promise<string | undefined> {
    if (!this.trusted('Resolving a review')) return undefined;
    const live = this.records.get();
    const root = this.risk.repoRoot;
    if (!live || !root) return undefined;
    const id = reviewId ?? (await this.pickReview('Flightdeck: Mark review resolved'));
    if (!id) return undefined;
    try {
      return markResolved(await live.open(), id, await gitIdentity(root));
    } catch (err) {
      void vscode.window.showWarningMessage(`Flightdeck: ${message(err)}`);
      return undefined;
    }
  }

  /** Opens a concern's file at its line (a repository-relative path; anything outside the repository is refused). */
  async openConcern(path: string, line?: number): Promise<void> {
    const root = this.risk.repoRoot;
    if (!root) return;
    const uri = vscode.Uri.file(join(root, path));
    if (this.risk.relPath(uri) === undefined) return;
    const at = Math.max(0, (line ?? 1) - 1);
    await vscode.window.showTextDocument(uri, { selection: new vscode.Range(at, 0, at, 0), preview: true });
  }
}
