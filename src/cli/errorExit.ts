// The exits and one-line errors of the small command bundles (lock, risk), the same as the whole CLI's main.
import { RecordError } from '../core/record/errors';
import { UsageError } from './args';

type Out = (text: string) => void;

/** Usage mistakes exit 2, record errors 1, anything else 70 (the stack only with FLIGHTDECK_DEBUG). */
export function errorExit(e: unknown, err: Out): number {
  if (e instanceof UsageError || e instanceof RecordError) {
    err(`flightdeck: ${e.message}`);
    return e instanceof UsageError ? 2 : 1;
  }
  const detail = process.env.FLIGHTDECK_DEBUG ? `\n${(e as Error).stack ?? ''}` : ' (FLIGHTDECK_DEBUG=1 shows details)';
  err(`flightdeck: ${(e as Error).message ?? String(e)}${detail}`);
  return 70;
}
