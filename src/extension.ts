import * as vscode from 'vscode';
import { BoardViewProvider } from './vscode/boardView';
import { RecordCommands } from './vscode/commands';
import { RecordService } from './vscode/recordService';
import { ClaudeConnection } from './vscode/claudeConnection';
import { CodexConnection } from './vscode/codexConnection';
import { CODEX_CAPTURE, TranscriptCapture } from './vscode/transcriptCapture';
import { FileWatcher } from './vscode/fileWatcher';
import { TerminalWatcher } from './vscode/terminalWatcher';
import { TaskCommands } from './vscode/taskCommands';
import { SessionFiles } from './vscode/sessionFiles';
import { CheckRulesSync } from './vscode/checkRulesSync';
import { PolicyCommands } from './vscode/policyCommand';
import { PolicyProblems } from './vscode/policyProblems';
import { AnthropicKey } from './vscode/apiKey';
import { RiskState } from './vscode/riskState';
import { ReviewService } from './vscode/reviewService';
import { ReviewDiagnostics } from './vscode/reviewDiagnostics';
import { ReviewCodeActions } from './vscode/reviewCodeActions';
import { RiskDecorations } from './vscode/riskDecorations';
import { ReviewCommands } from './vscode/reviewCommands';
import { GitHooksCommand } from './vscode/gitHooksCommand';
import { DeployGate } from './vscode/deployGate';
import { DeployStatusBar } from './vscode/deployStatusBar';
import { DeployGuard } from './vscode/deployGuard';
import { DeployCommands } from './vscode/deployCommands';
import { MemoryCommands } from './vscode/memoryCommands';
import { PlanCommand } from './vscode/planCommand';
import { FileHistoryLens } from './vscode/fileHistoryLens';
import { RollbackShipCommands } from './vscode/rollbackShip';
import { TeamSyncCommands } from './vscode/teamSync';
import { memoryLog, memoryLogEvery } from './core/memoryLog';

/** What the extension hands to other extensions and to its own integration tests. */
export interface FlightdeckApi {
  records: RecordService;
  board: BoardViewProvider;
  commands: RecordCommands;
  capture: TranscriptCapture;
  risk: RiskState;
  reviews: ReviewService;
  diagnostics: ReviewDiagnostics;
  decorations: RiskDecorations;
  deploy: { gate: DeployGate; guard: DeployGuard; statusBar?: DeployStatusBar };
  teamSync: TeamSyncCommands;
  activatedAt: number;
  activationMs: number;
}

/** Kept for deactivate(), which VS Code awaits before disposing what activate() registered. */
let recordsToSettle: RecordService | undefined;

/** Wires the parts together; opens nothing (the record and its WASM load on first use). */
export function activate(context: vscode.ExtensionContext): FlightdeckApi {
  const started = performance.now();
  const records = new RecordService(context);
  recordsToSettle = records;
  const commands = new RecordCommands(records);
  const sessionFiles = new SessionFiles(records, (id) => void commands.showSession(id));
  const capture = new TranscriptCapture(records);
  const codexCapture = new TranscriptCapture(records, CODEX_CAPTURE);
  const risk = new RiskState(records);
  const apiKey = new AnthropicKey(context.secrets);
  const reviews = new ReviewService(records, risk, apiKey);
  const reviewCommands = new ReviewCommands(records, reviews, risk);
  const diagnostics = new ReviewDiagnostics(records, risk);
  const decorations = new RiskDecorations(risk, diagnostics);
  const board = new BoardViewProvider(
    context.extensionUri,
    records,
    (action) => {
      if (action !== 'refresh') commands.run(action);
    },
    sessionFiles,
    capture,
    {
      run: (action, reviewId) => {
        if (action === 'rereview') void reviews.review();
        else if (action === 'resolve') void vscode.commands.executeCommand('flightdeck.markReviewResolved', reviewId);
        else void vscode.commands.executeCommand('flightdeck.overrideGate', { reviewId });
      },
      openConcern: (path, line) => reviewCommands.openConcern(path, line),
    },
  );
  const claude = new ClaudeConnection(context.extensionUri, records);
  const codexConnection = new CodexConnection(context.extensionUri, records);
  const terminals = new TerminalWatcher(records);
  const files = new FileWatcher(records);
  const checkRules = new CheckRulesSync(records);
  const deployGate = new DeployGate();
  const deploy: FlightdeckApi['deploy'] = { gate: deployGate, guard: new DeployGuard(deployGate) };
  const fileHistory = new FileHistoryLens(records);
  const teamSync = new TeamSyncCommands(records);
  const gitHooks = new GitHooksCommand(context.extensionUri, records);
  board.followDeploy(deployGate);
  board.followPolicy(() => risk.policy()?.policy);
  board.rememberIn(context.workspaceState);
  context.subscriptions.push(
    deployGate,
    deploy.guard,
    ...new DeployCommands(deployGate, records).register(),
    ...new RollbackShipCommands(deployGate, records).register(),
    checkRules,
    records,
    board,
    capture,
    codexCapture,
    terminals,
    files,
    vscode.window.registerWebviewViewProvider(BoardViewProvider.viewId, board),
    ...commands.register(() => board.refresh()),
    ...claude.register(),
    ...codexConnection.register(),
    ...sessionFiles.register(),
    ...new TaskCommands(records).register(),
    ...new PolicyCommands(records).register(),
    new PolicyProblems(risk),
    risk,
    reviews,
    diagnostics,
    decorations,
    decorations.register(),
    new ReviewCodeActions(diagnostics).register(),
    ...apiKey.register(),
    ...reviewCommands.register(),
    ...gitHooks.register(),
    ...new MemoryCommands(records, (rel) => board.showFileOnBoard(rel)).register(),
    ...new PlanCommand(records).register(),
    fileHistory,
    fileHistory.register(),
    teamSync,
    ...teamSync.register(),
  );
  // Capture starts after activation, off the startup path: it loads the record and reads transcripts.
  const deferred = setTimeout(() => {
    void capture.start().catch(() => undefined);
    void codexCapture.start().catch(() => undefined);
    void claude.refreshInstalledHooks();
    codexConnection.refreshInstalledHooks();
    void gitHooks.refreshInstalledHook();
    checkRules.sync();
    // Risk badges and concerns: git is run only in a trusted workspace (rescan checks); recorded concerns show either way.
    void risk.rescan().catch(() => undefined);
    void diagnostics.refresh().catch(() => undefined);
    teamSync.configure(); // background team sync, only if this project turned it on
  }, 1500);
  // The deploy lock shows right after activation (a policy read and one folder watch), not during it.
  const lockSoon = setTimeout(() => {
    deploy.statusBar = new DeployStatusBar(deployGate);
    context.subscriptions.push(deploy.statusBar);
    deployGate.start();
  }, 0);
  context.subscriptions.push({ dispose: () => clearTimeout(deferred) }, { dispose: () => clearTimeout(lockSoon) });
  context.subscriptions.push(memoryLogEvery(2_000));
  memoryLog('activated');
  const activatedAt = performance.now();
  return { records, board, commands, capture, risk, reviews, diagnostics, decorations, deploy, teamSync, activatedAt, activationMs: activatedAt - started };
}

export function deactivate(): Promise<void> {
  // A snapshot being written finishes first; then everything is disposed through context.subscriptions,
  // and the record, closing, snapshots if one is due.
  return recordsToSettle?.settled() ?? Promise.resolve();
}
