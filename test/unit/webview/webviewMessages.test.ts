import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseQuery, parseWebviewMessage } from '../../../src/webviewMessages';

test('only the typed messages from the webview are accepted, with their fields checked', () => {
  assert.deepEqual(parseWebviewMessage({ type: 'action', action: 'recordNote' }), { type: 'action', action: 'recordNote' });
  for (const bad of [null, 'ready', 42, {}, { type: 'action', action: 'rm -rf' }, { type: 'openSession', id: '' }, { type: 'openSession', id: 'x'.repeat(300) },
    { type: 'openFile', sessionId: 's', path: 7 }, { type: 'querySessions', query: { text: 'x', status: 'all', file: '', limit: 0 } }, { type: 'eval', code: '1' }]) {
    assert.equal(parseWebviewMessage(bad), undefined, JSON.stringify(bad));
  }
  assert.deepEqual(parseWebviewMessage({ type: 'openFile', sessionId: 's', path: 'api/signup.ts', extra: '<script>' }), { type: 'openFile', sessionId: 's', path: 'api/signup.ts' });
});

test('a session query is bounded: known status, short strings, a page of at most 10,000', () => {
  assert.deepEqual(parseQuery({ text: 'signup', status: 'failed', file: 'api/', limit: 70 }), { text: 'signup', status: 'failed', file: 'api/', agent: '', limit: 70 });
  assert.equal(parseQuery({ text: '', status: 'all', file: '', agent: 'codex', limit: 20 })?.agent, 'codex', 'an agent the board knows');
  assert.equal(parseQuery({ text: '', status: 'all', file: '', agent: 'toString', limit: 20 }), undefined, 'only the agents the board names');
  assert.equal(parseQuery({ text: 'x', status: 'everything', file: '', limit: 20 }), undefined);
  assert.equal(parseQuery({ text: 'x'.repeat(501), status: 'all', file: '', limit: 20 }), undefined);
  assert.equal(parseQuery({ text: '', status: 'all', file: '', limit: 2.5 }), undefined);
  assert.equal(parseQuery({ text: '', status: 'all', file: '', limit: 1e9 })?.limit, 10_000);
  assert.deepEqual(parseWebviewMessage({ type: 'ready' }), { type: 'ready', query: undefined });
  assert.deepEqual(parseWebviewMessage({ type: 'ready', query: { text: 'a', status: 'all', file: '', limit: 20 } })?.type, 'ready');
});

test('review messages from the board: a known action on a review id, a concern\'s path and a whole line only', () => {
  assert.deepEqual(parseWebviewMessage({ type: 'reviewAction', action: 'override', reviewId: 'rev-1' }), { type: 'reviewAction', action: 'override', reviewId: 'rev-1' });
  assert.deepEqual(parseWebviewMessage({ type: 'action', action: 'requestReview' }), { type: 'action', action: 'requestReview' });
  for (const bad of [{ type: 'reviewAction', action: 'delete', reviewId: 'rev-1' }, { type: 'reviewAction', action: 'resolve', reviewId: '' },
    { type: 'openConcern', path: '' }, { type: 'openConcern', path: 7, line: 3 }]) {
    assert.equal(parseWebviewMessage(bad), undefined, JSON.stringify(bad));
  }
  assert.deepEqual(parseWebviewMessage({ type: 'openConcern', path: 'db/m.rb', line: 2 }), { type: 'openConcern', path: 'db/m.rb', line: 2 });
  assert.deepEqual(parseWebviewMessage({ type: 'openConcern', path: 'db/m.rb', line: -4 }), { type: 'openConcern', path: 'db/m.rb', line: undefined });
  assert.deepEqual(parseWebviewMessage({ type: 'openConcern', path: 'db/m.rb', line: 1.5 }), { type: 'openConcern', path: 'db/m.rb', line: undefined });
});

test('the Insights section says only whether it is open', () => {
  assert.deepEqual(parseWebviewMessage({ type: 'insights', open: true, window: 1e9 }), { type: 'insights', open: true });
  assert.deepEqual(parseWebviewMessage({ type: 'insights', open: false }), { type: 'insights', open: false });
  for (const bad of [{ type: 'insights' }, { type: 'insights', open: 'yes' }, { type: 'insights', open: 1 }]) assert.equal(parseWebviewMessage(bad), undefined, JSON.stringify(bad));
});
