import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as vscode from 'vscode';
import type { FlightdeckApi } from '../../../src/extension';
import type { ShipOutcome } from '../../../src/vscode/deployCommands';
import { eventually, nextEvent, test } from './harness';
import { EXTENSION_ID, workspaceRoot } from './workspace';

const cli = (): string => join(process.env.FLIGHTDECK_REPO_ROOT ?? join(__dirname, '..', '..'), 'dist', 'cli.js');

/** Runs the CLI as someone else (another git identity), as a teammate's process on this machine would. */
async function cliAs(name: string, ...args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, [cli(), ...args, '--repo', workspaceRoot()], {
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1', GIT_CONFIG_COUNT: '2', GIT_CONFIG_KEY_0: 'user.name', GIT_CONFIG_VALUE_0: name, GIT_CONFIG_KEY_1: 'user.email', GIT_CONFIG_VALUE_1: 'other@flightdeck.invalid' },
  }).catch((e: { stdout?: string; code?: number }) => ({ stdout: `${e.stdout ?? ''}\nexit ${e.code}` }));
  return stdout;
}

async function api(): Promise<FlightdeckApi> {
  const ext = vscode.extensions.getExtension<FlightdeckApi>(EXTENSION_ID);
  assert.ok(ext);
  return ext.activate();
}

async function statusText(a: FlightdeckApi, re: RegExp, what: string, ms = 5_000): Promise<string> {
  return eventually(() => {
    const text = a.deploy.statusBar?.view?.text;
    return text && re.test(text) ? text : undefined;
  }, ms, `${what} (status bar says "${a.deploy.statusBar?.view?.text}")`);
}

