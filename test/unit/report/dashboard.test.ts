import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { escapeHtml, renderDashboard } from '../../../src/core/report/dashboard';
import { RecordStore } from '../../../src/core/record/store';
import { gitRepo, tempDir } from '../helpers/tmp';

const HOSTILE = ['<img src=x onerror=alert(1)>', '</script><script>alert(2)</script>', '"><a href="javascript:alert(3)">x</a>', "'; DROP TABLE events; --"];

test('every string from the record reaches the dashboard as inert text', async (t) => {
  const store = await RecordStore.open(tempDir(t));
  const huge = 'A'.repeat(10 << 20);
  store.append([
    { kind: 'session.started', session: 'h1', at: 1_700_000_000_000, data: { agent: HOSTILE[0], branch: HOSTILE[1], cwd: '/repo' } },
    { kind: 'prompt.submitted', session: 'h1', at: 1_700_000_000_001, data: { text: HOSTILE.join(' ') + huge, followUp: false } },
    { kind: 'tool.called', session: 'h1', at: 1_700_000_000_002, data: { toolUseId: 'x', tool: 'Bash', command: HOSTILE[2], check: 'test' } },
    { kind: 'tool.result', session: 'h1', at: 1_700_000_000_003, data: { toolUseId: 'x', tool: 'Bash', command: HOSTILE[2], outcome: 'error', exitCode: 1 } },
    { kind: 'file.changed', session: 'h1', at: 1_700_000_000_004, data: { path: `/repo/${HOSTILE[3]}.ts`, change: 'created' } },
  ]);
  const html = renderDashboard(store.db, { title: HOSTILE[1] as string });
  assert.ok(!/<img|<script>|<a href="javascript/i.test(html.replace(/<meta[^>]+>/, '')), 'no markup from the record');
  assert.ok(html.includes('&lt;img src=x onerror=alert(1)&gt;'));
  assert.ok(html.includes('&lt;/script&gt;&lt;script&gt;alert(2)&lt;/script&gt;'));
  assert.ok(html.includes('&#39;; DROP TABLE events; --.ts (created)'));
  assert.ok(html.includes(huge.slice(0, 1000)), 'a 10 MB prompt is kept, as text');
  assert.equal((html.match(/<script/gi) ?? []).length, 0);
  assert.match(html, /Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'"/);
  store.close();
});

test('escapeHtml covers the five characters that matter', () => {
  assert.equal(escapeHtml(`<a href="x" title='y'>&</a>`), '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
});

test('flightdeck dashboard --out writes one self-contained file', (t) => {
  const repo = gitRepo(t);
  const cli = join(__dirname, '..', '..', '..', 'dist', 'cli.js');
  const hook = spawnSync(process.execPath, [cli, 'hook', 'PreToolUse'], { input: JSON.stringify({ session_id: 'd1', cwd: repo, tool_name: 'Bash', tool_input: { command: 'npm test' }, tool_use_id: 't' }), encoding: 'utf8' });
  assert.equal(hook.status, 0);
  const out = join(tempDir(t), 'dash.html');
  const r = spawnSync(process.execPath, [cli, 'dashboard', '--out', out], { cwd: repo, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const html = readFileSync(out, 'utf8');
  assert.match(html, /<h1>Flight record of fd-repo-/);
  assert.match(html, /npm test/);
  assert.doesNotMatch(html, /(src|href)="(https?:)?\/\//, 'nothing is fetched from the network');
  const missing = spawnSync(process.execPath, [cli, 'dashboard'], { cwd: repo, encoding: 'utf8' });
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /dashboard wants a file to write/);
});
