// A local stand-in for the Anthropic Messages API that plays a scripted agent: the real Claude Code CLI
// talks to it (ANTHROPIC_BASE_URL) and gets, turn by turn, the next step's tool call, then a final answer.
// Which step to play is read from the conversation Claude Code sends (the number of assistant turns so
// far), so a retried request gets the same answer and side requests never move the script along.
import { startJsonServer } from './jsonServer.mjs';

/**
 * @typedef {{ text?: string, tool?: { name: string, input: Record<string, unknown> } }} Step
 * A step says something and (except the last) calls one tool.
 */

const textOf = (content) => (typeof content === 'string' ? content
  : Array.isArray(content) ? content.map((b) => (b && b.type === 'text' ? b.text : '')).join('') : '');

/** The first user message's text, without the <system-reminder> blocks Claude Code puts around it. */
function firstPrompt(messages) {
  const first = messages.find((m) => m.role === 'user');
  return first ? textOf(first.content) : '';
}

/** The SSE events of one assistant message, as the Messages API streams it. */
function streamEvents({ id, model, text, tool, inputTokens }) {
  const events = [];
  const send = (type, data) => events.push(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
  send('message_start', {
    message: {
      id, type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null,
      usage: { input_tokens: inputTokens, output_tokens: 1, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
    },
  });
  let index = 0;
  if (text) {
    send('content_block_start', { index, content_block: { type: 'text', text: '' } });
    send('content_block_delta', { index, delta: { type: 'text_delta', text } });
    send('content_block_stop', { index });
    index++;
  }
  if (tool) {
    send('content_block_start', { index, content_block: { type: 'tool_use', id: tool.id, name: tool.name, input: {} } });
    send('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: JSON.stringify(tool.input) } });
    send('content_block_stop', { index });
  }
  send('message_delta', { delta: { stop_reason: tool ? 'tool_use' : 'end_turn', stop_sequence: null }, usage: { output_tokens: 20 } });
  send('message_stop', {});
  return events;
}

/** The same message as one JSON body, for a request that did not ask to stream. */
function jsonMessage({ id, model, text, tool, inputTokens }) {
  const content = [];
  if (text) content.push({ type: 'text', text });
  if (tool) content.push({ type: 'tool_use', id: tool.id, name: tool.name, input: tool.input });
  return {
    id, type: 'message', role: 'assistant', model, content, stop_reason: tool ? 'tool_use' : 'end_turn', stop_sequence: null,
    usage: { input_tokens: inputTokens, output_tokens: 20, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
  };
}

/**
 * Starts the server on 127.0.0.1 (a free port). The scripted conversation is the one that offers the
 * Bash tool and starts with `prompt`; anything else is a side request. `log(line)` gets one line per request.
 * @param {{ steps: Step[], prompt: string, log?: (line: string) => void }} options
 */
export async function startScriptedModel({ steps, prompt, log = () => {} }) {
  const requests = [];
  const problems = [];
  let messageCount = 0;
  const server = await startJsonServer(({ req, res, raw, body, notJson, path }) => {
    if (notJson) problems.push(`${req.method} ${req.url}: body is not JSON`);
    const messages = Array.isArray(body.messages) ? body.messages : [];
    const tools = Array.isArray(body.tools) ? body.tools.map((t) => t.name) : [];
    const record = { method: req.method, url: req.url, model: body.model, stream: body.stream === true, messages: messages.length, tools: tools.length, role: 'other' };
    requests.push(record);
    const reply = (status, obj) => { res.writeHead(status, { 'content-type': 'application/json', 'request-id': `req_e2e_${requests.length}` }); res.end(JSON.stringify(obj)); };

    if (req.method === 'POST' && path.endsWith('/messages/count_tokens')) {
      record.role = 'count_tokens';
      log(`${req.method} ${req.url} -> count_tokens`);
      return reply(200, { input_tokens: Math.ceil(raw.length / 4) });
    }
    if (req.method !== 'POST' || !path.endsWith('/v1/messages')) {
      log(`${req.method} ${req.url} -> 404`);
      return reply(404, { type: 'error', error: { type: 'not_found_error', message: `scripted model: no ${req.method} ${path}` } });
    }

    // The scripted conversation: the agent's tools on offer, and our prompt as its first message.
    const main = tools.includes('Bash') && firstPrompt(messages).includes(prompt);
    const model = typeof body.model === 'string' ? body.model : 'claude-sonnet-4-5';
    const id = `msg_e2e_${String(++messageCount).padStart(4, '0')}`;
    const inputTokens = Math.ceil(raw.length / 4);
    let answer;
    if (main) {
      const step = messages.filter((m) => m.role === 'assistant').length;
      record.role = `main step ${step}`;
      // What the agent was shown so far (tool results, hook context), for tests that check what it heard.
      record.conversation = JSON.stringify(messages);
      const s = steps[Math.min(step, steps.length - 1)];
      if (step >= steps.length) problems.push(`main conversation asked for step ${step}, the script has ${steps.length}`);
      answer = { id, model, inputTokens, text: s.text, tool: s.tool ? { id: `toolu_e2e_${String(step + 1).padStart(2, '0')}`, ...s.tool } : undefined };
    } else {
      // Title generation, small-model calls, warmups: a short plain answer that calls nothing.
      const lastUser = [...messages].reverse().find((m) => m.role === 'user');
      record.role = 'side';
      record.asked = textOf(lastUser?.content).replace(/\s+/g, ' ').slice(0, 80);
      answer = { id, model, inputTokens, text: /json/i.test(JSON.stringify(body.system ?? '')) ? '{"title": "Fix the greeting"}' : 'Fix the greeting' };
    }
    log(`${req.method} ${req.url} model=${record.model} stream=${record.stream} messages=${record.messages} tools=${record.tools} -> ${record.role}${record.asked ? ` (${record.asked})` : ''}`);
    if (body.stream === true) {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'request-id': `req_e2e_${requests.length}` });
      for (const e of streamEvents(answer)) res.write(e);
      res.end();
    } else {
      reply(200, jsonMessage(answer));
    }
  });
  return { url: server.url, requests, problems, close: server.close };
}
