// Test-only Claude Code hook (not Flightdeck's): appends the raw payload Claude Code sent on stdin to a
// file, one JSON line {event, payload}, so the test and the fixtures show exactly what this version sends.
import { appendFileSync, readFileSync } from 'node:fs';

const [out, event] = process.argv.slice(2);
const text = readFileSync(0, 'utf8');
let payload;
try {
  payload = JSON.parse(text);
} catch {
  payload = { unparsed: text };
}
appendFileSync(out, JSON.stringify({ event: payload.hook_event_name ?? event, payload }) + '\n');
