import type { NewEvent } from '../src/core/record/events';

const COMMANDS = ['npm test -- signup', 'npm run typecheck', 'npx eslint src', 'npm run build', 'git status'];
const FILES = ['api/signup.ts', 'api/signup.test.ts', 'src/auth/session.ts', 'package.json', 'README.md'];

/** A deterministic mix of events shaped like a real session's (~150-250 bytes of JSON each). */
export function makeEvents(count: number, seed = 1, perSession = 500): NewEvent[] {
  const out: NewEvent[] = [];
  let x = seed;
  const rnd = (n: number): number => {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    return x % n;
  };
  const base = Date.UTC(2026, 10, 1);
  for (let i = 0; i < count; i++) {
    const session = `session-${Math.floor(i / perSession)}`;
    const at = base + i * 1000;
    const r = rnd(10);
    if (i % perSession === 0) {
      out.push({ kind: 'session.started', session, at, source: 'bench', data: { agent: 'claude-code', model: 'claude-sonnet-4-5', intent: 'add server-side validation to signup endpoint', branch: 'feature/signup' } });
    } else if (r < 4) {
      out.push({ kind: 'file.changed', session, at, source: 'bench', data: { path: FILES[rnd(FILES.length)], change: 'modified', lines: rnd(200) } });
    } else if (r < 7) {
      out.push({ kind: 'command.ran', session, at, source: 'bench', data: { command: COMMANDS[rnd(COMMANDS.length)], exitCode: rnd(4) === 0 ? 1 : 0, durationMs: rnd(20_000), cwd: '/home/dev/project' } });
    } else if (r < 9) {
      out.push({ kind: 'check.recorded', session, at, source: 'bench', data: { kind: 'test', command: 'npm test -- signup', passed: rnd(3) > 0, exitCode: 0, commit: '9f41c2a' } });
    } else {
      out.push({ kind: 'note', session, at, source: 'bench', data: { text: `checked the duplicate email case again, attempt ${i}` } });
    }
  }
  return out;
}
