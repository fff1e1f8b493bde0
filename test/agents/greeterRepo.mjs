// The small repository both agents work in: a greeter whose test fails, one commit, on a feature branch,
// with a git identity and HOME of its own.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const FILES = {
  'package.json': JSON.stringify({ name: 'greeter', version: '1.0.0', private: true, scripts: { test: 'node --test' } }, null, 2) + '\n',
  'src/greet.js': "function greet(name) {\n  return 'Hello ' + name;\n}\n\nmodule.exports = { greet };\n",
  'test/greet.test.js': "const test = require('node:test');\nconst assert = require('node:assert');\nconst { greet } = require('../src/greet');\n\n"
    + "test('greets by name', () => {\n  assert.strictEqual(greet('Ada'), 'Hello, Ada!');\n});\n",
};

/** Runs git in `cwd` as the test's own user; its trimmed output, or an error with what git said. */
export function gitAs(home) {
  const env = {
    PATH: process.env.PATH, HOME: home, GIT_CONFIG_NOSYSTEM: '1',
    GIT_AUTHOR_NAME: 'Ada Tester', GIT_AUTHOR_EMAIL: 'ada@example.com', GIT_COMMITTER_NAME: 'Ada Tester', GIT_COMMITTER_EMAIL: 'ada@example.com',
  };
  return (cwd, ...args) => {
    const r = spawnSync('git', args, { cwd, encoding: 'utf8', env });
    if (r.status !== 0) throw new Error(`git ${args.join(' ')} failed: ${r.stderr}`);
    return r.stdout.trim();
  };
}

/** Writes the greeter into `repo`, commits it on main and switches to `branch`; returns HEAD. */
export function makeGreeterRepo(repo, git, branch) {
  for (const [path, text] of Object.entries(FILES)) {
    mkdirSync(dirname(join(repo, path)), { recursive: true });
    writeFileSync(join(repo, path), text);
  }
  git(repo, 'init', '-q', '-b', 'main');
  git(repo, 'add', '.');
  git(repo, 'commit', '-q', '-m', 'Greeter with a failing test');
  git(repo, 'checkout', '-q', '-b', branch);
  return git(repo, 'rev-parse', 'HEAD');
}