async function recorded(a: FlightdeckApi, kind: string, accept: (data: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
  const store = await a.records.get()?.open();
  assert.ok(store);
  return eventually(() => {
    const rows = store.db.exec('SELECT data FROM events WHERE kind = ? ORDER BY seq DESC', [kind])[0]?.values ?? [];
    return rows.map((r) => JSON.parse(String(r[0])) as Record<string, unknown>).find(accept);
  }, 5_000, `a ${kind} event in the record`);
}

const deployTask = (script: string): vscode.Task =>
  new vscode.Task({ type: 'shell' }, vscode.TaskScope.Workspace, 'deploy', 'flightdeck-test', new vscode.ShellExecution(script, { cwd: workspaceRoot() }));

/** The deploy lock in a trusted window: the status bar follows the CLI; deploy tasks run only under the lock. */
export function registerDeployTests(): void {
  test('the deploy lock shows in the status bar and follows the CLI in another process', async () => {
    const a = await api();
    await statusText(a, /^\$\(unlock\) Deploy free$/, 'free at startup');
    assert.equal(a.deploy.statusBar?.view?.action, 'acquire');
    const started = Date.now();
    const out = await cliAs('Grace Hopper', 'lock', 'acquire', '--reason', 'hotfix 1.4.2');
    assert.match(out, /Deploy lock acquired/);
    await statusText(a, /^\$\(lock\) Deploy: Grace Hopper \(\d+ s\)$/, 'the CLI\'s lock');
    const seen = Date.now() - started;
    const tooltip = a.deploy.statusBar?.view?.tooltip ?? '';
    assert.match(tooltip, /Grace Hopper/);
    assert.match(tooltip, /hotfix 1\\\.4\\\.2/);
    console.log(`  (the status bar showed the CLI's lock ${seen} ms after the CLI started)`);
    const joined = await cliAs('Linus', 'queue', 'join', '--hotfix');
    assert.match(joined, /Joined the ship queue as a hotfix/);
    await statusText(a, /· 1 queued$/, 'the queue length');
    await cliAs('Linus', 'queue', 'leave');
    const id = /lock id (lock-\S+)/.exec(out)?.[1];
    assert.ok(id, out);
    await cliAs('Grace Hopper', 'lock', 'release', '--id', id);
    await statusText(a, /^\$\(unlock\) Deploy free$/, 'free again');
  });

  test('a deploy task is stopped when this window does not hold the lock, and runs when it does; both are recorded', async () => {
    const a = await api();
    const marker = join(workspaceRoot(), '.git', 'deployed-by-task.txt');
    rmSync(marker, { force: true });
    const held = await cliAs('Grace Hopper', 'lock', 'acquire', '--reason', 'their release');
    const id = /lock id (lock-\S+)/.exec(held)?.[1] ?? '';
    await statusText(a, /Deploy: Grace Hopper/, 'their lock');
    const judged = nextEvent(a.deploy.guard.onDidJudge, (j) => j.name === 'deploy', 15_000, 'the deploy task judged');
    const ended = nextEvent(vscode.tasks.onDidEndTask, (e) => e.execution.task.name === 'deploy', 20_000, 'the stopped task to end');
    await vscode.tasks.executeTask(deployTask(`sleep 3 && echo deployed > '${marker}'`));
    assert.equal((await judged).action, 'stopped');
    await ended;
    await new Promise((r) => setTimeout(r, 3_500));
    assert.equal(existsSync(marker), false, 'the stopped task did not deploy');
    const stopped = await recorded(a, 'deploy.task', (d) => d.action === 'stopped');
    assert.equal(stopped.holder, 'Grace Hopper <other@flightdeck.invalid>');
    assert.equal(stopped.lockId, id);
    await cliAs('Grace Hopper', 'lock', 'release', '--id', id);
    await statusText(a, /Deploy free/, 'free again');

    const lockId = await vscode.commands.executeCommand<string | undefined>('flightdeck.acquireDeployLock', { reason: 'integration deploy' });
    assert.ok(lockId);
    await statusText(a, /^\$\(lock\) Deploy: you$/, 'mine');
    const allowed = nextEvent(a.deploy.guard.onDidJudge, (j) => j.name === 'deploy', 15_000, 'the deploy task judged');
    const done = nextEvent(vscode.tasks.onDidEndTaskProcess, (e) => e.execution.task.name === 'deploy', 20_000, 'the deploy task to finish');
    await vscode.tasks.executeTask(deployTask(`echo deployed > '${marker}'`));
    assert.equal((await allowed).action, 'allowed');
    assert.equal((await done).exitCode, 0);
    assert.ok(existsSync(marker), 'the task ran under the lock');
    const ran = await recorded(a, 'deploy.task', (d) => d.action === 'allowed');
    assert.equal(ran.lockId, lockId);
    assert.equal(await vscode.commands.executeCommand('flightdeck.releaseDeployLock'), lockId);
    await statusText(a, /Deploy free/, 'released');
  }, 60_000);

  test('Ship runs the configured task under the lock, records the ship with its rollback and gives the lock back', async () => {
    const a = await api();
    const marker = join(workspaceRoot(), '.git', 'shipped.txt');
    mkdirSync(join(workspaceRoot(), '.vscode'), { recursive: true });
    writeFileSync(join(workspaceRoot(), '.vscode', 'tasks.json'), JSON.stringify({
      version: '2.0.0', tasks: [{ label: 'ship-it', type: 'shell', command: `echo shipped > '${marker}'` }],
    }));
    let found = false;
    for (let i = 0; i < 40 && !found; i++) {
      found = (await vscode.tasks.fetchTasks()).some((t) => t.name === 'ship-it');
      if (!found) await new Promise((r) => setTimeout(r, 250));
    }
    assert.ok(found, 'tasks.json was read');
    const out = await vscode.commands.executeCommand<ShipOutcome | undefined>('flightdeck.ship', { task: 'ship-it', target: 'staging' });
    assert.equal(out?.status, 'shipped', JSON.stringify(out));
    assert.ok(existsSync(marker));
    assert.match(out?.rollback?.[0] ?? '', /git revert|redeploy/);
    const store = await a.records.get()?.open();
    assert.ok(store);
    const row = await eventually(() => store.db.exec('SELECT target, status, rollback, lock_id FROM ships WHERE id = ?', [out?.shipId ?? ''])[0]?.values[0], 5_000, 'the ship in the record');
    assert.equal(row[0], 'staging');
    assert.equal(row[1], 'shipped');
    assert.ok(String(row[3]).startsWith('lock-'), 'shipped under a lock');
    await statusText(a, /Deploy free/, 'the lock given back after the ship');
    // The board's Ships section: the ship with its lock and rollback command, and the lock free again.
    await vscode.commands.executeCommand('flightdeck.board.focus');
    a.board.refresh();
    const shown = await eventually(() => {
      const s = a.board.lastState;
      const ship = s?.record?.ships?.find((x) => x.id === out?.shipId);
      return ship && s?.deploy && !s.deploy.lock && !s.deploy.problem ? ship : undefined;
    }, 15_000, 'the ship on the board, the lock shown free');
    assert.deepEqual([shown.target, shown.status, shown.lockId, shown.task, shown.exitCode], ['staging', 'shipped', row[3], 'ship-it', 0]);
    assert.match(shown.rollback, new RegExp(`^git switch -c rollback/${out?.shipId ?? ''} && git revert --no-edit [0-9a-f]{12}|^redeploy`));
    const copied = await vscode.commands.executeCommand<string | undefined>('flightdeck.copyRollbackCommand', { shipId: out?.shipId });
    assert.equal(copied, shown.rollback);
    assert.equal(await vscode.env.clipboard.readText(), shown.rollback);
  }, 60_000);
  test('the next in line is told when the lock frees; force-unlock needs the id and a reason; a deploy typed in a terminal is flagged and recorded', async () => {
    const a = await api();
    const held = await cliAs('Grace Hopper', 'lock', 'acquire', '--reason', 'long release');
    const id = /lock id (lock-\S+)/.exec(held)?.[1] ?? '';
    await statusText(a, /Deploy: Grace Hopper/, 'their lock');
    assert.equal(await vscode.commands.executeCommand('flightdeck.joinShipQueue', { hotfix: false, reason: 'after Grace' }), 1);
    await statusText(a, /· 1 queued$/, 'queued');
    await cliAs('Grace Hopper', 'lock', 'release', '--id', id);
    await statusText(a, /^\$\(bell\) Your turn to deploy \(\d+ s\)/, 'my turn');
    assert.equal(a.deploy.statusBar?.view?.action, 'take-turn');
    // A teammate cannot take it during my turn.
    assert.match(await cliAs('Linus', 'lock', 'acquire'), /turn[\s\S]*exit 3/);
    assert.equal(await vscode.commands.executeCommand('flightdeck.leaveShipQueue'), true);
    await statusText(a, /^\$\(unlock\) Deploy free$/, 'free after leaving');

    const again = await cliAs('Grace Hopper', 'lock', 'acquire', '--reason', 'forgotten');
    const stale = /lock id (lock-\S+)/.exec(again)?.[1] ?? '';
    await statusText(a, /Deploy: Grace Hopper/, 'their lock again');
    assert.equal(await vscode.commands.executeCommand('flightdeck.forceUnlockDeployLock', { id: 'lock-wrong', reason: 'x' }), undefined);
    assert.equal(await vscode.commands.executeCommand('flightdeck.forceUnlockDeployLock', { id: stale, reason: 'Grace is on holiday' }), stale);
    await statusText(a, /Deploy free/, 'force-unlocked');
    const store = await a.records.get()?.open();
    assert.ok(store);
    const broke = await eventually(() => store.db.exec(`SELECT by, previous_holder, reason FROM lock_history WHERE action = 'force-unlocked' AND lock_id = ?`, [stale])[0]?.values[0], 5_000, 'the force-unlock in the record');
    assert.deepEqual(broke, ['Flightdeck Test <test@flightdeck.invalid>', 'Grace Hopper <other@flightdeck.invalid>', 'Grace is on holiday']);

    const terminal = vscode.window.createTerminal({ name: 'deploy-test', cwd: workspaceRoot(), shellPath: '/bin/bash' });
    const integration = terminal.shellIntegration ?? (await nextEvent(vscode.window.onDidChangeTerminalShellIntegration, (e) => e.terminal === terminal, 20_000, 'shell integration')).shellIntegration;
    const judged = nextEvent(a.deploy.guard.onDidJudge, (j) => j.name.includes('kubectl'), 15_000, 'the terminal deploy judged');
    integration.executeCommand('kubectl apply -f k8s/ --token=sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123456789');
    const j = await judged;
    assert.equal(j.action, 'flagged');
    assert.equal(j.match.pattern, 'kubectl apply');
    const flagged = await recorded(a, 'deploy.terminal', (d) => d.action === 'flagged');
    assert.equal(flagged.terminal, 'deploy-test');
    assert.doesNotMatch(String(flagged.command), /abcdefghijklmnopqrstuvwxyz0123456789/, 'the secret is redacted');
    terminal.dispose();
  }, 90_000);
}
