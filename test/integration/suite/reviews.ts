import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as vscode from 'vscode';
import type { FlightdeckApi } from '../../../src/extension';
import { gateOverride, readGateState } from '../../../src/core/gates/state';
import type { ReviewChangesResult } from '../../../src/core/review/reviewChanges';
import { openReviews, reviewById } from '../../../src/core/review/reviewQueries';
import { messagesServer } from '../../unit/review/messagesServer';
import { eventually, test } from './harness';
import { EXTENSION_ID, workspaceRoot } from './workspace';

let api: FlightdeckApi;

const MIGRATION = 'db/migrate/20260301120000_add_expires_at.rb';
const AUTH = 'app/auth/session_policy.rb';
const uriOf = (rel: string): vscode.Uri => vscode.Uri.file(join(workspaceRoot(), rel));

function write(rel: string, text: string): void {
  mkdirSync(dirname(join(workspaceRoot(), rel)), { recursive: true });
  writeFileSync(join(workspaceRoot(), rel), text);
}

/** Flightdeck's diagnostics on a file, by 0-based line. */
const flightdeckDiagnostics = (rel: string): vscode.Diagnostic[] =>
  vscode.languages.getDiagnostics(uriOf(rel)).filter((d) => d.source?.startsWith('Flightdeck'));

async function store() {
  const s = await api.records.get()?.open();
  assert.ok(s);
  return s;
}

