// A month of heavy Claude Code history, shaped like real ones: many small sessions and a few long ones,
// a third of the lines `progress`, bulky tool results, in a real git repository whose commits span the month.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectFolderName, TranscriptWriter } from '../test/fixtures/claudeTranscript';

const CODE = 'export function signup(req: Request) {\n  const { email, password } = req.body;\n  if (!email.includes("@")) throw new HttpError(400);\n}\n';
const DAY = 86_400_000;
const START = Date.UTC(2026, 9, 1, 8);

/** A deterministic generator, so every run measures the same corpus. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Claude Code's `progress` lines: hook and command progress beside each tool call (a third of real lines). */
function progress(w: TranscriptWriter, cwd: string, session: string, toolUseId: string, at: number, output: string): void {
  w.push({
    parentUuid: null, isSidechain: false, userType: 'external', cwd, sessionId: session, version: '2.0.31', gitBranch: 'main',
    type: 'progress', data: { type: 'bash_progress', output: output.slice(0, 400), fullOutput: output.slice(0, 1200), elapsedTimeSeconds: 2, totalLines: 30 },
    toolUseID: `bash-progress-${toolUseId}`, parentToolUseID: toolUseId, uuid: `p-${toolUseId}-${at}`, timestamp: new Date(at).toISOString(),
  });
}

/** Writes `sessions` transcripts totalling about `targetBytes` into `<root>/projects/<project>/`. */
export function writeRealHistory(root: string, cwd: string, sessions: number, targetBytes: number): { files: number; bytes: number; lines: number } {
  const project = join(root, 'projects', projectFolderName(cwd));
  mkdirSync(project, { recursive: true });
  const rand = random(42);
  // Session sizes: most are small, a few are long (a long tail, as real histories have).
  const weights = Array.from({ length: sessions }, () => Math.exp(rand() * 3.5));
  const total = weights.reduce((a, b) => a + b, 0);
  let bytes = 0;
  let lines = 0;
  for (let i = 0; i < sessions; i++) {
    const sessionId = `real-${i.toString().padStart(4, '0')}-0000-4000-8000-000000000000`;
    const start = START + Math.floor((i / sessions) * 30 * DAY) + Math.floor(rand() * 3_600_000);
    const w = new TranscriptWriter({ sessionId, cwd, start, branch: 'main' });
    const budget = ((weights[i] as number) / total) * targetBytes;
    w.prompt(`session ${i}: add server-side validation to the signup endpoint and keep the tests green`);
    let size = 0;
    let step = 0;
    while (size < budget) {
      const file = `${cwd}/api/signup${step % 12}.ts`;
      const code = CODE.repeat(5 + Math.floor(rand() * 40));
      w.assistant([{ type: 'text', text: 'Let me look at the handler and its tests before changing anything.' }]);
      w.tool('Read', { file_path: file }, { text: code, structured: { type: 'text', file: { filePath: file, content: code } } });
      w.tool('Edit', { file_path: file, old_string: code.slice(0, 120), new_string: code.slice(0, 140) }, { text: 'The file has been updated.' });
      const command = step % 4 === 0 ? 'npm test -- signup' : step % 4 === 1 ? 'npm run typecheck' : `grep -rn "signup" api | head -${step % 9 + 1}`;
      const output = 'PASS api/signup.test.ts  ✓ validates email (3 ms)\n'.repeat(5 + Math.floor(rand() * 60));
      const before = w.lines.length;
      w.bash(command, step % 11 === 3 ? 1 : 0, output);
      const toolUseId = /"id":"(toolu_[^"]+)"/.exec(w.lines[before] ?? '')?.[1] ?? `t${step}`;
      // Several progress lines a command, as Claude Code writes while it runs.
      for (let p = 0; p < 6; p++) progress(w, cwd, sessionId, toolUseId, start + step * 9000 + p * 500, output);
      size = w.lines.reduce((a, l) => a + l.length + 1, 0);
      step++;
    }
    const text = w.toString();
    writeFileSync(join(project, `${sessionId}.jsonl`), text);
    bytes += Buffer.byteLength(text);
    lines += w.lines.length;
  }
  return { files: sessions, bytes, lines };
}

/** A real repository with a commit every few hours over the history's month, made by one `git fast-import`. */
export function writeRealRepo(repo: string, commits = 240): void {
  mkdirSync(repo, { recursive: true });
  spawnSync('git', ['init', '-q', '-b', 'main'], { cwd: repo });
  const parts: string[] = [];
  for (let i = 0; i < commits; i++) {
    const at = Math.floor((START - DAY + (i / commits) * 31 * DAY) / 1000);
    const body = `export const step = ${i};\n`;
    const message = `step ${i}`;
    parts.push(`commit refs/heads/main\nmark :${i + 1}\ncommitter Bench <bench@example.com> ${at} +0000\ndata ${Buffer.byteLength(message)}\n${message}\n`
      + (i > 0 ? `from :${i}\n` : '') + `M 644 inline api/step${i % 20}.ts\ndata ${Buffer.byteLength(body)}\n${body}\n`);
  }
  const r = spawnSync('git', ['fast-import', '--quiet'], { cwd: repo, input: parts.join('') });
  if (r.status !== 0) throw new Error(`git fast-import failed: ${String(r.stderr)}`);
  spawnSync('git', ['checkout', '-q', '-f', 'main'], { cwd: repo });
}
