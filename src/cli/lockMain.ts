// `flightdeck lock …` and `flightdeck queue …` on their own small bundle: a deploy script takes and gives back
// the lock around every deploy, so these load only the gate code, not the record's database.
import { RecordError } from '../core/record/errors';
import { parseCliArgs, UsageError } from './args';
import { lock, queue } from './lockCommand';

type Out = (text: string) => void;

/** The same exits and one-line errors as the whole CLI's main. */
export async function lockMain(argv: string[], cwd: string, out: Out, err: Out): Promise<number> {
  try {
    const args = parseCliArgs(argv, cwd);
    return await (args.command === 'queue' ? queue(args, out) : lock(args, out));
  } catch (e) {
    if (e instanceof UsageError || e instanceof RecordError) {
      err(`flightdeck: ${e.message}`);
      return e instanceof UsageError ? 2 : 1;
    }
    const detail = process.env.FLIGHTDECK_DEBUG ? `\n${(e as Error).stack ?? ''}` : ' (FLIGHTDECK_DEBUG=1 shows details)';
    err(`flightdeck: ${(e as Error).message ?? String(e)}${detail}`);
    return 70;
  }
}
