import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { FlightdeckApi } from '../../../src/extension';
import { defaultPolicyText, LAST_GOOD_FILE, POLICY_FILE } from '../../../src/core/risk/load';
import { eventually, test } from './harness';
import { EXTENSION_ID, workspaceRoot } from './workspace';

const policyPath = (): string => join(workspaceRoot(), POLICY_FILE);
const policyUri = (): vscode.Uri => vscode.Uri.file(policyPath());
const problemsOf = (source: string): vscode.Diagnostic[] => vscode.languages.getDiagnostics(policyUri()).filter((d) => d.source === source);

/** The policy file in the editor: Create policy, the contributed JSON schema, and a broken file's line and column. */
export function registerPolicyTests(): void {
  let api: FlightdeckApi;

  test('Create policy writes the defaults out for editing and opens them; run again, it opens the file and never overwrites it', async () => {
    api = await (vscode.extensions.getExtension<FlightdeckApi>(EXTENSION_ID) as vscode.Extension<FlightdeckApi>).activate();
    const uri = await vscode.commands.executeCommand<vscode.Uri | undefined>('flightdeck.createPolicy');
    assert.equal(uri?.fsPath, policyPath());
    assert.equal(readFileSync(policyPath(), 'utf8'), defaultPolicyText());
    assert.equal(vscode.window.activeTextEditor?.document.uri.fsPath, policyPath(), 'opened for editing');
    // The user's edit on disk survives a second run.
    const edited = defaultPolicyText().replace('"mode": "advisory"', '"mode": "enforce"');
    assert.notEqual(edited, defaultPolicyText(), 'the defaults name their mode');
    writeFileSync(policyPath(), edited);
    assert.equal((await vscode.commands.executeCommand<vscode.Uri | undefined>('flightdeck.createPolicy'))?.fsPath, policyPath());
    assert.equal(readFileSync(policyPath(), 'utf8'), edited);
    await eventually(() => (api.risk.policy()?.policy.mode === 'enforce' ? true : undefined), 10_000, 'the edited policy in force');
  });

  test('while the policy is edited, the contributed schema flags a mode that does not exist', async () => {
    const doc = await vscode.workspace.openTextDocument(policyUri());
    await vscode.window.showTextDocument(doc);
    const at = doc.getText().indexOf('"enforce"');
    const edit = new vscode.WorkspaceEdit();
    edit.replace(doc.uri, new vscode.Range(doc.positionAt(at), doc.positionAt(at + '"enforce"'.length)), '"enforced"');
    assert.ok(await vscode.workspace.applyEdit(edit));
    const flagged = await eventually(
      () => vscode.languages.getDiagnostics(doc.uri).find((d) => d.range.start.line === doc.positionAt(at).line && /advisory|enforce/.test(d.message)),
      20_000,
      'the JSON schema\'s problem on the mode line',
    );
    assert.notEqual(flagged.source, 'Flightdeck policy', 'from the schema, while typing, before any save');
    await vscode.commands.executeCommand('workbench.action.files.revert');
    assert.equal(doc.getText(), readFileSync(policyPath(), 'utf8'));
  }, 40_000);

  test('a policy file Flightdeck cannot use is an error on its line and column; the last good policy stays in force until it is fixed', async () => {
    const good = readFileSync(policyPath(), 'utf8');
    const broken = good.replace(/"content": \[\n(\s*)"/, '"content": [\n$1"(unclosed", "');
    assert.notEqual(broken, good);
    // Not in the editor: the user is told by a notification too (not asserted), and the Problems view has it.
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    writeFileSync(policyPath(), broken);
    const problem = await eventually(() => problemsOf('Flightdeck policy')[0], 10_000, 'the broken policy\'s error');
    const offset = broken.indexOf('"(unclosed"');
    const line = broken.slice(0, offset).split('\n').length - 1;
    assert.equal(problem.range.start.line, line);
    assert.equal(problem.range.start.character, offset - broken.lastIndexOf('\n', offset) - 1);
    assert.equal(problem.severity, vscode.DiagnosticSeverity.Error);
    assert.match(problem.message, /not a valid regular expression/);
    assert.match(problem.message, /last good version of it is in force/);
    // Still the edited policy, not "no policy": enforce mode holds.
    assert.equal(api.risk.policy()?.source, 'last-good');
    assert.equal(api.risk.policy()?.policy.mode, 'enforce');
    writeFileSync(policyPath(), good);
    await eventually(() => (problemsOf('Flightdeck policy').length === 0 ? true : undefined), 10_000, 'the error gone with the fix');
    assert.equal(api.risk.policy()?.source, 'file');
  });

  test('a deleted policy file leaves its last good version in force, and says how to go back to the defaults', async () => {
    rmSync(join(workspaceRoot(), '.flightdeck'), { recursive: true });
    const problem = await eventually(() => problemsOf('Flightdeck policy')[0], 10_000, 'the missing policy reported');
    assert.match(problem.message, /is missing \(deleted or moved\).*last good version of it is in force/);
    assert.equal(api.risk.policy()?.policy.mode, 'enforce', 'not the advisory defaults');
  });

  test('policy: the workspace is left as it was', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    // Going back to the defaults on purpose: the last good copy deleted, then the policy read again (a new .flightdeck folder).
    rmSync(join(workspaceRoot(), '.git', 'flightdeck', LAST_GOOD_FILE), { force: true });
    mkdirSync(join(workspaceRoot(), '.flightdeck'), { recursive: true });
    await eventually(() => (api.risk.policy()?.source === 'default' ? true : undefined), 10_000, 'the defaults again');
    assert.equal(problemsOf('Flightdeck policy').length, 0);
    execFileSync('git', ['clean', '-fdq', '--', '.flightdeck'], { cwd: workspaceRoot() });
  });
}
