import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { MEMORY_END, MEMORY_START } from '../../../src/core/report/memoryBlock';
import { readMemoryFile } from '../../../src/core/report/memoryFile';
import type { FlightdeckApi } from '../../../src/extension';
import { buildTrail } from '../../../src/core/report/trail';
import { eventually, test } from './harness';
import { EXTENSION_ID, workspaceRoot } from './workspace';

/** Record plan…, Record decision, the file history (command and CodeLens), the hand-off file and Write memory to AGENTS.md. */
export function registerMemoryTests(): void {
  test('Record plan… records your plan for a session; its plan check holds the session against it', async () => {
    const api = await vscode.extensions.getExtension<FlightdeckApi>(EXTENSION_ID)?.activate();
    const store = await api?.records.get()?.open();
    assert.ok(store);
    const session = 'integration-plan-session';
    store.append([{ kind: 'session.started', session, source: 'claude-hook', data: { agent: 'claude-code', cwd: workspaceRoot() } }]);
    const commands = await vscode.commands.getCommands(true);
    assert.ok(commands.includes('flightdeck.recordPlan'), 'the command is registered');
    const file = join(workspaceRoot(), 'api', 'plan-target.ts');
    mkdirSync(join(workspaceRoot(), 'api'), { recursive: true });
    writeFileSync(file, 'export {};\n');
    const id = await vscode.commands.executeCommand<string | undefined>('flightdeck.recordPlan', 'Touch only api/plan-target.ts; no schema changes', [file], session);
    assert.ok(id, 'the plan was recorded');
    const [row] = store.db.exec('SELECT origin, files, session_id FROM plans WHERE event_id = ?', [id])[0]?.values ?? [];
    assert.deepEqual(row, ['user', '["api/plan-target.ts"]', session]);
    const plan = buildTrail(store.db, session)?.planCheck.plan;
    assert.equal(plan?.origin, 'user');
    assert.deepEqual(plan?.files, ['api/plan-target.ts']);
    assert.equal(await vscode.commands.executeCommand('flightdeck.recordPlan', '   ', [], session), undefined, 'an empty plan is not recorded');
  }, 30_000);

  test('Record decision links files; Show file history and the CodeLens show it; memory.json and AGENTS.md carry it', async () => {
    const root = workspaceRoot();
    mkdirSync(join(root, 'billing'), { recursive: true });
    const file = join(root, 'billing', 'invoice.ts');
    writeFileSync(file, 'export const total = (cents: number): number => cents;\n');
    const uri = vscode.Uri.file(file);
    await vscode.window.showTextDocument(uri);
    const text = 'Amounts are integer cents everywhere; never floats';
    const id = await vscode.commands.executeCommand<string | undefined>('flightdeck.recordDecision', text, [file]);
    assert.ok(id, 'the decision was recorded');

    const doc = await vscode.commands.executeCommand<vscode.TextDocument | undefined>('flightdeck.showFileHistory', uri);
    assert.ok(doc, 'a history document opened');
    assert.match(doc.getText(), /^# History of billing\/invoice\.ts/);
    assert.ok(doc.getText().includes(text), doc.getText());

    let titles: string[] = [];
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      const found = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 10);
      titles = found.map((l) => l.command?.title ?? '').filter((t) => t.includes('Flightdeck'));
      if (titles.length) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    // Writing the file may also have put it in an active session of the earlier tests (the file watcher records it).
    assert.equal(titles.length, 1, 'one lens at the top');
    assert.match(titles[0] ?? '', /^\$\(history\) Flightdeck: (changed in \d+ agent sessions? · )?1 decision$/);
    const other = vscode.Uri.file(join(root, 'billing', 'untouched.ts'));
    writeFileSync(other.fsPath, '// nothing recorded about this one\n');
    await vscode.workspace.openTextDocument(other); // the lens command needs the document open
    const none = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', other, 10);
    // No decision is linked to it. Its write may have been recorded in an active session of an earlier test (as above):
    // then its one lens says only that; otherwise there is none.
    const otherTitles = none.map((l) => l.command?.title ?? '').filter((t) => t.includes('Flightdeck'));
    assert.ok(otherTitles.every((t) => /^\$\(history\) Flightdeck: changed in \d+ agent sessions?$/.test(t)) && otherTitles.length <= 1, `no decision lens on a file without one: ${otherTitles.join(' | ')}`);

    // The hand-off beside the record follows within a couple of seconds (written after a quiet second).
    const dir = join(root, '.git', 'flightdeck');
    await eventually(() => (readMemoryFile(dir)?.any.includes(text) ? true : undefined), 15_000, 'memory.json with the decision');

    const agents = join(root, 'AGENTS.md');
    writeFileSync(agents, '# Agents\n\nKeep this line.\n');
    const written = await vscode.commands.executeCommand<vscode.Uri | undefined>('flightdeck.writeMemory');
    assert.equal(written?.fsPath, agents);
    const after = readFileSync(agents, 'utf8');
    assert.ok(after.startsWith('# Agents\n\nKeep this line.\n\n' + MEMORY_START), after);
    assert.ok(after.includes(text));
    assert.ok(after.trimEnd().endsWith(MEMORY_END));
  }, 60_000);
}
