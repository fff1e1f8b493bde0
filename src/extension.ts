import * as vscode from 'vscode';
import { BoardViewProvider } from './vscode/boardView';
import { RecordCommands } from './vscode/commands';
import { RecordService } from './vscode/recordService';

/** What the extension hands to other extensions and to its own integration tests. */
export interface FlightdeckApi {
  records: RecordService;
  board: BoardViewProvider;
  commands: RecordCommands;
  activationMs: number;
}

/** Wires the parts together; opens nothing (the record and its WASM load on first use). */
export function activate(context: vscode.ExtensionContext): FlightdeckApi {
  const started = performance.now();
  const records = new RecordService(context);
  const commands = new RecordCommands(records);
  const board = new BoardViewProvider(context.extensionUri, records, (action) => {
    if (action !== 'refresh') commands.run(action);
  });
  context.subscriptions.push(
    records,
    board,
    vscode.window.registerWebviewViewProvider(BoardViewProvider.viewId, board),
    ...commands.register(() => board.refresh()),
  );
  return { records, board, commands, activationMs: performance.now() - started };
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions; the record snapshots on close when due.
}
