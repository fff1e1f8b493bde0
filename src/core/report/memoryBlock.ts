// The hand-off written into AGENTS.md or CLAUDE.md, between markers, leaving every other byte of the file as it was.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const MEMORY_START = '<!-- flightdeck:memory:start -->';
export const MEMORY_END = '<!-- flightdeck:memory:end -->';

export class MemoryBlockError extends Error {}

function count(text: string, marker: string): number {
  return text.split(marker).length - 1;
}

/**
 * `text` with the block between the markers replaced by `memory` (or, without markers, the block appended at the
 * end). A marker without its partner, markers twice or in the wrong order are refused: guessing where a hand-edited
 * block ends could eat the file.
 */
export function replaceMemoryBlock(text: string, memory: string, fileName = 'the file'): string {
  const starts = count(text, MEMORY_START);
  const ends = count(text, MEMORY_END);
  const body = `${MEMORY_START}\n${memory.trim()}\n${MEMORY_END}`;
  if (starts === 0 && ends === 0) {
    if (text === '') return `${body}\n`;
    const eol = text.includes('\r\n') ? '\r\n' : '\n';
    return `${text}${text.endsWith('\n') ? '' : eol}${eol}${body}${eol}`;
  }
  if (starts !== 1 || ends !== 1) {
    throw new MemoryBlockError(
      `${fileName} has ${starts} "${MEMORY_START}" and ${ends} "${MEMORY_END}" markers; Flightdeck writes only between exactly one pair. ` +
        'Fix the markers (or remove both) and try again; nothing was changed.',
    );
  }
  const start = text.indexOf(MEMORY_START);
  const end = text.indexOf(MEMORY_END);
  if (end < start) throw new MemoryBlockError(`${fileName} has "${MEMORY_END}" before "${MEMORY_START}"; fix the markers and try again; nothing was changed.`);
  return text.slice(0, start) + body + text.slice(end + MEMORY_END.length);
}

/** Which file gets the memory: AGENTS.md, unless only CLAUDE.md exists. */
export function memoryTarget(repoRoot: string): string {
  const agents = join(repoRoot, 'AGENTS.md');
  const claude = join(repoRoot, 'CLAUDE.md');
  return !existsSync(agents) && existsSync(claude) ? claude : agents;
}

/** Writes the block into `path` (created if missing), whole: temp file, rename. Returns whether the file changed. */
export function writeMemoryBlock(path: string, memory: string): boolean {
  let before = '';
  try {
    before = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  const after = replaceMemoryBlock(before, memory, path);
  if (after === before) return false;
  const tmp = `${path}.${process.pid}.flightdeck.tmp`;
  writeFileSync(tmp, after);
  renameSync(tmp, path);
  return true;
}
