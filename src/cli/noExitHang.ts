// Node 20 can hang at exit when a background TurboFan job waits for a garbage collection that the exiting
// main thread never runs (nodejs/node#54918). A short-lived process compiles on its main thread instead:
// imported before anything gets hot (by longRunFlags.ts for the CLI, and by the test helpers' processes).
import { setFlagsFromString } from 'node:v8';

export const EXIT_HANG_FLAGS = ['--no-concurrent-recompilation', '--no-concurrent-osr'];

for (const flag of EXIT_HANG_FLAGS) setFlagsFromString(flag);
