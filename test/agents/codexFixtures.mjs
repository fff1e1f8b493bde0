// Writes test/fixtures/codex/codex-<version>.jsonl from one run of test/agents/run-codex.mjs
// (--save-fixtures): the rollout Codex wrote, with the run's temporary folder replaced by a placeholder
// and the long texts Flightdeck does not read (system prompt, skills) cut, and a line in the README.
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './codexVersion.mjs';

const CLIP = 300;

/** Cuts long strings anywhere in a value, keeping its shape. */
function clip(value) {
  if (typeof value === 'string') return value.length > CLIP ? `${value.slice(0, CLIP)}…[clipped for the fixture: ${value.length} chars]` : value;
  if (Array.isArray(value)) return value.map(clip);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, clip(v)]));
  return value;
}

/** Lines whose long texts Flightdeck reads (tool calls and outputs, prompts) are kept whole. */
const READ = new Set(['function_call', 'function_call_output', 'custom_tool_call', 'custom_tool_call_output', 'local_shell_call']);

export function saveCodexFixture({ rollout, tmpRoot, version, model, prompt, requests }) {
  const out = join(repoRoot, 'test', 'fixtures', 'codex');
  mkdirSync(out, { recursive: true });
  const lines = readFileSync(rollout, 'utf8').split('\n').filter(Boolean).map((line) => {
    const entry = JSON.parse(line.split(tmpRoot).join('/tmp/fixture'));
    const item = entry.payload ?? entry;
    return JSON.stringify(READ.has(item.type) || (item.type === 'message' && item.role === 'user' && !String(item.content?.[0]?.text ?? '').startsWith('<')) ? entry : clip(entry));
  });
  const name = `codex-${version}.jsonl`;
  writeFileSync(join(out, name), lines.join('\n') + '\n');
  const readme = join(out, 'README.md');
  if (existsSync(readme) && !readFileSync(readme, 'utf8').includes(name)) {
    appendFileSync(readme, `- \`${name}\`: Codex ${version}, model "${model}", ${requests.length} model requests, prompt "${prompt.slice(0, 40)}…"\n`);
  }
  return join(out, name);
}
