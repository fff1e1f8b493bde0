import { join } from 'node:path';
import * as vscode from 'vscode';
import { reviewPick } from '../core/review/overrideChoices';
import { openReviews } from '../core/review/reviewQueries';
import { gitIdentity, markResolved } from '../core/review/reviews';
import { OverrideGate, type OverrideArgs } from './overrideGate';
import type { RecordService } from './recordService';
import type { ReviewService } from './reviewService';
import type { RiskState } from './riskState';

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** Request review, Override gate… (overrideGate.ts), Mark review resolved, and opening a concern's line. */
export class ReviewCommands {
  private readonly overrideGate: OverrideGate;

  constructor(private readonly records: RecordService, private readonly reviews: ReviewService, private readonly risk: RiskState) {
    this.overrideGate = new OverrideGate(records, risk);
  }

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
      void vscode.window.showInformationMessage('No open reviews: nothing to resolve.');
      return undefined;
    }
    return (await vscode.window.showQuickPick(open.map(reviewPick), { title, placeHolder: 'Which review?', matchOnDetail: true, ignoreFocusOut: true }))?.reviewId;
  }

  /** `Flightdeck: Override gate…`: an open review or a gate, in a trusted workspace only. */
  async override(args: OverrideArgs): Promise<string | undefined> {
    if (!this.trusted('Overriding a review or a gate')) return undefined;
    return this.overrideGate.run(args);
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
