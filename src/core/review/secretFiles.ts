// Files that hold credentials by what they are (`.env`, `*.pem`, `.netrc`): their contents never reach a reviewer.
import type { RiskMatch, RiskyFile } from '../risk/types';
import { redactText } from '../capture/redact';
import { parseUnifiedDiff } from './diff';

/** The policy category of credential files; a file in it by its path is withheld whatever its content. */
export const SECRETS_CATEGORY = 'secrets';

/** What a reviewer reads in place of a secrets file's diff body. */
export const WITHHELD_NOTE = '[contents withheld: a secrets file]';

/** True when the policy put `file` in the secrets category by its path (old or new), not by a line of its content. */
export function isSecretsFileByPath(file: Pick<RiskyFile, 'matches'>): boolean {
  return file.matches.some((m) => m.category === SECRETS_CATEGORY && m.rule.startsWith('path '));
}

/**
 * `rawDiff` with the body of each file in `withheld` replaced by WITHHELD_NOTE: its `diff --git`, mode, index and
 * `---`/`+++` lines stay, so a reviewer still sees which file changed and how. Returns `rawDiff` itself when none is.
 */
export function withholdFiles(rawDiff: string, withheld: ReadonlySet<string>): string {
  if (withheld.size === 0) return rawDiff;
  const files = parseUnifiedDiff(rawDiff);
  if (!files.some((f) => withheld.has(f.path) || (f.oldPath !== undefined && withheld.has(f.oldPath)))) return rawDiff;
  const out: string[] = [];
  let fileIndex = -1;
  let hiding = false;
  let noted = false;
  for (const line of rawDiff.split('\n')) {
    if (line.startsWith('diff --git ')) {
      const f = files[++fileIndex];
      hiding = f !== undefined && (withheld.has(f.path) || (f.oldPath !== undefined && withheld.has(f.oldPath)));
      noted = false;
      out.push(line);
      continue;
    }
    if (!hiding || (!noted && !isBodyStart(line))) {
      out.push(line);
      continue;
    }
    if (!noted) out.push(WITHHELD_NOTE);
    noted = true;
  }
  return out.join('\n');
}

/** The first line of a file's content in a diff: a hunk, or git's binary notice. */
function isBodyStart(line: string): boolean {
  return line.startsWith('@@') || line.startsWith('Binary files ') || line.startsWith('GIT binary patch');
}

/**
 * A content match with its matched text redacted: the text is an excerpt of the file, secrets and all. A secrets
 * rule's excerpt the redactor cannot read (cut at 80 characters mid-quote) is hidden whole: it matched a secret.
 */
export function redactMatch(m: RiskMatch): RiskMatch {
  if (m.match === undefined) return m;
  const redacted = redactText(m.match);
  return { ...m, match: redacted === m.match && m.category === SECRETS_CATEGORY && m.match !== '' ? '[REDACTED:secret]' : redacted };
}

/** `files` with every content excerpt redacted (a file without one is kept as it is). */
export function redactFileMatches<F extends Pick<RiskyFile, 'matches'>>(files: readonly F[]): F[] {
  return files.map((f) => (f.matches.some((m) => m.match !== undefined) ? { ...f, matches: f.matches.map(redactMatch) } : f));
}
