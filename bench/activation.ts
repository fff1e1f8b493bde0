// Times the real bundled activate() with a minimal stand-in for the `vscode` module: activate()
// only registers things, so the stand-in only has to accept registrations.
import Module from 'node:module';

const disposable = { dispose(): void {} };

class EventEmitter {
  event = (): typeof disposable => disposable;
  fire(): void {}
  dispose(): void {}
}

const vscodeStub = {
  EventEmitter,
  Uri: { joinPath: (base: { fsPath: string }, ...p: string[]) => ({ fsPath: [base.fsPath, ...p].join('/') }), file: (p: string) => ({ fsPath: p }) },
  workspace: {
    isTrusted: true,
    workspaceFolders: [],
    onDidGrantWorkspaceTrust: () => disposable,
    onDidChangeWorkspaceFolders: () => disposable,
    onDidChangeConfiguration: () => disposable,
    registerTextDocumentContentProvider: () => disposable,
    getConfiguration: () => ({ get: <T>(_key: string, fallback: T) => fallback }),
  },
  window: {
    registerWebviewViewProvider: () => disposable,
    onDidStartTerminalShellExecution: () => disposable,
    onDidEndTerminalShellExecution: () => disposable,
    onDidOpenTerminal: () => disposable,
  },
  tasks: { onDidStartTask: () => disposable },
  commands: { registerCommand: () => disposable, executeCommand: async () => undefined },
  ProgressLocation: { Notification: 15 },
  UIKind: { Desktop: 1, Web: 2 },
  env: {},
};

export function measureActivation(bundle: string): { loadMs: number; activateMs: number } {
  const loader = Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown };
  const original = loader._load;
  loader._load = function (request: string, ...rest: unknown[]) {
    return request === 'vscode' ? vscodeStub : original.call(this, request, ...rest);
  };
  try {
    const t = performance.now();
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const ext = require(bundle) as { activate(ctx: unknown): { records: { dispose(): void } } };
    const loadMs = performance.now() - t;
    const times: number[] = [];
    for (let i = 0; i < 20; i++) {
      const context = { subscriptions: [] as { dispose(): void }[], extensionUri: { fsPath: '/ext' }, storageUri: undefined };
      const s = performance.now();
      ext.activate(context);
      times.push(performance.now() - s);
      for (const d of context.subscriptions) d.dispose();
    }
    times.sort((a, b) => a - b);
    return { loadMs, activateMs: times[10] ?? NaN };
  } finally {
    loader._load = original;
  }
}
