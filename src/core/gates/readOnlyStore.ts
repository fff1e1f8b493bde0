// A gate store that reads and never writes: Restricted Mode shows the lock as the rules see it (a lapsed lease
// reads as free) without settling it on disk.
import { GateTx } from './rules';
import type { GateStore } from './store';
import type { GateEnv, GateState } from './types';

export class ReadOnlyGateStore implements GateStore {
  readonly scope;
  readonly where;

  constructor(private readonly inner: GateStore, private readonly env: GateEnv) {
    this.scope = inner.scope;
    this.where = inner.where;
  }

  read(): Promise<GateState> {
    return this.inner.read();
  }

  /** Runs the step on a copy; nothing is stored and nothing recorded. */
  async transact<R>(step: (tx: GateTx) => R): Promise<R> {
    return step(new GateTx(await this.inner.read(), this.env));
  }
}
