// `flightdeck lock …` and `flightdeck queue …` on their own small bundle: a deploy script takes and gives back
// the lock around every deploy, so these load only the gate code, not the record's database.
import { parseCliArgs } from './args';
import { errorExit } from './errorExit';
import { lock, queue } from './lockCommand';

type Out = (text: string) => void;

/** The same exits and one-line errors as the whole CLI's main. */
export async function lockMain(argv: string[], cwd: string, out: Out, err: Out): Promise<number> {
  try {
    const args = parseCliArgs(argv, cwd);
    return await (args.command === 'queue' ? queue(args, out) : lock(args, out));
  } catch (e) {
    return errorExit(e, err);
  }
}
