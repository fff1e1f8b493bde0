import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { boardRecord } from '../core/report/boardState';
import { memoryLog } from '../core/memoryLog';
import { buildTrail } from '../core/report/trail';
import { clipStrings } from '../core/report/clip';
import { sessionActivity } from '../core/report/activity';
import { buildInsights } from '../core/report/insights';
import { boardFileHistory } from '../core/report/boardFileHistory';
import type { Policy } from '../core/risk/types';
import { DEFAULT_QUERY, type BoardAction, type BoardDeploy, type BoardState, type HostToWebview, type ImportStatus, type ReviewAction, type SessionQuery } from '../protocol';
import { parseSections, parseWebviewMessage } from '../webviewMessages';
import { Disposable } from './disposable';
import type { RecordService } from './recordService';

/** What the board asks of a session: its Markdown, a file of it, a file's diff against the starting commit. */
/** Where the board learns of an import coming or under way. */
export interface ImportProgressSource {
  importStatus(): ImportStatus | undefined;
  readonly onDidChangeImport: vscode.Event<void>;
}

/** What the board's Reviews section asks for. */
export interface ReviewActions {
  run(action: ReviewAction, reviewId: string): void;
  openConcern(path: string, line?: number): Promise<void>;
}

/** The deploy lock and ship queue the board shows: the status bar's own watcher (no polling of the board's). */
export interface DeploySource {
  boardDeploy(): BoardDeploy | undefined;
  readonly onDidChange: vscode.Event<void>;
}

export interface SessionActions {
  showMarkdown(id: string): void;
  copyMarkdown(id: string): Promise<void>;
  openFile(sessionId: string, path: string, diff: boolean): Promise<void>;
}

const SECTIONS_KEY = 'flightdeck.board.sections';

