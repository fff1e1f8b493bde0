import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers/tmp';
import { claudeCandidates, probeClaude } from '../../../src/core/capture/claudeProbe';

/** A fake `claude` that runs `body` as a shell script. */
function fakeClaude(dir: string, body: string): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'claude');
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

test('claude is looked for on PATH first, then where its installers put it, each real file once', (t) => {
  const root = tempDir(t);
  const home = join(root, 'home');
  const onPath = fakeClaude(join(root, 'bin'), 'echo "2.0.58 (Claude Code)"');
  const native = fakeClaude(join(home, '.local', 'bin'), 'echo "2.1.0 (Claude Code)"');
  const local = fakeClaude(join(home, '.claude', 'local'), 'echo "1.0.90 (Claude Code)"');
  mkdirSync(join(root, 'links'));
  symlinkSync(onPath, join(root, 'links', 'claude'));
  const env = { PATH: [join(root, 'empty'), join(root, 'bin'), join(root, 'links')].join(':') };
  assert.deepEqual(claudeCandidates({ env, home, platform: 'linux' }), [onPath, native, local]);
  assert.deepEqual(claudeCandidates({ env: { PATH: '' }, home, platform: 'linux' }), [native, local]);
  assert.deepEqual(claudeCandidates({ env: { PATH: '' }, home: join(root, 'nobody'), platform: 'linux' }), []);
});

test('the first claude that answers gives the version; one that fails or hangs is passed over, saying why', async (t) => {
  const root = tempDir(t);
  const home = join(root, 'home');
  const broken = fakeClaude(join(root, 'broken'), 'echo "boom" >&2; exit 3');
  const hangs = fakeClaude(join(root, 'hangs'), 'exec /bin/sleep 30');
  const chatty = fakeClaude(join(root, 'chatty'), 'echo "hello"');
  const good = fakeClaude(join(home, '.local', 'bin'), 'echo "2.0.47 (Claude Code)"');
  const env = { PATH: [join(root, 'broken'), join(root, 'hangs'), join(root, 'chatty')].join(':') };
  const r = await probeClaude({ env, home, platform: 'linux', timeoutMs: 300 });
  assert.equal(r.version, '2.0.47');
  assert.equal(r.path, good);
  assert.deepEqual(r.tried.map((x) => x.path), [broken, hangs, chatty, good]);
  assert.match(r.tried[0]?.problem ?? '', /failed|exit|3/i);
  assert.match(r.tried[1]?.problem ?? '', /no answer within 300 ms/);
  assert.match(r.tried[2]?.problem ?? '', /printed no version: "hello"/);
  assert.equal(r.tried[3]?.problem, undefined);
});

test('no claude anywhere: no version, nothing tried, no error', async (t) => {
  const root = tempDir(t);
  const r = await probeClaude({ env: { PATH: join(root, 'bin') }, home: root, platform: 'linux' });
  assert.deepEqual(r, { tried: [] });
});
