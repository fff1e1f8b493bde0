// Who a clone's record belongs to on the remote: the git identity's email, made safe as one ref name component.
import { RecordError } from '../record/errors';
import { gitUserConfig } from '../gitConfig';

export const RECORDS_PREFIX = 'refs/flightdeck/records/';

export interface Author {
  email: string;
  name?: string;
  /** The last component of the author's ref: refs/flightdeck/records/<slug>. */
  slug: string;
}

/**
 * An email as a ref name component git accepts everywhere: lower case, letters, digits and . _ @ + - only,
 * no "..", no leading dot or dash, no trailing dot or ".lock". Two spellings of one address give one slug.
 */
export function authorSlug(email: string): string {
  let s = email.trim().toLowerCase().replace(/[^a-z0-9._@+-]+/g, '-').replace(/\.{2,}/g, '.').replace(/@\{/g, '@-');
  s = s.replace(/^[.-]+/, '').replace(/(\.lock)+$/, '').replace(/[.]+$/, '');
  return s.slice(0, 100);
}

/** This clone's author from `git config`; a repository without user.email cannot share (whose record would it be?). */
export async function currentAuthor(repoRoot: string): Promise<Author> {
  const { name, email: address } = await gitUserConfig(repoRoot);
  const slug = authorSlug(address);
  if (!address || !slug) {
    throw new RecordError('team sync needs your git identity: set it with git config user.email you@example.com', 'ENOIDENTITY');
  }
  const out: Author = { email: address, slug };
  if (name) out.name = name;
  return out;
}
