import { statSync } from 'node:fs';
import { isAbsolute, relative, sep } from 'node:path';
import * as vscode from 'vscode';
import { activeSession, isIgnoredPath } from '../core/capture/workspaceActivity';
import { reviewContext } from '../core/review/evidence';
import type { RiskScan } from '../core/review/subject';
import { classifyFile } from '../core/risk/fileRisk';
import { loadPolicy, POLICY_FILE } from '../core/risk/load';
import { scanRisk } from '../core/risk/scan';
import type { PolicyState, RiskyFile } from '../core/risk/types';
import { Disposable } from './disposable';
import type { RecordService } from './recordService';

const isFolder = (path: string): boolean => {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
};

/** A file's change rests this long before it is classified again: an agent writes a file in bursts. */
const SETTLE_MS = 300;

/**
 * Which files of the working tree are risky now, under the policy in force. A save (or an agent's write) re-classifies
 * only that file; the full scan runs at start and with each review. In an untrusted workspace git is never run.
 */
export class RiskState extends Disposable {
  private files = new Map<string, RiskyFile>();
  private policyState: PolicyState | undefined;
  private base: string | undefined;
  private timers = new Map<string, NodeJS.Timeout>();
  private readonly changed = this._register(new vscode.EventEmitter<vscode.Uri[]>());
  /** The files whose risk changed (for badges). */
  readonly onDidChange = this.changed.event;
  private readonly touched = this._register(new vscode.EventEmitter<RiskyFile>());
  /** A file in a category that needs a review changed (for automatic reviews). */
  readonly onDidTouchReviewed = this.touched.event;
  private readonly policyRead = this._register(new vscode.EventEmitter<PolicyState>());
  /** The policy was read and differs from the last read (its content, or the file's problem). */
  readonly onDidReadPolicy = this.policyRead.event;
  private policyKey: string | undefined;

  constructor(private readonly records: RecordService) {
    super();
    this._register({ dispose: () => this.timers.forEach((t) => clearTimeout(t)) });
    this._register(vscode.workspace.onDidSaveTextDocument((d) => this.changedOnDisk(d.uri)));
    // Explorer and refactoring operations are reported even where the file watcher misses them.
    this._register(vscode.workspace.onDidCreateFiles((e) => e.files.forEach((u) => this.changedOnDisk(u))));
    this._register(vscode.workspace.onDidDeleteFiles((e) => e.files.forEach((u) => this.changedOnDisk(u))));
    this._register(vscode.workspace.onDidRenameFiles((e) => e.files.forEach((f) => [f.oldUri, f.newUri].forEach((u) => this.changedOnDisk(u)))));
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (folder) {
      // An agent writes files without a save in the editor.
      const watcher = this._register(vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, '**/*')));
      this._register(watcher.onDidChange((u) => this.changedOnDisk(u)));
      this._register(watcher.onDidCreate((u) => this.changedOnDisk(u)));
      this._register(watcher.onDidDelete((u) => this.changedOnDisk(u)));
    }
  }

  get repoRoot(): string | undefined {
    return this.records.location()?.repoRoot;
  }

  /** The policy in force (read without writing its last good copy in an untrusted workspace). */
  policy(): PolicyState | undefined {
    const root = this.repoRoot;
    if (!root) return undefined;
    if (!this.policyState) this.takePolicy(loadPolicy(root, { persist: !this.records.readOnly }));
    return this.policyState;
  }

  /** The repository-relative path of a file of this repository, or undefined. */
  relPath(uri: vscode.Uri): string | undefined {
    const root = this.repoRoot;
    if (!root || uri.scheme !== 'file') return undefined;
    const rel = relative(root, uri.fsPath);
    return !rel || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel) ? undefined : rel.split(sep).join('/');
  }

  riskOf(uri: vscode.Uri): RiskyFile | undefined {
    const rel = this.relPath(uri);
    return rel === undefined ? undefined : this.files.get(rel);
  }

  riskyFiles(): RiskyFile[] {
    return [...this.files.values()];
  }

  /** Takes a full scan's answer (from a review or `rescan`). */
  applyScan(scan: RiskScan): void {
    const root = this.repoRoot;
    this.takePolicy(scan.policy);
    this.base = scan.baseCommit;
    const before = [...this.files.keys()];
    this.files = new Map(scan.risky.map((f) => [f.path, f]));
    if (root) this.changed.fire([...new Set([...before, ...this.files.keys()])].map((p) => vscode.Uri.file(`${root}/${p}`)));
  }

  /** Every change since the active session's starting commit (or HEAD), classified; `fromDisk`: a change on disk asked for it. */
  async rescan(fromDisk = false): Promise<void> {
    const root = this.repoRoot;
    if (!root || this.records.readOnly) return;
    const store = await this.records.get()?.open();
    const start = store ? reviewContext(store.db, activeSession(store.db)).startCommit : undefined;
    const before = this.files;
    this.applyScan(await scanRisk(root, start));
    if (!fromDisk) return;
    const reviewed = this.reviewedCategories();
    const touched = [...this.files.values()].find((f) => f.categories.some((c) => reviewed.has(c)) && JSON.stringify(before.get(f.path)) !== JSON.stringify(f));
    if (touched) this.touched.fire(touched);
  }

  private takePolicy(state: PolicyState): void {
    this.policyState = state;
    const key = JSON.stringify([state.hash, state.source, state.error]);
    if (key === this.policyKey) return;
    this.policyKey = key;
    this.policyRead.fire(state);
  }

  private reviewedCategories(): Set<string> {
    return new Set((this.policy()?.policy.categories ?? []).filter((c) => c.review).map((c) => c.id));
  }

  private changedOnDisk(uri: vscode.Uri): void {
    if (this.records.readOnly || uri.scheme !== 'file' || isIgnoredPath(uri.fsPath)) return;
    const rel = this.relPath(uri);
    if (rel === undefined) return;
    clearTimeout(this.timers.get(rel));
    this.timers.set(rel, setTimeout(() => {
      this.timers.delete(rel);
      void this.reclassify(rel, uri).catch(() => undefined);
    }, SETTLE_MS));
  }

  private async reclassify(rel: string, uri: vscode.Uri): Promise<void> {
    const root = this.repoRoot;
    if (!root) return;
    // The policy file itself, or a folder holding it (a deleted .flightdeck is reported as the folder alone).
    if (rel === POLICY_FILE || POLICY_FILE.startsWith(`${rel}/`)) {
      // A new policy can change every file's risk.
      this.policyState = undefined;
      return this.rescan(true);
    }
    // A new folder stands for its files (the watch on it can come too late to report them one by one).
    if (this.base === undefined || isFolder(uri.fsPath)) return this.rescan(true);
    const policy = this.policy();
    if (!policy) return;
    const risky = await classifyFile(root, policy.policy, this.base, rel);
    const was = this.files.get(rel);
    if (risky) this.files.set(rel, risky);
    else this.files.delete(rel);
    if (JSON.stringify(was) !== JSON.stringify(risky)) this.changed.fire([uri]);
    const reviewed = this.reviewedCategories();
    if (risky?.categories.some((c) => reviewed.has(c))) this.touched.fire(risky);
  }
}
