import * as vscode from 'vscode';
import { classifyCheck, type CheckRule } from '../core/capture/classify';
import { globToRegExp } from '../core/capture/task';
import type { CheckClassifier } from '../core/capture/transcript';

const section = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration('flightdeck');

/** The user's `flightdeck.checks.rules`, tried before the built-in ones. */
export const checkRules = (): CheckRule[] => section().get<CheckRule[]>('checks.rules', []);

/** Classifies commands with the built-in rules plus the user's `flightdeck.checks.rules`, read at each call. */
export const settingsClassifier: CheckClassifier = (command) => classifyCheck(command, checkRules())?.kind;

/** `flightdeck.capture.excludeFiles` as expressions over workspace-relative paths. */
export function excludedFiles(): RegExp[] {
  return section()
    .get<string[]>('capture.excludeFiles', [])
    .filter((g) => typeof g === 'string' && g.trim())
    .map(globToRegExp);
}