/** Reviews in the editor: diagnostics on the right lines, quick fixes, badges, the override flow, re-review, the key. */
export function registerReviewTests(): void {
  test('reviews: the extension is active', async () => {
    api = await (vscode.extensions.getExtension<FlightdeckApi>(EXTENSION_ID) as vscode.Extension<FlightdeckApi>).activate();
    // Automatic reviews are tested on their own below; here each review is asked for.
    await vscode.workspace.getConfiguration('flightdeck.review').update('automatic', 'off', vscode.ConfigurationTarget.Workspace);
  });

  test('Request review puts each concern on its exact line, as a warning in advisory mode, with the rule as its code', async () => {
    write(AUTH, 'class SessionPolicy\n  def active?(session)\n    true\n  end\nend\n');
    write(MIGRATION, 'class AddExpiresAt < ActiveRecord::Migration[7.1]\n  def up\n    add_column :sessions, :expires_at, :datetime\n  end\nend\n');
    const result = await vscode.commands.executeCommand<ReviewChangesResult | undefined>('flightdeck.requestReview');
    assert.equal(result?.kind, 'reviewed');
    assert.ok(result?.kind === 'reviewed');
    assert.equal(result.outcome.status, 'concerns');
    const noDown = await eventually(() => flightdeckDiagnostics(MIGRATION).find((d) => d.code === 'migration-without-down'), 5_000, 'the migration\'s concern');
    assert.equal(noDown.range.start.line, 1, '`def up` is line 2');
    assert.equal(noDown.source, 'Flightdeck rules');
    assert.equal(noDown.severity, vscode.DiagnosticSeverity.Warning);
    assert.match(noDown.message, /no way back/i);
    // Every diagnostic is one of the review's concerns, on the line it names.
    const concerns = result.outcome.verdicts.flatMap((v) => v.concerns);
    for (const d of [...flightdeckDiagnostics(MIGRATION), ...flightdeckDiagnostics(AUTH)]) {
      assert.ok(concerns.some((c) => c.rule === d.code && (c.line ?? 1) - 1 === d.range.start.line), `${String(d.code)} at ${d.range.start.line}`);
    }
    const auth = flightdeckDiagnostics(AUTH).filter((d) => d.code === 'auth-change-without-test');
    assert.deepEqual(auth.map((d) => d.range.start.line), [0], 'a new file\'s first line');
    // Nothing on files with no concern.
    assert.equal(flightdeckDiagnostics('README.md').length, 0);
  });

  test('a concern\'s diagnostic offers "Override with reason…" and "Re-review"; the explorer badges the file', async () => {
    const d = flightdeckDiagnostics(MIGRATION).find((x) => x.code === 'migration-without-down');
    assert.ok(d);
    await vscode.window.showTextDocument(uriOf(MIGRATION));
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uriOf(MIGRATION), d.range);
    const ours = actions.filter((a) => a.title === 'Override with reason…' || a.title === 'Re-review');
    assert.deepEqual(ours.map((a) => a.title).sort(), ['Override with reason…', 'Re-review']);
    const open = openReviews((await store()).db);
    assert.deepEqual(ours.find((a) => a.title === 'Override with reason…')?.command?.arguments, [{ reviewId: open[0]?.id }]);
    // Re-review, run as the quick fix runs it: a new review of the change takes the place of the one shown.
    const again = ours.find((a) => a.title === 'Re-review')?.command;
    assert.ok(again);
    const rerun = await vscode.commands.executeCommand<ReviewChangesResult | undefined>(again.command, ...(again.arguments ?? []));
    assert.ok(rerun?.kind === 'reviewed', 'the change reviewed again');
    const reopened = openReviews((await store()).db);
    assert.ok(!reopened.some((r) => r.id === open[0]?.id), 'the review it was run from is superseded');
    assert.equal(reviewById((await store()).db, open[0]?.id ?? '')?.status, 'resolved');
    const fresh = reopened[0]?.id;
    await eventually(() => (api.diagnostics.concernsAt(uriOf(MIGRATION)).some((c) => c.reviewId === fresh) ? true : undefined), 5_000, 'the concern shown from the new review');
    const badge = api.decorations.provideFileDecoration(uriOf(MIGRATION));
    assert.equal(badge?.badge, '!');
    const n = flightdeckDiagnostics(MIGRATION).length;
    assert.match(badge?.tooltip ?? '', new RegExp(`risky change \\([^)]*migrations[^)]*\\) · ${n} open concerns?`));
    // A risky file with no concern of its own gets the quieter badge; an ordinary file none.
    // Saved from the editor: the save re-classifies the file.
    await vscode.workspace.fs.writeFile(uriOf('app/auth/helpers.rb'), Buffer.from('module AuthHelpers\nend\n'));
    const doc = await vscode.workspace.openTextDocument(uriOf('app/auth/helpers.rb'));
    const edit = new vscode.WorkspaceEdit();
    edit.insert(doc.uri, new vscode.Position(1, 0), '  def signed_in?; end\n');
    await vscode.workspace.applyEdit(edit);
    assert.ok(await doc.save());
    const quiet = await eventually(() => api.decorations.provideFileDecoration(uriOf('app/auth/helpers.rb')), 5_000, 'a badge on the newly risky file');
    assert.equal(quiet.badge, 'R');
    assert.match(quiet.tooltip ?? '', /auth/);
    assert.equal(api.decorations.provideFileDecoration(uriOf('README.md')), undefined);
    // Gone from the change, gone from the explorer.
    const remove = new vscode.WorkspaceEdit();
    remove.deleteFile(uriOf('app/auth/helpers.rb'));
    assert.ok(await vscode.workspace.applyEdit(remove));
    await eventually(() => (api.decorations.provideFileDecoration(uriOf('app/auth/helpers.rb')) ? undefined : true), 5_000, 'the badge gone with the file');
  });

  test('enforce mode in the policy turns the concerns into errors', async () => {
    write('.flightdeck/policy.json', JSON.stringify({ version: 1, mode: 'enforce' }, null, 2));
    await eventually(() => (flightdeckDiagnostics(MIGRATION)[0]?.severity === vscode.DiagnosticSeverity.Error ? true : undefined), 10_000, 'an error in enforce mode');
    write('.flightdeck/policy.json', JSON.stringify({ version: 1, mode: 'advisory' }, null, 2));
    await eventually(() => (flightdeckDiagnostics(MIGRATION)[0]?.severity === vscode.DiagnosticSeverity.Warning ? true : undefined), 10_000, 'a warning again in advisory mode');
  });

  test('Override gate… refuses a reason that says nothing, and records one that does with who, when and the expiry', async () => {
    const s = await store();
    const review = openReviews(s.db)[0];
    assert.ok(review);
    const refused = await vscode.commands.executeCommand<string | undefined>('flightdeck.overrideGate', { reviewId: review.id, reason: 'ok', expiry: 'none' });
    assert.equal(refused, undefined);
    assert.equal(reviewById(s.db, review.id)?.status, 'concerns');
    const reason = 'migration is applied by hand on staging first, rollback script tested';
    const before = Date.now();
    const id = await vscode.commands.executeCommand<string | undefined>('flightdeck.overrideGate', { reviewId: review.id, reason, expiry: '1h' });
    assert.ok(id);
    const after = reviewById(s.db, review.id);
    assert.equal(after?.status, 'overridden');
    assert.equal(after?.override?.reason, reason);
    assert.match(after?.override?.by ?? '', /\S/);
    const expires = after?.override?.expiresAt ?? 0;
    assert.ok(expires >= before + 3_600_000 - 1000 && expires <= Date.now() + 3_600_000, 'an hour from now');
    // Its concerns leave the editor; the export shows the override.
    await eventually(() => (flightdeckDiagnostics(MIGRATION).length === 0 ? true : undefined), 5_000, 'the concerns cleared');
    const html = await vscode.commands.executeCommand<vscode.Uri>('flightdeck.openDashboard', vscode.Uri.file(join(workspaceRoot(), '.git', 'flightdeck-review-dashboard.html')));
    assert.ok(readFileSync(html.fsPath, 'utf8').includes(reason));
  });

  test('Override gate… overrides the push gate itself: recorded with who, why and until when, and honoured by the hooks\' gate state', async () => {
    const s = await store();
    const overrides = (): number => Number(s.db.exec(`SELECT count(*) FROM events WHERE kind = 'override.recorded'`)[0]?.values[0]?.[0] ?? 0);
    const reason = 'hotfix for the outage, verified on staging';
    const was = overrides();
    assert.equal(await vscode.commands.executeCommand('flightdeck.overrideGate', { gate: 'main', reason, expiry: '1h' }), undefined, 'no such gate');
    assert.equal(await vscode.commands.executeCommand('flightdeck.overrideGate', { gate: 'push', reason: 'ok', expiry: '1h' }), undefined, 'a reason that says nothing');
    assert.equal(overrides(), was, 'nothing recorded for either');
    const before = Date.now();
    const id = await vscode.commands.executeCommand<string | undefined>('flightdeck.overrideGate', { gate: 'push', reason, expiry: '1h' });
    assert.ok(id);
    const [kind, data] = s.db.exec('SELECT kind, data FROM events WHERE id = ?', [id])[0]?.values[0] ?? [];
    assert.equal(kind, 'override.recorded');
    const event = JSON.parse(String(data)) as { gate?: string; reviewId?: string; reason?: string; by?: string; expiresAt?: number };
    assert.equal(event.gate, 'push');
    assert.equal(event.reviewId, undefined, 'the gate, not a review');
    assert.equal(event.reason, reason);
    assert.match(event.by ?? '', /\S/);
    const expires = event.expiresAt ?? 0;
    assert.ok(expires >= before + 3_600_000 - 1000 && expires <= Date.now() + 3_600_000, 'an hour from now');
    // What git's pre-push hook and the Claude Code hook read: gates.json and the journal after it.
    const read = readGateState(join(workspaceRoot(), '.git', 'flightdeck'), Date.now(), false);
    assert.ok(read.ok, read.ok ? '' : read.why);
    const push = gateOverride(read.state, 'push', Date.now());
    assert.equal(push?.id, id);
    assert.equal(push?.until, expires);
    assert.equal(push?.reason, reason);
    assert.equal(push?.by, event.by);
    assert.equal(gateOverride(read.state, 'deploy', Date.now()), undefined, 'only the gate picked');
    // The dashboard's overrides show its reason.
    const html = await vscode.commands.executeCommand<vscode.Uri>('flightdeck.openDashboard', vscode.Uri.file(join(workspaceRoot(), '.git', 'flightdeck-gate-dashboard.html')));
    assert.ok(readFileSync(html.fsPath, 'utf8').includes(reason));
  });

  test('a risky file saved in the editor is reviewed again by itself once quiet: the migration with a way back loses its concern', async () => {
    await vscode.workspace.getConfiguration('flightdeck.review').update('quietSeconds', 1, vscode.ConfigurationTarget.Workspace);
    await vscode.workspace.getConfiguration('flightdeck.review').update('automatic', 'rules', vscode.ConfigurationTarget.Workspace);
    const s = await store();
    const before = new Set(openReviews(s.db).map((r) => r.id));
    const doc = await vscode.workspace.openTextDocument(uriOf(MIGRATION));
    const edit = new vscode.WorkspaceEdit();
    edit.insert(doc.uri, new vscode.Position(4, 0), '\n  def down\n    remove_column :sessions, :expires_at\n  end\n');
    assert.ok(await vscode.workspace.applyEdit(edit));
    assert.ok(await doc.save());
    const next = await eventually(() => openReviews(s.db).find((r) => !before.has(r.id)), 20_000, 'an automatic review of the new change');
    assert.equal(next.engines.map((e) => e.engine).join(), 'rules', 'an automatic review runs the rules only');
    assert.ok(!next.concerns.some((c) => c.rule === 'migration-without-down'), 'the way back is seen');
    assert.ok(next.concerns.some((c) => c.rule === 'auth-change-without-test'));
    await eventually(() => (flightdeckDiagnostics(AUTH).length >= 1 && !flightdeckDiagnostics(MIGRATION).some((d) => d.code === 'migration-without-down') ? true : undefined), 5_000, 'diagnostics of the new review');
  }, 40_000);

  test('Claude Code ending a turn (its Stop hook in the record) reviews the agent\'s new change at once', async () => {
    await vscode.workspace.getConfiguration('flightdeck.review').update('quietSeconds', 3600, vscode.ConfigurationTarget.Workspace);
    const s = await store();
    const before = new Set(openReviews(s.db).map((r) => r.id));
    // The agent writes on disk, outside the editor, then its turn ends.
    write(AUTH, 'class SessionPolicy\n  def active?(session)\n    session.present?\n  end\nend\n');
    const cli = join(process.env.FLIGHTDECK_REPO_ROOT ?? join(__dirname, '..', '..'), 'dist', 'cli.js');
    execFileSync(process.execPath, [cli, 'hook', 'Stop'], {
      input: JSON.stringify({ session_id: 'integration-session-0001', cwd: workspaceRoot(), hook_event_name: 'Stop' }),
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    });
    const next = await eventually(() => openReviews(s.db).find((r) => !before.has(r.id)), 20_000, 'a review after the Stop hook');
    assert.ok(next.concerns.some((c) => c.rule === 'auth-change-without-test'));
    await vscode.workspace.getConfiguration('flightdeck.review').update('automatic', 'off', vscode.ConfigurationTarget.Workspace);
  }, 40_000);

  test('Mark review resolved closes it, recorded with who did', async () => {
    const s = await store();
    const review = openReviews(s.db)[0];
    assert.ok(review);
    const id = await vscode.commands.executeCommand<string | undefined>('flightdeck.markReviewResolved', review.id);
    assert.ok(id);
    assert.equal(reviewById(s.db, review.id)?.status, 'resolved');
    await eventually(() => (api.diagnostics.concernsAt(uriOf(AUTH)).every((c) => c.reviewId !== review.id) ? true : undefined), 5_000, 'the resolved review\'s diagnostics cleared');
    assert.equal(flightdeckDiagnostics(AUTH).length, api.diagnostics.concernsAt(uriOf(AUTH)).length, 'what is shown is what is open');
  });

  test('with a key in SecretStorage a requested review asks Anthropic too; the key is sent, never recorded', async () => {
    const KEY = 'sk-ant-integration-0123456789abcdef';
    const server = await messagesServer([{ kind: 'tool', input: { verdict: 'concerns', concerns: [{ file: AUTH, line: 3, severity: 'high', title: 'Every session is active', explanation: 'active? returns true, so idle sessions never expire.' }] } }]);
    try {
      // A repository's settings cannot point the key elsewhere: the base URL is the user's (or machine's) setting only.
      await assert.rejects(Promise.resolve(vscode.workspace.getConfiguration('flightdeck.review').update('baseUrl', server.url, vscode.ConfigurationTarget.Workspace)));
      await vscode.workspace.getConfiguration('flightdeck.review').update('baseUrl', server.url, vscode.ConfigurationTarget.Global);
      assert.equal(await vscode.commands.executeCommand('flightdeck.setApiKey', KEY), true);
      write(AUTH, 'class SessionPolicy\n  def active?(session)\n    true # always\n  end\nend\n');
      const result = await vscode.commands.executeCommand<ReviewChangesResult | undefined>('flightdeck.requestReview');
      assert.ok(result?.kind === 'reviewed');
      assert.deepEqual(result.outcome.verdicts.map((v) => v.engine).sort(), ['anthropic', 'rules']);
      const sent = server.received[0]?.headers;
    assert.equal(sent?.['x-api-key'] ?? sent?.authorization?.replace(/^Bearer /, ''), KEY);
      const model = await eventually(() => flightdeckDiagnostics(AUTH).find((d) => d.source === 'Flightdeck anthropic'), 5_000, 'the model\'s concern');
      assert.equal(model.range.start.line, 2);
      const journal = readFileSync(join(workspaceRoot(), '.git', 'flightdeck', 'journal.jsonl'), 'utf8');
      assert.ok(!journal.includes(KEY), 'the key is nowhere in the record');
      assert.equal(await vscode.commands.executeCommand('flightdeck.clearApiKey'), true);
    } finally {
      await vscode.workspace.getConfiguration('flightdeck.review').update('baseUrl', undefined, vscode.ConfigurationTarget.Global);
      await server.close();
    }
  });

  test('reviews: the workspace is left as it was', async () => {
    execFileSync('git', ['clean', '-fdq', '--', 'app', 'db', '.flightdeck'], { cwd: workspaceRoot() });
    for (const key of ['automatic', 'quietSeconds']) await vscode.workspace.getConfiguration('flightdeck.review').update(key, undefined, vscode.ConfigurationTarget.Workspace);
  });
}
