// Writes test/fixtures/claude-code-2.x from one run of test/agents/run-claude.mjs (--save-fixtures):
// the raw hook payloads and the session transcript, with this machine's temporary paths replaced by
// placeholders, and a README that says what produced them.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './claudeCodeVersion.mjs';

/** In lines Flightdeck does not read (system prompts, request dumps), values longer than this are cut. */
const CLIP = 300;

/** Replaces the run's temporary paths (and this checkout's) in a JSON text with fixed placeholders. */
function placeholders(tmpRoot, repo, home) {
  const dashed = (p) => p.replace(/[^A-Za-z0-9-]/g, '-');
  const pairs = [
    [repo, '/tmp/fixture-repo'],
    [home, '/tmp/fixture-home'],
    [tmpRoot, '/tmp/fixture'],
    [dashed(repo), dashed('/tmp/fixture-repo')],
    [repoRoot, '/path/to/flightdeck'],
  ];
  return (text) => pairs.reduce((t, [from, to]) => t.split(from).join(to), text);
}

/** Keeps a value's shape (keys to three levels) while cutting what is long: strings, arrays, deep objects. */
function clip(value, depth = 0) {
  const size = JSON.stringify(value)?.length ?? 0;
  if (size <= CLIP) return value;
  if (typeof value === 'string') return `${value.slice(0, CLIP)}…[clipped for the fixture: ${value.length} chars]`;
  if (depth >= 3 || typeof value !== 'object' || value === null) return `…[clipped for the fixture: ${size} chars of JSON]`;
  if (Array.isArray(value)) {
    const head = value.slice(0, 2).map((v) => clip(v, depth + 1));
    return value.length > 2 ? [...head, `…[clipped for the fixture: ${value.length - 2} more items]`] : head;
  }
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, clip(v, depth + 1)]));
}

export function saveFixtures({ out, tmpRoot, repo, home, raw, transcriptPath, version, head, branch, prompt, requests }) {
  const fix = placeholders(tmpRoot, repo, home);
  mkdirSync(out, { recursive: true });
  const hooksText = raw.map((r) => fix(JSON.stringify(r))).join('\n') + '\n';
  writeFileSync(join(out, 'hook-payloads.jsonl'), hooksText);
  // user and assistant lines are kept whole (they are what Flightdeck parses); the rest keep their shape.
  const lines = readFileSync(transcriptPath, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
  const kept = lines.map((e) => (e.type === 'user' || e.type === 'assistant' ? e : clip(e)));
  const transcriptText = kept.map((e) => fix(JSON.stringify(e))).join('\n') + '\n';
  writeFileSync(join(out, 'transcript.jsonl'), transcriptText);
  const sessionId = lines.find((e) => e.sessionId)?.sessionId;
  const events = raw.map((r) => r.event);
  const tools = lines.flatMap((e) => (e.type === 'assistant' && Array.isArray(e.message?.content) ? e.message.content : []))
    .filter((b) => b.type === 'tool_use').map((b) => `- \`${b.id}\` ${b.name}: \`${fix(JSON.stringify(b.input)).slice(0, 200)}\``);
  const readme = `# Claude Code ${version}: hook payloads and transcript of one scripted session

Recorded by \`node test/agents/run-claude.mjs --save-fixtures\` (npm \`@anthropic-ai/claude-code@${version}\`, native
linux-x64 binary) running \`claude -p "<prompt>" --allowedTools "Bash Write Edit Read" --output-format json\` in a
temporary git repository, against the scripted local model of test/agents/scriptedModel.mjs. Do not edit by hand:
run that command again to refresh them.

- \`hook-payloads.jsonl\`: every hook payload Claude Code sent, in order, one JSON a line: \`{"event", "payload"}\`
  (payload exactly as read from stdin). Events: ${[...new Set(events)].join(', ')} (${events.length} in all).
- \`transcript.jsonl\`: the session transcript (\`~/.claude/projects/<project>/${sessionId}.jsonl\`). \`user\` and
  \`assistant\` lines are whole; other lines (system prompt snapshots, API request dumps) keep their keys, but
  long strings, arrays and deep values are cut, marked \`…[clipped for the fixture: …]\`.

Placeholders: the repository is \`/tmp/fixture-repo\` (project folder \`-tmp-fixture-repo\`), HOME is
\`/tmp/fixture-home\`, the test's own temporary folder \`/tmp/fixture\`, this checkout \`/path/to/flightdeck\`.
Git commit ids are left as they were:

- branch \`${branch}\` (made from \`main\` before the session); one commit, HEAD \`${head}\`; no commit during the session
- session id \`${sessionId}\`
- prompt: ${prompt}

The scripted tool calls (ids are the script's, the same in hooks and transcript):

${tools.join('\n')}

Expected outcomes: \`toolu_e2e_02\` exits 3 (PostToolUseFailure, \`error: "Exit code 3"\`); \`toolu_e2e_03\` is grep with no
match, exit 1, reported as PostToolUse with \`tool_response.returnCodeInterpretation: "No matches found"\`;
\`toolu_e2e_05\` creates notes.txt from the shell; \`toolu_e2e_08\` (\`npm test\`) passes.

Model requests: ${requests.length}, all \`${[...new Set(requests.map((r) => `${r.method} ${r.url}`))].join(', ')}\` (${[...new Set(requests.map((r) => r.role.replace(/ \d+$/, '')))].join(', ')}).
`;
  writeFileSync(join(out, 'README.md'), readme);
  return { hooksBytes: Buffer.byteLength(hooksText), transcriptBytes: Buffer.byteLength(transcriptText) };
}
