import { readFileSync } from 'node:fs';
/** An error a user can act on: one clear line, no stack trace needed. */
export class RecordError extends Error {
  constructor(message: string, readonly code: string = 'RECORD') {
    super(message);
    this.name = 'RecordError';
  }
}

const reasons: Record<string, string> = {
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is exhausted',
  EROFS: 'the file system is read-only',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOENT: 'the folder does not exist',
  EIO: 'an input/output error',
};

/** Turns a Node fs error into a RecordError that says what failed, where, and why. */
export function describeFsError(action: string, path: string, err: unknown): RecordError {
  const code = (err as NodeJS.ErrnoException | undefined)?.code ?? 'EUNKNOWN';
  const why = reasons[code] ?? ((err as Error | undefined)?.message ?? String(err));
  return new RecordError(`cannot ${action} ${path}: ${why} (${code})`, code);
}

/** A file's text, or undefined when it does not exist; any other failure is a clear RecordError. */
export function readTextIfExists(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw describeFsError('read', path, e);
  }
}
