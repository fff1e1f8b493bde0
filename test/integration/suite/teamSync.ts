import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as vscode from 'vscode';
import type { FlightdeckApi } from '../../../src/extension';
import { boardSessions } from '../../../src/core/report/boardState';
import type { SyncResult } from '../../../src/core/team/sync';
import { test } from './harness';
import { EXTENSION_ID, workspaceRoot } from './workspace';

const run = promisify(execFile);
const cli = (): string => join(process.env.FLIGHTDECK_REPO_ROOT ?? join(__dirname, '..', '..'), 'dist', 'cli.js');
const git = async (cwd: string, ...args: string[]): Promise<string> => (await run('git', args, { cwd })).stdout.trim();
const MATE = { GIT_CONFIG_COUNT: '2', GIT_CONFIG_KEY_0: 'user.name', GIT_CONFIG_VALUE_0: 'Mate', GIT_CONFIG_KEY_1: 'user.email', GIT_CONFIG_VALUE_1: 'mate@flightdeck.invalid' };

/** The CLI in a teammate's clone, as the teammate. */
async function mate(clone: string, args: string[], input?: string): Promise<string> {
  const child = execFile(process.execPath, [cli(), ...args, '--repo', clone], { env: { ...process.env, ELECTRON_RUN_AS_NODE: '1', ...MATE } });
  child.stdin?.end(input ?? '');
  let out = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? -1)));
  assert.equal(code, 0, `flightdeck ${args.join(' ')}: ${out}`);
  return out;
}

async function api(): Promise<FlightdeckApi> {
  const ext = vscode.extensions.getExtension<FlightdeckApi>(EXTENSION_ID);
  assert.ok(ext);
  return ext.activate();
}

/** Sync team record in a trusted window: a teammate's session comes in with its author; an unreachable remote is said. */
export function registerTeamSyncTests(): void {
  test('Sync team record brings a teammate\'s session onto the board with its author; an unreachable remote is reported, work goes on', async () => {
    const a = await api();
    const root = workspaceRoot();
    const tmp = mkdtempSync(join(tmpdir(), 'fd-team-it-'));
    const config = vscode.workspace.getConfiguration('flightdeck');
    try {
      const bare = join(tmp, 'team.git');
      await git(tmp, 'init', '-q', '--bare', bare);
      const clone = join(tmp, 'mate');
      await git(tmp, 'clone', '-q', bare, clone);
      await mate(clone, ['hook', 'SessionStart'], JSON.stringify({ session_id: 'mate-session-0001', cwd: clone, hook_event_name: 'SessionStart', source: 'startup' }));
      await mate(clone, ['decide', 'Teammate decided: retries stay at three']);
      assert.match(await mate(clone, ['sync']), /Shared \d+ of your events/);

      if (!(await git(root, 'config', 'user.email').catch(() => ''))) await git(root, 'config', 'user.email', 'tester@flightdeck.invalid');
      await git(root, 'remote', 'add', 'fdteam', bare);
      await config.update('team.remote', 'fdteam', vscode.ConfigurationTarget.Workspace);
      await config.update('team.sync', true, vscode.ConfigurationTarget.Workspace); // turned on: the command does not ask
      const result = await vscode.commands.executeCommand<SyncResult | undefined>('flightdeck.syncTeamRecord');
      assert.ok(result, `synced (${a.teamSync.last?.error ?? ''})`);
      assert.ok(result.imported >= 2, `the teammate's events came in: ${JSON.stringify(result)}`);
      assert.deepEqual(result.teammates.map((t) => t.author), ['mate@flightdeck.invalid']);
      const store = await a.records.get()?.open();
      assert.ok(store);
      const theirs = boardSessions(store.db).find((s) => s.id === 'mate-session-0001');
      assert.equal(theirs?.author, 'mate@flightdeck.invalid', 'on the board with its author');
      const mine = await git(root, 'config', 'user.email');
      assert.match(await git(bare, 'for-each-ref', '--format=%(refname)'), new RegExp(`refs/flightdeck/records/${mine.toLowerCase().replace(/[.+]/g, '\\$&')}`), 'ours went up');

      await git(root, 'remote', 'set-url', 'fdteam', join(tmp, 'gone.git'));
      const failed = await vscode.commands.executeCommand<SyncResult | undefined>('flightdeck.syncTeamRecord');
      assert.equal(failed, undefined);
      assert.match(a.teamSync.last?.error ?? '', /cannot reach the remote "fdteam" to sync the team record/);
      const note = await vscode.commands.executeCommand<string | undefined>('flightdeck.recordNote', 'still recording while the remote is gone');
      assert.ok(note, 'work goes on');
    } finally {
      await config.update('team.sync', undefined, vscode.ConfigurationTarget.Workspace);
      await config.update('team.remote', undefined, vscode.ConfigurationTarget.Workspace);
      await git(root, 'remote', 'remove', 'fdteam').catch(() => '');
      rmSync(tmp, { recursive: true, force: true });
    }
  }, 60_000);
}
