import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { FlightdeckApi } from '../../../src/extension';
import { eventually, nextEvent, test } from './harness';
import { EXTENSION_ID, workspaceRoot } from './workspace';

let api: FlightdeckApi;

/** Restricted Mode: the board shows the record read-only and nothing is written. */
export function registerUntrustedTests(): void {
  test('in Restricted Mode the extension activates with the workspace untrusted', async () => {
    assert.equal(vscode.workspace.isTrusted, false, 'the launcher leaves the folder untrusted');
    const ext = vscode.extensions.getExtension<FlightdeckApi>(EXTENSION_ID);
    assert.ok(ext);
    api = await ext.activate();
    assert.equal(api.records.readOnly, true);
  });

  test('recording a note is refused and writes nothing', async () => {
    const id = await vscode.commands.executeCommand<string | undefined>('flightdeck.recordNote', 'must not be recorded');
    assert.equal(id, undefined);
    assert.equal(existsSync(join(workspaceRoot(), '.git', 'flightdeck')), false, 'no record folder was created');
  });

  test('recording a plan is refused and writes nothing', async () => {
    const id = await vscode.commands.executeCommand<string | undefined>('flightdeck.recordPlan', 'must not be recorded', [], 'some-session');
    assert.equal(id, undefined);
    assert.equal(existsSync(join(workspaceRoot(), '.git', 'flightdeck')), false, 'no record folder was created');
  });

  test('the deploy lock shows read-only: no click to take it, and taking it is refused', async () => {
    const text = await eventually(() => api.deploy.statusBar?.view?.text, 10_000, 'the status item');
    assert.equal(text, '$(unlock) Deploy free');
    assert.equal(api.deploy.statusBar?.view?.action, 'none');
    assert.match(api.deploy.statusBar?.view?.tooltip ?? '', /Restricted Mode/);
    assert.equal(await vscode.commands.executeCommand('flightdeck.acquireDeployLock', { reason: 'must not happen' }), undefined);
    assert.equal(existsSync(join(workspaceRoot(), '.git', 'flightdeck')), false, 'no lock file, no record folder');
  });

  test('the board renders read-only', async () => {
    const rendered = nextEvent(api.board.onDidRender, (r) => r.phase === 'ready', 30_000, 'board render');
    await vscode.commands.executeCommand('workbench.view.extension.flightdeck');
    const r = await rendered;
    assert.equal(r.trusted, false);
    assert.equal(r.events, 0);
    assert.equal(existsSync(join(workspaceRoot(), '.git', 'flightdeck')), false, 'opening the board wrote nothing');
  });

  test('in Restricted Mode reviews cannot be run or overridden, and the key cannot be set', async () => {
    assert.equal(await vscode.commands.executeCommand('flightdeck.requestReview'), undefined);
    assert.equal(await vscode.commands.executeCommand('flightdeck.overrideGate', { reviewId: 'rev-x', reason: 'a perfectly good reason for this', expiry: 'none' }), undefined);
    assert.equal(await vscode.commands.executeCommand('flightdeck.overrideGate', { gate: 'push', reason: 'a perfectly good reason for this', expiry: '1h' }), undefined);
    assert.equal(await vscode.commands.executeCommand('flightdeck.markReviewResolved', 'rev-x'), undefined);
    assert.equal(await vscode.commands.executeCommand('flightdeck.setApiKey', 'sk-ant-untrusted'), false);
    assert.equal(existsSync(join(workspaceRoot(), '.git', 'flightdeck')), false, 'nothing was written');
  });
}
