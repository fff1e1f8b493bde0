// The repository both agents meet the gates in: an auth change that makes sessions never expire, committed
// and pushed before, reviewed (concerns open) in enforce mode, with a local bare remote to push to.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Makes the repository at `repo` with its remote at `remote`; its helpers, the remote's main and the review. */
export function makeGatedRepo({ repo, remote, tmpRoot, env, cli }) {
  const run = (cmd, args, cwd = repo) => {
    const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env });
    return { code: r.status, out: r.stdout, err: r.stderr };
  };
  const write = (path, text) => {
    mkdirSync(dirname(join(repo, path)), { recursive: true });
    writeFileSync(join(repo, path), text);
  };
  mkdirSync(repo);
  run('git', ['init', '-q', '--bare', remote], tmpRoot);
  run('git', ['init', '-q', '-b', 'main']);
  write('app/auth/session.rb', 'class Session\n  def active?\n    last_seen_at > 30.minutes.ago\n  end\nend\n');
  run('git', ['add', '.']);
  run('git', ['commit', '-q', '-m', 'session model']);
  run('git', ['remote', 'add', 'origin', remote]);
  run('git', ['push', '-q', 'origin', 'main']);
  const pushedBefore = run('git', ['rev-parse', 'HEAD']).out.trim();
  write('.flightdeck/policy.json', JSON.stringify({ version: 1, mode: 'enforce' }));
  write('app/auth/session.rb', 'class Session\n  def active?\n    true\n  end\nend\n');
  run('git', ['commit', '-q', '-am', 'sessions never expire']);
  // The working tree's change against HEAD~1 is what is reviewed: review from the commit before.
  write('app/auth/session.rb', 'class Session\n  def active?\n    true # TODO\n  end\nend\n');
  const review = run(process.execPath, [cli, 'review', '--json']);
  const reviewId = JSON.parse(review.out || '{}').reviewId;
  return { run, write, pushedBefore, review, reviewId };
}
