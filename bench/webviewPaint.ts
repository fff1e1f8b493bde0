import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BoardState, HostToWebview } from '../src/protocol';

export interface PaintTimes {
  /** From the state message arriving to the board laid out and painted, one sample per round. */
  board: number[];
  /** A live update of the same board: patching, not rebuilding. */
  update: number[];
  /** From the session detail message arriving to it painted. */
  detail: number[];
}

const CHROMIUM = '/usr/bin/chromium';

/**
 * The board webview's own render time, in Chromium, with the real bundle (dist/webview.js and the toolkit):
 * a page that stands in for the VS Code host, posting the messages the extension would.
 */
export async function webviewPaintTimes(state: BoardState, detail: HostToWebview, rounds = 7): Promise<PaintTimes | string> {
  if (!existsSync(CHROMIUM)) return `no ${CHROMIUM}`;
  const dist = resolve(__dirname, '..', 'dist');
  if (!existsSync(join(dist, 'webview.js'))) return 'dist/webview.js missing: npm run build';
  const { chromium } = await import('playwright-core');
  const dir = mkdtempSync(join(tmpdir(), 'fd-paint-'));
  const url = (f: string): string => pathToFileURL(join(dist, f)).href;
  writeFileSync(join(dir, 'board.html'), `<!DOCTYPE html><html><head>
<link rel="stylesheet" href="${url('codicon.css')}"><link rel="stylesheet" href="${pathToFileURL(resolve(dist, '..', 'media', 'board.css')).href}">
<script>
  window.__posted = [];
  window.acquireVsCodeApi = () => ({ postMessage: (m) => window.__posted.push(m), getState: () => undefined, setState: () => {} });
</script>
<script type="module" src="${url('toolkit.min.js')}"></script>
<script defer src="${url('webview.js')}"></script>
</head><body style="width:300px"><main id="app"></main></body></html>`);
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--allow-file-access-from-files'] });
  try {
    const times: PaintTimes = { board: [], update: [], detail: [] };
    for (let i = 0; i < rounds; i++) {
      const page = await browser.newPage({ viewport: { width: 320, height: 900 } });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
      await page.goto(pathToFileURL(join(dir, 'board.html')).href);
      await page.waitForFunction('window.__posted.some((m) => m.type === "ready")');
      // Posted and timed inside the page (page code as a string: this file is compiled without DOM types).
      // The clock starts when the message is posted and stops in the frame after the DOM is there.
      const paint = (message: unknown, selector: string, click = ''): Promise<number> => page.evaluate(`new Promise((done, fail) => {
        setTimeout(() => fail(new Error('nothing rendered in 20 s')), 20000);
        const start = performance.now();
        ${click ? `document.querySelector(${JSON.stringify(click)}).click();` : ''}
        window.postMessage(${JSON.stringify(message)}, '*');
        const wait = () => {
          if (!document.querySelector(${JSON.stringify(selector)})) return void requestAnimationFrame(wait);
          requestAnimationFrame(() => setTimeout(() => done(performance.now() - start), 0));
        };
        wait();
      })`);
      const explain = async (e: Error): Promise<never> => {
        const html = await page.evaluate('document.getElementById("app").innerHTML.slice(0, 300)').catch(() => '?');
        throw new Error(`${e.message}; page errors: ${errors.join(' | ') || 'none'}; app: ${String(html)}`);
      };
      times.board.push(await paint({ type: 'state', state }, '.session').catch(explain));
      const next = { ...state, record: state.record && { ...state.record, counts: { ...state.record.counts, events: state.record.counts.events + 1 } } };
      times.update.push(await paint({ type: 'state', state: next }, '.session').catch(explain));
      // The board shows a session's record only when the user asked for it: click it, then the reply arrives.
      const id = detail.type === 'sessionDetail' ? detail.trail.id : '';
      times.detail.push(await paint(detail, '.detail-title', `[data-session=${JSON.stringify(id)}]`).catch(explain));
      await page.close();
    }
    return times;
  } finally {
    await browser.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
