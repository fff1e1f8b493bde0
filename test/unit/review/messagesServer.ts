// A local HTTP server speaking the Messages API (POST /v1/messages, non-streaming), for the SDK to call.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  /** The body exactly as it arrived. */
  raw: string;
  body: { model?: string; system?: string; messages?: { role: string; content: string }[]; tools?: { name: string }[]; tool_choice?: unknown };
}

/** What to answer the n-th request (0-based) with. */
export type Reply =
  | { kind: 'tool'; input: unknown; model?: string; stopReason?: string }
  | { kind: 'text'; text: string }
  | { kind: 'status'; status: number; headers?: Record<string, string>; error?: { type: string; message: string } }
  | { kind: 'raw'; status: number; body: string }
  | { kind: 'hang' };

export interface MessagesServer {
  url: string;
  received: Received[];
  close(): Promise<void>;
}

function message(model: string, content: unknown[], stopReason: string): string {
  return JSON.stringify({
    id: 'msg_test', type: 'message', role: 'assistant', model, content, stop_reason: stopReason, stop_sequence: null,
    usage: { input_tokens: 100, output_tokens: 50 },
  });
}

export async function messagesServer(replies: Reply[] | ((n: number) => Reply)): Promise<MessagesServer> {
  const received: Received[] = [];
  const replyFor = (n: number): Reply => (typeof replies === 'function' ? replies(n) : replies[Math.min(n, replies.length - 1)] as Reply);
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: Received['body'] = {};
      try {
        body = JSON.parse(raw) as Received['body'];
      } catch {
        // kept as raw
      }
      const n = received.length;
      received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, raw, body });
      if (req.method !== 'POST' || req.url !== '/v1/messages') {
        res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ type: 'error', error: { type: 'not_found_error', message: req.url } }));
        return;
      }
      const reply = replyFor(n);
      const json = { 'content-type': 'application/json', 'request-id': `req_${n}` };
      switch (reply.kind) {
        case 'tool':
          res.writeHead(200, json).end(message(reply.model ?? body.model ?? 'unknown',
            [{ type: 'tool_use', id: 'toolu_1', name: 'report_review', input: reply.input }], reply.stopReason ?? 'tool_use'));
          return;
        case 'text':
          res.writeHead(200, json).end(message(body.model ?? 'unknown', [{ type: 'text', text: reply.text }], 'end_turn'));
          return;
        case 'status':
          res.writeHead(reply.status, { ...json, ...reply.headers }).end(JSON.stringify({ type: 'error', error: reply.error ?? { type: 'api_error', message: 'Internal server error' } }));
          return;
        case 'raw':
          res.writeHead(reply.status, json).end(reply.body);
          return;
        case 'hang':
          return; // never answers: the client must give up
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
