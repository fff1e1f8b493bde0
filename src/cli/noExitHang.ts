// Node 20 can hang at exit when a background TurboFan job waits for a garbage collection that the exiting
// main thread never runs (nodejs/node#54918). A short-lived process compiles on its main thread instead:
// imported first by every command-line entry, before anything gets hot.
import { setFlagsFromString } from 'node:v8';

setFlagsFromString('--no-concurrent-recompilation');
setFlagsFromString('--no-concurrent-osr');
