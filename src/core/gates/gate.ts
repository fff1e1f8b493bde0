// Opens the deploy gate of a repository: local (this machine) or remote (the team, through the git remote),
// as the project's policy or the caller says.
import { RecordError } from '../record/errors';
import { locateRecord } from '../record/location';
import { gitIdentity } from '../review/reviews';
import { readPolicy } from '../risk/read';
import type { DeployPolicy } from '../risk/types';
import { journalRecorder, LocalGateStore } from './localStore';
import { RemoteGateStore } from './remoteStore';
import { defaultGateEnv, type GateRecorder, type GateStore } from './store';
import { DEFAULT_GRACE_MS, type GateEnv, type Holder } from './types';

export interface GateOptions {
  /** Use the team lock on this remote, whatever the policy says. */
  remote?: string;
  env?: Partial<GateEnv>;
  recorder?: GateRecorder;
  /** Who writes the record events: "cli", "vscode". */
  source?: string;
}

export interface Gate {
  store: GateStore;
  repoRoot: string;
  recordDir: string;
  deploy: DeployPolicy;
  env: GateEnv;
}

export function openGate(path: string, options: GateOptions = {}): Gate {
  const location = locateRecord(path);
  if (!location?.repoRoot) throw new RecordError(`${path} is not inside a git repository`, 'ENOREPO');
  // Without its hash: node:crypto is not loaded for a lock taken around every deploy.
  const deploy = readPolicy(location.repoRoot, { recordDir: location.dir }).policy.deploy ?? {};
  const graceMs = deploy.graceSeconds === undefined ? DEFAULT_GRACE_MS : deploy.graceSeconds * 1000;
  const env = defaultGateEnv({ graceMs, ...options.env });
  const recorder = options.recorder ?? journalRecorder(location.dir);
  const remote = options.remote ?? (deploy.lock === 'remote' ? (deploy.remote ?? 'origin') : undefined);
  const store = remote
    ? new RemoteGateStore(location.repoRoot, remote, env, recorder, options.source)
    : new LocalGateStore(location.dir, env, recorder, options.source);
  return { store, repoRoot: location.repoRoot, recordDir: location.dir, deploy, env };
}

/** This process as a holder: the git identity, this machine, and (for a window) the process whose death frees the lock. */
export async function currentHolder(gate: Pick<Gate, 'repoRoot' | 'env'>, label: string, pid?: number): Promise<Holder> {
  const holder: Holder = { who: await gitIdentity(gate.repoRoot), host: gate.env.host, label };
  if (pid !== undefined) holder.pid = pid;
  return holder;
}
