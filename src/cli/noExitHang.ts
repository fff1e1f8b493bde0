// Imported before anything gets hot by the test helpers' processes: the CLI's guard against Node 20's exit hang
// (longRunFlags.ts), without the rest of its flags.
import { setFlagsFromString } from 'node:v8';
import { EXIT_HANG_FLAGS } from './longRunFlags';

for (const flag of EXIT_HANG_FLAGS) setFlagsFromString(flag);
