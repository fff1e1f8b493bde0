import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as vscode from 'vscode';
import type { FlightdeckApi } from '../../../src/extension';
import { EXTENSION_ID, workspaceRoot } from './workspace';
import { listEvents, recordCounts } from '../../../src/core/record/queries';
import { eventually, nextEvent, test } from './harness';

let api: FlightdeckApi;

/** A trusted workspace: everything works and is recorded. */
export function registerTrustedTests(): void {
  test('the extension activates without opening the record', async () => {
    const ext = vscode.extensions.getExtension<FlightdeckApi>(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is installed`);
    api = await ext.activate();
    assert.equal(api.records.get()?.current, undefined, 'no database or WASM loaded at activation');
    const commands = await vscode.commands.getCommands(true);
    for (const c of ['flightdeck.recordNote', 'flightdeck.verifyRecord', 'flightdeck.revealRecord', 'flightdeck.refreshBoard']) {
      assert.ok(commands.includes(c), `${c} is registered`);
    }
  });

  test('the board view resolves and renders the record\'s state', async () => {
    const rendered = nextEvent(api.board.onDidRender, (r) => r.phase === 'ready', 30_000, 'board render');
    await vscode.commands.executeCommand('workbench.view.extension.flightdeck');
    const r = await rendered;
    const store = await api.records.get()?.open();
    assert.ok(store);
    assert.equal(r.events, recordCounts(store.db).events);
  });

  test('a note is recorded under the repository\'s git dir', async () => {
    const id = await vscode.commands.executeCommand<string | undefined>('flightdeck.recordNote', 'integration: first note');
    assert.ok(id, 'the command returns the durable event id');
    const dir = join(workspaceRoot(), '.git', 'flightdeck');
    assert.ok(existsSync(join(dir, 'journal.jsonl')), `journal under ${dir}`);
    const store = await api.records.get()?.open();
    assert.equal(store?.dir, dir);
    assert.equal(listEvents(store.db, { limit: 1 })[0]?.id, id);
  });

  test('a note written by the CLI appears in the record and on the board without a reload', async () => {
    const store = await api.records.get()?.open();
    assert.ok(store);
    const before = recordCounts(store.db).events;
    const board = nextEvent(api.board.onDidRender, (r) => r.events === before + 1, 10_000, 'board update');
    const cli = join(process.env.FLIGHTDECK_REPO_ROOT ?? join(__dirname, '..', '..'), 'dist', 'cli.js');
    const { stdout } = await promisify(execFile)(process.execPath, [cli, 'note', 'written by the CLI', '--repo', workspaceRoot()], {
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    });
    const id = stdout.trim();
    await eventually(() => (listEvents(store.db, { limit: 5 }).some((e) => e.id === id) ? true : undefined), 3_000, 'the CLI note in the record');
    await board;
  });

  test('verify reports an intact record', async () => {
    const text = await vscode.commands.executeCommand<string | undefined>('flightdeck.verifyRecord');
    assert.match(text ?? '', /Result: +ok/);
  });
}
