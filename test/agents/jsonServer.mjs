// A local HTTP server for a scripted model API: each request's body read whole and parsed as JSON, then handed on.
import { createServer } from 'node:http';

/**
 * Listens on 127.0.0.1 (a free port). `onRequest` gets the request, the response, the raw body, the parsed body
 * (`{}` when empty or not JSON, then `notJson` is true) and the path without its query.
 */
export async function startJsonServer(onRequest) {
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body = {};
      let notJson = false;
      try {
        body = raw ? JSON.parse(raw) : {};
      } catch {
        notJson = true;
      }
      onRequest({ req, res, raw, body, notJson, path: (req.url ?? '').split('?')[0] });
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((resolve) => { server.closeAllConnections?.(); server.close(resolve); }),
  };
}
