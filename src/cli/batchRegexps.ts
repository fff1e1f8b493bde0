// Commands that run the same regular expressions over thousands of paths and lines (risk, review, ingest) have
// them compiled to machine code at once: V8 otherwise interprets each at first and compiles it again on a later
// use, which for the policy's large alternations was about 20 ms of a cold `flightdeck risk`. The hook keeps the
// default: each of its expressions runs once or twice, where interpreting is the cheaper start.
import { setFlagsFromString } from 'node:v8';

setFlagsFromString('--no-regexp-tier-up');
