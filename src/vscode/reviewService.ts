import * as vscode from 'vscode';
import type * as AnthropicModule from '../core/review/anthropicEngine';
import { agentStoppedSince, automaticEngines, lastSeq } from '../core/review/automatic';
import { reviewChanges, type ReviewChangesResult } from '../core/review/reviewChanges';
import { RulesEngine } from '../core/review/rulesEngine';
import type { ReviewEngine } from '../core/review/types';
import type { AnthropicKey } from './apiKey';
import { Disposable } from './disposable';
import type { RecordService } from './recordService';
import { reviewSettings } from './reviewSettings';
import type { RiskState } from './riskState';

export type EngineChoice = 'rules' | 'rules+anthropic';

/**
 * Runs the second eye on the current changes, the way `flightdeck review` does, and records it. A review the user
 * asks for uses Anthropic too when a key is set; an automatic one (a risky change gone quiet, or Claude Code's turn
 * ending) runs the rules unless `flightdeck.review.automatic` opts in to Anthropic, and only on a change not yet reviewed.
 */
export class ReviewService extends Disposable {
  private running: Promise<ReviewChangesResult | undefined> | undefined;
  private quiet: NodeJS.Timeout | undefined;
  private seenSeq: number | undefined;
  private readonly finished = this._register(new vscode.EventEmitter<ReviewChangesResult>());
  readonly onDidReview = this.finished.event;

  constructor(private readonly records: RecordService, private readonly risk: RiskState, private readonly key: AnthropicKey) {
    super();
    this._register({ dispose: () => clearTimeout(this.quiet) });
    this._register(risk.onDidTouchReviewed(() => this.restartQuietTimer()));
    this._register(records.onDidChange(() => this.watchForStops()));
  }

  /** The engines for a review: rules always; Anthropic when asked and a key is at hand. */
  private async engines(choice: EngineChoice): Promise<(policy: ConstructorParameters<typeof RulesEngine>[0]) => ReviewEngine[]> {
    const key = choice === 'rules+anthropic' ? await this.key.get() : undefined;
    const s = reviewSettings();
    return (policy) => {
      const list: ReviewEngine[] = [new RulesEngine(policy)];
      if (key) {
        // A bundle of its own beside extension.js (esbuild.mjs), loaded on the first model review only.
        const { AnthropicEngine } = require('./anthropic-engine.js') as typeof AnthropicModule;
        list.push(new AnthropicEngine({ apiKey: key.key, model: s.model || undefined, baseUrl: s.baseUrl || undefined, timeoutMs: s.timeoutMs }));
      }
      return list;
    };
  }

  /** Reviews the current changes and records the review; undefined when it could not run (untrusted, no repository, a failure shown). */
  async review(options: { automatic?: boolean; engines?: EngineChoice } = {}): Promise<ReviewChangesResult | undefined> {
    // One at a time: a second request waits for the first, then looks again (the change may have moved on).
    while (this.running) await this.running.catch(() => undefined);
    this.running = this.run(options);
    try {
      return await this.running;
    } finally {
      this.running = undefined;
    }
  }

  get busy(): boolean {
    return this.running !== undefined;
  }

  private async run(options: { automatic?: boolean; engines?: EngineChoice }): Promise<ReviewChangesResult | undefined> {
    const root = this.risk.repoRoot;
    const live = this.records.get();
    if (this.records.readOnly || !root || !live) {
      if (!options.automatic) void vscode.window.showWarningMessage(this.records.readOnly ? 'Reviews run only in a trusted workspace.' : 'Open a git repository to review its changes.');
      return undefined;
    }
    const choice = options.engines ?? ((await this.key.get()) ? 'rules+anthropic' : 'rules');
    const title = choice === 'rules' ? 'Flightdeck: reviewing the risky changes (rules)…' : 'Flightdeck: reviewing the risky changes (rules and Anthropic)…';
    try {
      const result = await vscode.window.withProgress(
        { location: options.automatic ? vscode.ProgressLocation.Window : vscode.ProgressLocation.Notification, title, cancellable: !options.automatic },
        async (_progress, token) => {
          const abort = new AbortController();
          token.onCancellationRequested(() => abort.abort());
          const store = await live.open();
          return reviewChanges(store, root, { engines: await this.engines(choice), skipUnchanged: options.automatic, signal: abort.signal });
        },
      );
      this.risk.applyScan(result.scan);
      this.finished.fire(result);
      if (!options.automatic || result.kind === 'reviewed') this.tell(result, !!options.automatic);
      return result;
    } catch (err) {
      void vscode.window.showErrorMessage(`Flightdeck could not review: ${(err as Error).message}`);
      return undefined;
    }
  }

  private tell(result: ReviewChangesResult, automatic: boolean): void {
    if (result.kind === 'nothing') {
      const closed = result.closed.length ? `; closed ${result.closed.join(', ')} (the change is gone)` : '';
      void vscode.window.setStatusBarMessage(`$(pass) Nothing to review: no risky changes since ${result.scan.baseCommit.slice(0, 8)}${closed}`, 5000);
      return;
    }
    if (result.kind === 'unchanged') return;
    const { outcome } = result;
    const concerns = outcome.verdicts.reduce((n, v) => n + v.concerns.length, 0);
    if (outcome.status === 'passed') {
      void vscode.window.setStatusBarMessage('$(pass) Review passed: no concerns', 5000);
      return;
    }
    const failed = outcome.verdicts.filter((v) => v.status === 'failed').map((v) => v.error ?? `${v.engine}: review failed, retry`);
    const text = [concerns ? `Review: ${concerns} concern${concerns === 1 ? '' : 's'} on the risky changes (see Problems).` : '', ...failed].filter(Boolean).join(' ');
    if (automatic) {
      void vscode.window.setStatusBarMessage(`$(eye) ${text}`, 8000);
      return;
    }
    void vscode.window.showWarningMessage(text, 'Show problems', 'Override…').then((pick) => {
      if (pick === 'Show problems') void vscode.commands.executeCommand('workbench.actions.view.problems');
      if (pick === 'Override…') void vscode.commands.executeCommand('flightdeck.overrideGate', { reviewId: outcome.reviewId });
    });
  }

  private automaticChoice(): Promise<EngineChoice | undefined> {
    const setting = reviewSettings().automatic;
    if (setting === 'off') return Promise.resolve(undefined);
    return this.key.get().then((k) => automaticEngines(setting, !!k));
  }

  /** A risky change rests for `quietSeconds` before an automatic review looks at it. */
  private restartQuietTimer(): void {
    if (reviewSettings().automatic === 'off') return;
    clearTimeout(this.quiet);
    this.quiet = setTimeout(() => void this.automatic(), reviewSettings().quietMs);
  }

  /** Claude Code's Stop hook (a turn ended) in the record: review at once. */
  private watchForStops(): void {
    const store = this.records.get()?.current;
    if (!store || this.records.readOnly) return;
    const since = this.seenSeq;
    this.seenSeq = lastSeq(store.db);
    // The first look only notes where the record is: old turns are not reviewed again.
    if (since !== undefined && this.seenSeq > since && agentStoppedSince(store.db, since)) {
      clearTimeout(this.quiet);
      void this.automatic();
    }
  }

  private async automatic(): Promise<void> {
    const choice = await this.automaticChoice();
    if (choice) await this.review({ automatic: true, engines: choice });
  }
}
