// A local stand-in for the OpenAI Responses API (`POST /v1/responses`, streamed as server-sent events)
// that plays a scripted agent: the real Codex CLI talks to it (a model provider whose base_url is this
// server) and gets, turn by turn, the next step's tool call, then a final answer. Which step to play is
// read from the conversation Codex sends (the number of tool outputs so far), so a retried request gets
// the same answer and side requests never move the script along.
import { startJsonServer } from './jsonServer.mjs';

/**
 * @typedef {{ text?: string, shell?: string, patch?: string }} Step
 * A step says something and (except the last) runs one shell command or applies one patch.
 */

const OUTPUTS = new Set(['function_call_output', 'custom_tool_call_output']);
const textOf = (content) => (typeof content === 'string' ? content
  : Array.isArray(content) ? content.map((b) => (b && typeof b.text === 'string' ? b.text : '')).join('') : '');

/** The tools on offer, by name, with their type (function or custom). */
function toolsOf(body) {
  const tools = new Map();
  for (const t of Array.isArray(body.tools) ? body.tools : []) {
    const name = t.name ?? t.function?.name;
    if (typeof name === 'string') tools.set(name, t.type ?? 'function');
  }
  return tools;
}

/**
 * The output item a step calls, shaped for the tools this Codex offers: its shell tool (`exec_command`,
 * `shell_command` or `shell`) and its patch tool (a freeform `apply_patch`, a function one, or apply_patch
 * through the shell).
 */
export function callFor(step, tools, callId) {
  if (step.patch !== undefined) {
    const kind = tools.get('apply_patch');
    if (kind === 'custom') return { type: 'custom_tool_call', id: `ctc_${callId}`, status: 'completed', call_id: callId, name: 'apply_patch', input: step.patch };
    if (kind) return { type: 'function_call', id: `fc_${callId}`, call_id: callId, name: 'apply_patch', arguments: JSON.stringify({ input: step.patch }) };
    return shellCall(['apply_patch', step.patch], tools, callId);
  }
  return shellCall(step.shell, tools, callId);
}

function shellCall(command, tools, callId) {
  const fn = (name, args) => ({ type: 'function_call', id: `fc_${callId}`, call_id: callId, name, arguments: JSON.stringify(args) });
  const line = Array.isArray(command) ? command.map((c) => (/^[\w./-]+$/.test(c) ? c : `'${c.replace(/'/g, `'\\''`)}'`)).join(' ') : command;
  if (tools.has('shell_command')) return fn('shell_command', { command: line });
  if (tools.has('exec_command')) return fn('exec_command', { cmd: line, yield_time_ms: 10_000 });
  return fn('shell', { command: Array.isArray(command) ? command : ['bash', '-lc', command] });
}

/** The SSE events of one response, as the Responses API streams them. */
function streamEvents({ id, model, items, inputTokens }) {
  const events = [];
  const send = (type, data) => events.push(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
  send('response.created', { response: { id, object: 'response', model, status: 'in_progress', output: [] } });
  items.forEach((item, output_index) => {
    send('response.output_item.added', { output_index, item });
    if (item.type === 'message') send('response.output_text.delta', { output_index, item_id: item.id, content_index: 0, delta: item.content[0].text });
    send('response.output_item.done', { output_index, item });
  });
  send('response.completed', {
    response: {
      id, object: 'response', model, status: 'completed', output: items,
      usage: { input_tokens: inputTokens, input_tokens_details: { cached_tokens: 0 }, output_tokens: 20, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: inputTokens + 20 },
    },
  });
  return events;
}

/**
 * Starts the server on 127.0.0.1 (a free port). The scripted conversation is the one whose input has a
 * user message containing `prompt`; anything else is a side request. `log(line)` gets one line per request.
 * @param {{ steps: Step[], prompt: string, log?: (line: string) => void }} options
 */
export async function startScriptedResponses({ steps, prompt, log = () => {} }) {
  const requests = [];
  const problems = [];
  let responseCount = 0;
  const server = await startJsonServer(({ req, res, raw, body, notJson, path }) => {
    if (notJson) problems.push(`${req.method} ${req.url}: body is not JSON`);
    const input = Array.isArray(body.input) ? body.input : [];
    const tools = toolsOf(body);
    const record = { method: req.method, url: req.url, model: body.model, stream: body.stream === true, input: input.length, tools: [...tools].map(([n, t]) => `${n}:${t}`), role: 'other' };
    requests.push(record);
    const reply = (status, obj) => { res.writeHead(status, { 'content-type': 'application/json' }); res.end(JSON.stringify(obj)); };
    if (req.method === 'GET' && path.endsWith('/models')) {
      log(`${req.method} ${req.url} -> empty model list`);
      return reply(200, { object: 'list', data: [], models: [] });
    }
    if (req.method !== 'POST' || !path.endsWith('/responses')) {
      log(`${req.method} ${req.url} -> 404`);
      return reply(404, { error: { type: 'not_found', message: `scripted responses: no ${req.method} ${path}` } });
    }
    const main = input.some((i) => i.type === 'message' && i.role === 'user' && textOf(i.content).includes(prompt));
    const model = typeof body.model === 'string' ? body.model : 'gpt-test';
    const id = `resp_e2e_${String(++responseCount).padStart(4, '0')}`;
    const inputTokens = Math.ceil(raw.length / 4);
    const items = [];
    if (main) {
      const step = input.filter((i) => OUTPUTS.has(i.type)).length;
      record.role = `main step ${step}`;
      const s = steps[Math.min(step, steps.length - 1)];
      if (step >= steps.length) problems.push(`main conversation asked for step ${step}, the script has ${steps.length}`);
      if (s.text) items.push({ type: 'message', id: `msg_${id}`, role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: s.text, annotations: [] }] });
      if (s.shell !== undefined || s.patch !== undefined) items.push(callFor(s, tools, `call_e2e_${String(step + 1).padStart(2, '0')}`));
    } else {
      record.role = 'side';
      items.push({ type: 'message', id: `msg_${id}`, role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'Fix the greeting', annotations: [] }] });
    }
    log(`${req.method} ${req.url} model=${record.model} stream=${record.stream} input=${record.input} tools=${record.tools.join(',')} -> ${record.role}`);
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    for (const e of streamEvents({ id, model, items, inputTokens })) res.write(e);
    res.end();
  });
  return { url: server.url, requests, problems, close: server.close };
}