/** The Board webview view: the record's state, live. */
export class BoardViewProvider extends Disposable implements vscode.WebviewViewProvider {
  static readonly viewId = 'flightdeck.board';
  private view: vscode.WebviewView | undefined;
  private ready = false;
  private query: SessionQuery = DEFAULT_QUERY;
  private pushTimer: NodeJS.Timeout | undefined;
  private deploy: DeploySource | undefined;
  /** Insights are built only while the section is open, apart from the board's state and after it (never delaying it). */
  private insightsOpen = false;
  private insightsTimer: NodeJS.Timeout | undefined;
  /** The record as the last insights sent saw it: unchanged, they are not built again. */
  private insightsKey: string | undefined;
  private policy: () => Policy | undefined = () => undefined;
  /** The file history the webview asked for (its file filter), sent again as the record changes; and what the last one saw. */
  private historyAsk: { file: string; limit: number } | undefined;
  private historyTimer: NodeJS.Timeout | undefined;
  private historyKey: string | undefined;
  /** Where the sections the user opened or folded are kept for this workspace (the extension's workspace state). */
  private memento: vscode.Memento | undefined;
  /** Show on board before the webview is up: the filter it is given once it is. */
  private pendingFilter: string | undefined;
  /** The state last posted to the webview (tests read what the board was given). */
  lastState: BoardState | undefined;
  private readonly rendered = this._register(new vscode.EventEmitter<{ phase: string; events: number; sessions: number; trusted: boolean }>());
  /** Fires when the webview reports what it rendered. */
  readonly onDidRender = this.rendered.event;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly records: RecordService,
    private readonly runAction: (action: BoardAction) => void,
    private readonly sessions: SessionActions,
    private readonly imports?: ImportProgressSource,
    private readonly reviews?: ReviewActions,
  ) {
    super();
    this._register(records.onDidChange(() => {
      this.pushSoon();
      this.insightsSoon();
      this.historySoon();
    }));
    if (imports) this._register(imports.onDidChangeImport(() => this.pushSoon()));
    this._register({ dispose: () => {
      clearTimeout(this.pushTimer);
      clearTimeout(this.insightsTimer);
      clearTimeout(this.historyTimer);
    } });
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    this.ready = false;
    this.insightsOpen = false;
    this.historyAsk = undefined;
    const webview = view.webview;
    webview.options = {
      enableScripts: true,
      localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'dist'), vscode.Uri.joinPath(this.extensionUri, 'media')],
    };
    webview.html = this.html(webview);
    const subs = [
      webview.onDidReceiveMessage((raw) => this.receive(raw)),
      view.onDidChangeVisibility(() => {
        if (!view.visible) return;
        this.pushSoon();
        this.historySoon(0);
      }),
    ];
    view.onDidDispose(() => {
      subs.forEach((s) => s.dispose());
      this.view = undefined;
      this.ready = false;
    });
  }

  /** Shows the deploy lock and ship queue, kept current from `source`. */
  followDeploy(source: DeploySource): void {
    this.deploy = source;
    this._register(source.onDidChange(() => this.pushSoon()));
    this.pushSoon();
  }

  /**
   * Keeps the sections the user opened or folded in `memento` (the workspace's state), as each choice is made: the
   * webview's own saved state is written only when the workbench saves its state, and a window that goes without
   * that (a browser tab reloaded or closed) would lose it.
   */
  rememberIn(memento: vscode.Memento): void {
    this.memento = memento;
  }

  /** The policy in force: it sorts the Insights' changed files, and says which checks a session's plan check asks for. */
  followPolicy(policy: () => Policy | undefined): void {
    this.policy = policy;
  }

  /** Show on board: reveals the board with its file filter set to `file` (repository-relative), its history above the sessions. */
  async showFileOnBoard(file: string): Promise<void> {
    this.pendingFilter = file;
    await vscode.commands.executeCommand(`${BoardViewProvider.viewId}.focus`);
    this.sendPendingFilter();
  }

  private sendPendingFilter(): void {
    if (this.pendingFilter === undefined || !this.view || !this.ready) return;
    void this.view.webview.postMessage({ type: 'setFileFilter', file: this.pendingFilter } satisfies HostToWebview);
    this.pendingFilter = undefined;
  }

  refresh(): void {
    this.records.get()?.refresh();
    void this.push();
  }

  private receive(raw: unknown): void {
    const msg = parseWebviewMessage(raw);
    if (!msg) return;
    if (msg.type === 'ready') {
      this.ready = true;
      this.query = msg.query ?? this.query;
      void this.push();
      this.sendPendingFilter();
      const sections = parseSections(this.memento?.get<unknown>(SECTIONS_KEY));
      if (sections) void this.view?.webview.postMessage({ type: 'sections', sections } satisfies HostToWebview);
      // Asked for before the webview said it was ready: sent now.
      this.insightsKey = undefined;
      this.historyKey = undefined;
      this.insightsSoon(0);
      this.historySoon(0);
    } else if (msg.type === 'action') {
      if (msg.action === 'refresh') this.refresh();
      else this.runAction(msg.action);
    } else if (msg.type === 'querySessions') {
      this.query = msg.query;
      void this.push();
    } else if (msg.type === 'openSession') {
      void this.sendDetail(msg.id);
    } else if (msg.type === 'sessionMarkdown') {
      this.sessions.showMarkdown(msg.id);
    } else if (msg.type === 'copySessionMarkdown') {
      void this.sessions.copyMarkdown(msg.id);
    } else if (msg.type === 'reviewAction') {
      this.reviews?.run(msg.action, msg.reviewId);
    } else if (msg.type === 'copyRollback') {
      void vscode.commands.executeCommand('flightdeck.copyRollbackCommand', { shipId: msg.shipId });
    } else if (msg.type === 'rollbackShip') {
      void vscode.commands.executeCommand('flightdeck.rollbackShip', { shipId: msg.shipId });
    } else if (msg.type === 'openConcern') {
      void this.reviews?.openConcern(msg.path, msg.line);
    } else if (msg.type === 'openFile' || msg.type === 'diffFile') {
      void this.sessions.openFile(msg.sessionId, msg.path, msg.type === 'diffFile');
    } else if (msg.type === 'sections') {
      void this.memento?.update(SECTIONS_KEY, msg.sections);
    } else if (msg.type === 'fileHistory') {
      this.historyAsk = msg.file.trim() ? { file: msg.file, limit: msg.limit } : undefined;
      this.historyKey = undefined;
      this.historySoon(0);
    } else if (msg.type === 'insights') {
      this.insightsOpen = msg.open;
      // Opened (again, or in a new webview): what it has may be stale or gone.
      this.insightsKey = undefined;
      if (msg.open) this.insightsSoon(0);
    } else {
      this.rendered.fire({ phase: msg.phase, events: msg.events, sessions: msg.sessions, trusted: msg.trusted });
    }
  }

  private async sendDetail(id: string): Promise<void> {
    const store = await this.records.get()?.open();
    const trail = store ? buildTrail(store.db, id, { policy: this.policyInForce() }) : undefined;
    if (trail && store) {
      // Clipped: a 10 MB paste would otherwise cross to the webview, and into its saved state, on every update.
      void this.view?.webview.postMessage({ type: 'sessionDetail', trail: clipStrings(trail), activity: sessionActivity(store.db, id) } satisfies HostToWebview);
      memoryLog('session detail');
    }
  }

  /** Builds the insights a while after the record last changed (a burst of events is one build), when they are shown. */
  private insightsSoon(delayMs = 1000): void {
    if (!this.insightsOpen) return;
    clearTimeout(this.insightsTimer);
    this.insightsTimer = setTimeout(() => void this.sendInsights(), delayMs);
  }

  private async sendInsights(): Promise<void> {
    if (!this.view || !this.ready || !this.view.visible || !this.insightsOpen) return;
    const store = await this.records.get()?.open().catch(() => undefined);
    if (!store) return;
    const key = String(store.db.exec('SELECT max(seq), (SELECT count(*) FROM sessions) FROM events')[0]?.values[0]?.join(':'));
    if (key === this.insightsKey) return;
    this.insightsKey = key;
    void this.view.webview.postMessage({ type: 'insights', insights: clipStrings(buildInsights(store.db, { policy: this.policyInForce() })) } satisfies HostToWebview);
  }

  /** The policy the risk view follows; undefined (the defaults, or the file read) when it cannot be read. */
  private policyInForce(): Policy | undefined {
    try {
      return this.policy();
    } catch {
      return undefined; // an unreadable policy file is the risk view's to report
    }
  }

  /** Sends the asked file's history again a while after the record last changed, while the filter names a file. */
  private historySoon(delayMs = 1000): void {
    if (!this.historyAsk) return;
    clearTimeout(this.historyTimer);
    this.historyTimer = setTimeout(() => void this.sendHistory(), delayMs);
  }

  private async sendHistory(): Promise<void> {
    const ask = this.historyAsk;
    if (!ask || !this.view || !this.ready) return;
    const repoRoot = this.records.location()?.repoRoot ?? vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    const store = await this.records.get()?.open().catch(() => undefined);
    if (!store || !repoRoot) return;
    const key = `${String(store.db.exec('SELECT max(seq) FROM events')[0]?.values[0]?.[0])}:${ask.file}:${ask.limit}`;
    // A hidden board is sent it when it shows again and asks (a new webview asks on ready).
    if (key === this.historyKey || !this.view.visible) return;
    this.historyKey = key;
    const history = clipStrings(boardFileHistory(store.db, repoRoot, ask.file, ask.limit));
    void this.view.webview.postMessage({ type: 'fileHistory', history: { ...history, filter: ask.file } } satisfies HostToWebview);
  }

  /** Coalesces bursts of record changes into one post. */
  private pushSoon(): void {
    if (this.pushTimer) return;
    this.pushTimer = setTimeout(() => {
      this.pushTimer = undefined;
      void this.push();
    }, 50);
  }

  private async push(): Promise<void> {
    // A hidden board is brought up to date when it shows again (onDidChangeVisibility).
    if (!this.view || !this.ready || !this.view.visible) return;
    const live = this.records.get();
    const trusted = !this.records.readOnly;
    if (!live) return this.post({ trusted, phase: 'no-workspace' });
    if (!live.current) this.post({ trusted, phase: 'loading' });
    try {
      const store = await live.open();
      this.post({ trusted, phase: 'ready', record: boardRecord(store, this.query) });
      memoryLog('board state');
    } catch (err) {
      this.post({ trusted, phase: 'error', error: (err as Error).message });
    }
  }

  private post(state: BoardState): void {
    const importing = this.imports?.importStatus();
    const deploy = this.deploy?.boardDeploy();
    const message: HostToWebview = { type: 'state', state: { ...state, ...(importing ? { importing } : {}), ...(deploy ? { deploy } : {}) } };
    this.lastState = message.state;
    void this.view?.webview.postMessage(message);
  }

  private html(webview: vscode.Webview): string {
    const nonce = randomBytes(16).toString('base64');
    const asset = (...p: string[]): string => webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, ...p)).toString();
    const csp = [
      "default-src 'none'",
      `font-src ${webview.cspSource}`,
      `style-src ${webview.cspSource}`,
      `img-src ${webview.cspSource}`,
      `script-src 'nonce-${nonce}'`,
    ].join('; ');
    return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="${csp}">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
  <link rel="preload" href="${asset('dist', 'codicon.ttf')}" as="font" type="font/ttf" crossorigin>
  <link rel="stylesheet" href="${asset('dist', 'codicon.css')}" id="vscode-codicon-stylesheet">
  <link rel="stylesheet" href="${asset('media', 'board.css')}">
  <script type="module" nonce="${nonce}" src="${asset('dist', 'toolkit.min.js')}"></script>
  <script defer nonce="${nonce}" src="${asset('dist', 'webview.js')}"></script>
  <title>Flightdeck board</title>
</head>
<body>
  <main id="app" aria-live="polite" aria-busy="true"><p class="muted">Opening the flight record…</p></main>
</body>
</html>`;
  }
}
