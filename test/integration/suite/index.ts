import { runAll } from './harness';
import { registerTrustedTests } from './trusted';
import { registerReviewTests } from './reviews';
import { registerPolicyTests } from './policy';
import { registerUntrustedTests } from './untrusted';
import { registerGitHooksTests } from './gitHooks';
import { registerDeployTests } from './deployLock';
import { registerMemoryTests } from './memory';
import { registerTeamSyncTests } from './teamSync';

/** The launcher says which pass this is: a trusted workspace, or the same one in Restricted Mode. */
export async function run(): Promise<void> {
  if (process.env.FLIGHTDECK_TEST_TRUST === 'untrusted') registerUntrustedTests();
  else {
    registerTrustedTests();
    registerReviewTests();
    registerPolicyTests();
    registerGitHooksTests();
    registerDeployTests();
    registerMemoryTests();
    registerTeamSyncTests();
  }
  const results = await runAll(process.env.FLIGHTDECK_TEST_RESULTS);
  for (const f of results.failures) console.error(`FAIL ${f.name}\n${f.error}`);
}
