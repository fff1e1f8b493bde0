// What a review holds, what an engine answers, and how it is recorded.
import type { RiskyFile } from '../risk/types';

export type Severity = 'high' | 'medium' | 'low';

/** One problem a reviewer found, where it is, and why it matters. */
export interface Concern {
  /** Repository-relative path. */
  file: string;
  /** 1-based line in the new file, when the concern has one. */
  line?: number;
  severity: Severity;
  /** One line: "Idle sessions never expire". */
  title: string;
  /** What is wrong against the intent, and what would fix it. */
  explanation: string;
  /** The rules engine's rule id (e.g. "migration-without-down"); absent for a model's concern. */
  rule?: string;
  /** The engine that raised it ("rules", "anthropic"), when concerns of several engines are combined. */
  engine?: string;
}

/** Exactly what an engine is given: never the agent's transcript or reasoning. */
export interface ReviewInput {
  reviewId: string;
  /** The task's intent as the owner stated it (or the session's first prompt). */
  intent: string;
  /** The task's boundary, as text, or empty. */
  boundary: string;
  files: RiskyFile[];
  /** Unified diff of the risky files, redacted. */
  diff: string;
  /** The commit the diff is against. */
  baseCommit: string;
  /** Evidence from the record: checks run after the last change, by kind, with pass/fail. */
  checks: { kind: string; command: string; passed: boolean }[];
  policyHash: string;
  /** Every path changed in the same change, risky or not (a test changed beside auth code is evidence). */
  changedPaths?: string[];
  /** Secret-looking literals on added lines, found before the diff was redacted: where and what kind, never the value. */
  secrets?: { file: string; line: number; kind: string }[];
}

/** An engine's answer. `failed` is never a pass: the review stays open and says why. */
export interface Verdict {
  status: 'passed' | 'concerns' | 'failed';
  concerns: Concern[];
  /** "rules" or "anthropic". */
  engine: string;
  /** The model that answered, for a model engine. */
  model?: string;
  /** For `failed`: "review failed: rate limited (retry after 20 s)". */
  error?: string;
  /** The reviewer prompt's version, so a past verdict can be explained. */
  promptVersion: string;
  /** sha256 of exactly what was sent (or, for rules, what was read). */
  inputHash: string;
}

/** A second eye: rules offline, or a model. */
export interface ReviewEngine {
  readonly id: string;
  review(input: ReviewInput, signal?: AbortSignal): Promise<Verdict>;
}

/** A review's life: pending → passed | concerns → resolved (a new change re-reviews) | overridden. */
export type ReviewStatus = 'pending' | 'passed' | 'concerns' | 'failed' | 'resolved' | 'overridden';
