import * as vscode from 'vscode';
import { defaultPolicyText, POLICY_FILE } from '../core/risk/load';
import type { RecordService } from './recordService';

/** `Flightdeck: Create policy`: writes the default policy to .flightdeck/policy.json for editing, never over one. */
export class PolicyCommands {
  constructor(private readonly records: RecordService) {}

  register(): vscode.Disposable[] {
    return [vscode.commands.registerCommand('flightdeck.createPolicy', () => this.createPolicy())];
  }

  async createPolicy(): Promise<vscode.Uri | undefined> {
    const root = this.records.location()?.repoRoot ?? vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    if (!root) {
      void vscode.window.showWarningMessage('Open a folder first: the policy belongs to a repository.');
      return undefined;
    }
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showWarningMessage('Flightdeck writes no files in an untrusted workspace. Trust the workspace to create a policy.');
      return undefined;
    }
    const uri = vscode.Uri.joinPath(vscode.Uri.file(root), POLICY_FILE);
    const exists = await vscode.workspace.fs.stat(uri).then(() => true, () => false);
    if (exists) {
      void vscode.window.showInformationMessage(`${POLICY_FILE} already exists; it is opened instead of overwritten.`);
    } else {
      await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(uri, '..'));
      await vscode.workspace.fs.writeFile(uri, Buffer.from(defaultPolicyText()));
    }
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), { preview: false });
    return uri;
  }
}
