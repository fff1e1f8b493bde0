import * as vscode from 'vscode';

const SECRET_ID = 'flightdeck.anthropicApiKey';

/**
 * The Anthropic API key: VS Code's SecretStorage (`Flightdeck: Set Anthropic API key`), else ANTHROPIC_API_KEY.
 * It is only ever handed to the engine: never logged, shown or recorded.
 */
export class AnthropicKey {
  readonly onDidChange: vscode.Event<unknown>;

  constructor(private readonly secrets: vscode.SecretStorage, private readonly env: NodeJS.ProcessEnv = process.env) {
    this.onDidChange = (listener, thisArgs, disposables) =>
      secrets.onDidChange((e) => e.key === SECRET_ID && listener.call(thisArgs, e), undefined, disposables);
  }

  register(): vscode.Disposable[] {
    return [
      vscode.commands.registerCommand('flightdeck.setApiKey', (key?: string) => this.set(key)),
      vscode.commands.registerCommand('flightdeck.clearApiKey', () => this.clear()),
    ];
  }

  /** The key to use, and where it came from; undefined when there is none. */
  async get(): Promise<{ key: string; from: 'secret-storage' | 'environment' } | undefined> {
    const stored = (await this.secrets.get(SECRET_ID))?.trim();
    if (stored) return { key: stored, from: 'secret-storage' };
    const env = this.env.ANTHROPIC_API_KEY?.trim();
    return env ? { key: env, from: 'environment' } : undefined;
  }

  async set(given?: string): Promise<boolean> {
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showWarningMessage('Trust the workspace to set the Anthropic API key.');
      return false;
    }
    const key = typeof given === 'string' ? given : await vscode.window.showInputBox({
      title: 'Flightdeck: Set Anthropic API key',
      prompt: 'The second eye\'s key, kept in VS Code\'s secret storage (never in settings or the flight record).',
      password: true,
      ignoreFocusOut: true,
      validateInput: (v) => (!v.trim() ? 'Paste the key (it starts with sk-ant-).' : /\s/.test(v.trim()) ? 'A key has no spaces in it.' : undefined),
    });
    if (!key?.trim() || /\s/.test(key.trim())) return false;
    await this.secrets.store(SECRET_ID, key.trim());
    void vscode.window.setStatusBarMessage('$(key) Anthropic API key saved: reviews you request now ask the model too', 5000);
    return true;
  }

  async clear(): Promise<boolean> {
    if (!vscode.workspace.isTrusted) return false;
    await this.secrets.delete(SECRET_ID);
    const env = this.env.ANTHROPIC_API_KEY?.trim();
    void vscode.window.setStatusBarMessage(env ? '$(key) Key cleared; ANTHROPIC_API_KEY from the environment is still used' : '$(key) Anthropic API key cleared: reviews run the rules only', 5000);
    return true;
  }
}
