import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import * as vscode from 'vscode';
import type { FlightdeckApi } from '../../../src/extension';
import { EXTENSION_ID, workspaceRoot } from './workspace';
import { listEvents, recordCounts } from '../../../src/core/record/queries';
import { eventually, nextEvent, test } from './harness';
import { buildTrail } from '../../../src/core/report/trail';
import { projectFolderName, signupSession } from '../../fixtures/claudeTranscript';

let api: FlightdeckApi;

/** A trusted workspace: everything works and is recorded. */
export function registerTrustedTests(): void {
  test('the extension activates without opening the record', async () => {
    const ext = vscode.extensions.getExtension<FlightdeckApi>(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is installed`);
    api = await ext.activate();
    const openedAt = api.records.get()?.openedAt;
    assert.ok(openedAt === undefined || openedAt > api.activatedAt, 'no database or WASM loaded during activate()');
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

  test('Connect Claude Code adds only Flightdeck\'s hooks, and Disconnect removes only them', async () => {
    const path = join(workspaceRoot(), '.claude', 'settings.local.json');
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, JSON.stringify({ permissions: { allow: ['Bash(npm test:*)'] } }));
    const added = await vscode.commands.executeCommand<string[]>('flightdeck.connectClaude', { confirm: false });
    assert.ok(added?.includes('PreToolUse'));
    const connected = JSON.parse(readFileSync(path, 'utf8')) as { permissions: unknown; hooks: Record<string, { hooks: { command: string }[] }[]> };
    assert.deepEqual(connected.permissions, { allow: ['Bash(npm test:*)'] });
    assert.deepEqual(Object.keys(connected.hooks), added, 'exactly the events the Claude Code found here knows');
    const command = connected.hooks.PreToolUse?.[0]?.hooks[0]?.command ?? '';
    assert.match(command, /dist\/cli\.js' hook PreToolUse$/);
    // The installed command really records: run it the way Claude Code would, through a shell.
    const payload = JSON.stringify({ session_id: 'hooked-session', cwd: workspaceRoot(), tool_name: 'Bash', tool_input: { command: 'npm run lint' }, tool_use_id: 'toolu_hooked' });
    await promisify(execFile)('/bin/sh', ['-c', `${command} <<'EOF'\n${payload}\nEOF`]);
    const store = await api.records.get()?.open();
    assert.ok(store);
    await eventually(() => (store.db.exec(`SELECT count(*) FROM commands WHERE id = 'toolu_hooked'`)[0]?.values[0]?.[0] === 1 ? true : undefined), 3_000, 'the hook\'s tool call in the record');
    // The user's own check rules reach the hook too: the extension keeps them beside the record.
    await vscode.workspace.getConfiguration('flightdeck').update('checks.rules', [{ kind: 'test', pattern: '^make verify' }], vscode.ConfigurationTarget.Workspace);
    const rulesFile = join(workspaceRoot(), '.git', 'flightdeck', 'check-rules.json');
    await eventually(() => (existsSync(rulesFile) && readFileSync(rulesFile, 'utf8').includes('^make verify') ? true : undefined), 5_000, 'the rules beside the record');
    const custom = JSON.stringify({ session_id: 'hooked-session', cwd: workspaceRoot(), tool_name: 'Bash', tool_input: { command: 'make verify' }, tool_use_id: 'toolu_custom' });
    await promisify(execFile)('/bin/sh', ['-c', `${command} <<'EOF'\n${custom}\nEOF`]);
    await eventually(() => (store.db.exec(`SELECT check_kind FROM commands WHERE id = 'toolu_custom'`)[0]?.values[0]?.[0] === 'test' ? true : undefined), 3_000, 'the custom check classified by the hook');
    await vscode.workspace.getConfiguration('flightdeck').update('checks.rules', undefined, vscode.ConfigurationTarget.Workspace);
    const removed = await vscode.commands.executeCommand<string[]>('flightdeck.disconnectClaude', { confirm: false });
    assert.deepEqual([...(removed ?? [])].sort(), [...added].sort());
    assert.deepEqual(JSON.parse(readFileSync(path, 'utf8')), { permissions: { allow: ['Bash(npm test:*)'] } });
  });

  test('a simulated agent session appears in the record and on the board', async () => {
    const projects = process.env.CLAUDE_CONFIG_DIR ? join(process.env.CLAUDE_CONFIG_DIR, 'projects') : undefined;
    assert.ok(projects, 'the launcher sets CLAUDE_CONFIG_DIR');
    const sessionId = 'integration-session-0001';
    const dir = join(projects, projectFolderName(workspaceRoot()));
    mkdirSync(dir, { recursive: true });
    const board = nextEvent(api.board.onDidRender, (r) => r.sessions >= 1, 15_000, 'the session on the board');
    writeFileSync(join(dir, `${sessionId}.jsonl`), signupSession(workspaceRoot(), sessionId).toString());
    await api.capture.start();
    const store = await api.records.get()?.open();
    assert.ok(store);
    await eventually(() => (buildTrail(store.db, sessionId)?.checks.length === 3 ? true : undefined), 10_000, 'the imported session');
    await board;
    const doc = await vscode.commands.executeCommand<vscode.TextDocument | undefined>('flightdeck.showSession', sessionId);
    assert.match(doc?.getText() ?? '', /- Task: add server-side validation to signup endpoint/);
  });

  test('files changed on disk are recorded', async () => {
    const store = await api.records.get()?.open();
    assert.ok(store);
    // Written straight into new folders: the watch on a new folder can come too late to see its files.
    const path = join(workspaceRoot(), 'src', 'nested', 'created-by-test.ts');
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, 'export const x = 1;\n');
    await eventually(
      () => (store.db.exec(`SELECT 1 FROM files WHERE path = ? AND action = 'created'`, [path]).length ? true : undefined),
      10_000,
      'the created file in the record',
    );
    const folders = store.db.exec(`SELECT path FROM files WHERE path IN (?, ?)`, [dirname(path), dirname(dirname(path))]);
    assert.equal(folders.length, 0, 'new folders stand for their files, not for themselves');
    // A folder made inside a new one after that was listed (mkdir a; then mkdir a/b and write) is listed itself.
    const later = join(workspaceRoot(), 'src', 'later');
    mkdirSync(later);
    writeFileSync(join(later, 'first.ts'), 'export const z = 0;\n');
    await eventually(() => (store.db.exec(`SELECT 1 FROM files WHERE path = ?`, [join(later, 'first.ts')]).length ? true : undefined), 10_000, 'the first new folder in the record');
    const inner = join(later, 'inner', 'made-after.ts');
    mkdirSync(dirname(inner));
    writeFileSync(inner, 'export const y = 2;\n');
    await eventually(
      () => (store.db.exec(`SELECT 1 FROM files WHERE path = ? AND action = 'created'`, [inner]).length ? true : undefined),
      10_000,
      'the file in the folder made after the listing',
    );
  });

  test('a command run in an integrated terminal is recorded with its exit code', async () => {
    const terminal = vscode.window.createTerminal({ name: 'flightdeck-test', cwd: workspaceRoot(), shellPath: '/bin/bash' });
    const integration = terminal.shellIntegration ?? (await nextEvent(vscode.window.onDidChangeTerminalShellIntegration, (e) => e.terminal === terminal, 20_000, 'shell integration')).shellIntegration;
    const ended = nextEvent(vscode.window.onDidEndTerminalShellExecution, (e) => e.terminal === terminal, 20_000, 'the command to end');
    integration.executeCommand('npm --version');
    const end = await ended;
    assert.equal(end.exitCode, 0);
    const store = await api.records.get()?.open();
    assert.ok(store);
    await eventually(
      () => (store.db.exec(`SELECT exit_code FROM commands WHERE source = 'terminal' AND command = 'npm --version'`)[0]?.values[0]?.[0] === 0 ? true : undefined),
      5_000,
      'the terminal command in the record',
    );
    terminal.dispose();
  }, 60_000);

  test('a session\'s flight record exports as Markdown, and the record as an HTML dashboard', async () => {
    const dir = join(workspaceRoot(), '.git', 'flightdeck-test-exports');
    mkdirSync(dir, { recursive: true });
    const md = await vscode.commands.executeCommand<vscode.Uri>('flightdeck.exportRecord', 'integration-session-0001', vscode.Uri.file(join(dir, 'record.md')));
    assert.match(readFileSync(md.fsPath, 'utf8'), /- Failed checks: npm test -- signup failed \(exit 1\)/);
    const html = await vscode.commands.executeCommand<vscode.Uri>('flightdeck.openDashboard', vscode.Uri.file(join(dir, 'dashboard.html')));
    const text = readFileSync(html.fsPath, 'utf8');
    assert.match(text, /add server-side validation to signup endpoint/);
    assert.doesNotMatch(text, /<script/i);
  });

  test('verify reports an intact record', async () => {
    const text = await vscode.commands.executeCommand<string | undefined>('flightdeck.verifyRecord');
    assert.match(text ?? '', /Result: +ok/);
  });
}
