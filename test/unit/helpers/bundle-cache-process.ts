// A fresh process loading one bundle through its code cache (V8 keeps compiled scripts per process, so a cache
// is only really used, or refused, in a process that has not compiled the same source before). Prints JSON.
import { loadBundle } from '../../../src/cli/bundleCache';

const [file, variant] = process.argv.slice(2) as [string, string | undefined];
const bundle = loadBundle<{ answer: () => number }>(file, require, variant);
const answer = bundle.exports.answer();
bundle.keep();
process.stdout.write(JSON.stringify({ usedCache: bundle.usedCache, answer }));
