// Which VS Code tasks and terminal commands deploy: the built-in command list (commands.ts, shared with the
// Claude Code hook) and task-name words, plus what the user adds in settings. No `vscode` here: the adapter
// hands over a task's name and command line.
import { deployCommand } from './commands';

/** Words in a task's name that make it a deploy task: "Deploy to staging", "npm: release", "publish:docs". */
export const DEPLOY_TASK_WORDS: readonly string[] = ['deploy', 'release', 'publish'];

export interface DeployRules {
  /** Extra words or phrases in task names (whole words, case-insensitive). */
  taskNames: readonly string[];
  /** Extra regular expressions matched against a task's or a terminal's command line. */
  commands: readonly string[];
  /** Whether the built-in words and commands apply too. */
  builtIn: boolean;
}

export const DEFAULT_DEPLOY_RULES: DeployRules = { taskNames: [], commands: [], builtIn: true };

export interface TaskFacts {
  name: string;
  /** The shell command line or the process and its arguments, when the task has one. */
  commandLine?: string;
}

export interface DeployMatch {
  by: 'task name' | 'command';
  /** The word, built-in command or user pattern that matched. */
  pattern: string;
}

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A whole word or phrase: not inside a longer word, and not a flag (`cargo build --release` is no deploy). */
function nameHas(name: string, phrase: string): boolean {
  const words = phrase.trim().split(/\s+/).map(escapeRe).join('\\s+');
  return words !== '' && new RegExp(`(^|[^\\p{L}\\p{N}_-])${words}($|[^\\p{L}\\p{N}_])`, 'iu').test(name);
}

/** The user's patterns as expressions; a bad one is reported by the caller, never silently matches everything. */
export function compileCommandPatterns(patterns: readonly string[]): { res: { pattern: string; re: RegExp }[]; errors: string[] } {
  const res: { pattern: string; re: RegExp }[] = [];
  const errors: string[] = [];
  for (const pattern of patterns) {
    if (typeof pattern !== 'string' || !pattern.trim()) continue;
    try {
      res.push({ pattern, re: new RegExp(pattern, 'i') });
    } catch (e) {
      errors.push(`"${pattern}": ${(e as Error).message}`);
    }
  }
  return { res, errors };
}

/** Whether a command line deploys: the built-in list (read word by word) or one of the user's expressions. */
export function matchDeployCommand(line: string, rules: DeployRules): DeployMatch | undefined {
  if (rules.builtIn) {
    const hit = deployCommand(line);
    if (hit) return { by: 'command', pattern: hit };
  }
  const user = compileCommandPatterns(rules.commands).res.find((p) => p.re.test(line));
  return user ? { by: 'command', pattern: user.pattern } : undefined;
}

/** Whether a task deploys: by its name's words, else by its command line. */
export function matchDeployTask(task: TaskFacts, rules: DeployRules): DeployMatch | undefined {
  const words = [...(rules.builtIn ? DEPLOY_TASK_WORDS : []), ...rules.taskNames.filter((w) => typeof w === 'string')];
  const word = words.find((w) => nameHas(task.name, w));
  if (word) return { by: 'task name', pattern: word.trim() };
  return task.commandLine ? matchDeployCommand(task.commandLine, rules) : undefined;
}
