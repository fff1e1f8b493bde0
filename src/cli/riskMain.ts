// `flightdeck risk` on its own small bundle: the extension and people run it on every save, so it loads the
// policy, git's diff and the classifier only; the record's database (sql.js) only when sessions.json cannot say.
import type { SessionBaseFromDb } from '../core/risk/base';
import { parseCliArgs } from './args';
import { errorExit } from './errorExit';
import { risk } from './riskCommand';

type Out = (text: string) => void;

/** The same exits and one-line errors as the whole CLI's main. */
export async function riskMain(argv: string[], cwd: string, out: Out, err: Out, fromDb: SessionBaseFromDb): Promise<number> {
  try {
    return await risk(parseCliArgs(argv, cwd), out, fromDb);
  } catch (e) {
    return errorExit(e, err);
  }
}
