import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { InstallResult } from '../../../src/core/gates/gitHooks';
import { readGateState } from '../../../src/core/gates/state';
import { test } from './harness';
import { workspaceRoot } from './workspace';

/** `Flightdeck: Install git hooks` in a trusted workspace. */
export function registerGitHooksTests(): void {
  test('the extension keeps the gates\' state beside the record, for the hooks to read with VS Code closed', async () => {
    // The record was opened for writing by the earlier tests: its gates.json is there, and the hooks' reader follows it.
    const dir = join(workspaceRoot(), '.git', 'flightdeck');
    const state = JSON.parse(readFileSync(join(dir, 'gates.json'), 'utf8')) as { flightdeck: string };
    assert.equal(state.flightdeck, 'gates');
    const read = readGateState(dir, Date.now(), false);
    assert.ok(read.ok, read.ok ? '' : read.why);
  });

  test('Install git hooks keeps the pre-push hook already there, and the installed hook runs flightdeck check-push', async () => {
    const hooks = join(workspaceRoot(), '.git', 'hooks');
    const theirs = '#!/bin/sh\ncat > /dev/null\nexit 0\n';
    writeFileSync(join(hooks, 'pre-push'), theirs);
    chmodSync(join(hooks, 'pre-push'), 0o755);
    try {
      const r = await vscode.commands.executeCommand<InstallResult | undefined>('flightdeck.installGitHooks');
      assert.ok(r?.changed, 'installed');
      assert.equal(readFileSync(join(hooks, 'pre-push.flightdeck-chained'), 'utf8'), theirs);
      const ours = readFileSync(join(hooks, 'pre-push'), 'utf8');
      assert.match(ours, /# flightdeck pre-push hook/);
      assert.match(ours, /dist\/cli\.js' check-push "\$@"/);
      assert.ok((statSync(join(hooks, 'pre-push')).mode & 0o111) !== 0, 'executable');
      // Run as git would, for a push to a feature branch: the chained hook and check-push both let it go.
      const sha = 'a'.repeat(40);
      const run = spawnSync('sh', [join(hooks, 'pre-push'), 'origin', '/nowhere'], { cwd: workspaceRoot(), input: `refs/heads/x ${sha} refs/heads/feature ${'0'.repeat(40)}\n`, encoding: 'utf8' });
      assert.equal(run.status, 0, run.stderr);
      const again = await vscode.commands.executeCommand<InstallResult | undefined>('flightdeck.installGitHooks');
      assert.equal(again?.changed, false, 'installing twice changes nothing');
    } finally {
      rmSync(join(hooks, 'pre-push'), { force: true });
      if (existsSync(join(hooks, 'pre-push.flightdeck-chained'))) rmSync(join(hooks, 'pre-push.flightdeck-chained'));
    }
  });
}
