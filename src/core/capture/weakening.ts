// Edits that make a check easier to pass instead of making the code pass it: a test skipped, an assertion
// removed or loosened, an expectation changed, a check taken out of package.json scripts or a CI config. Read from
// the edit's text alone (old and new), so a hook and a transcript find the same signals.
import type { CheckKind } from './classify';

export type WeakeningKind = 'test-skipped' | 'assertion-removed' | 'assertion-loosened' | 'expectation-changed' | 'check-removed';

export interface Weakening {
  kind: WeakeningKind;
  /** One line for people: what the edit did, quoting the line (clipped). */
  detail: string;
  /** The kind of check this weakens (tests for test files; the removed command's kind for scripts and CI). */
  check?: CheckKind;
}

/** Test files by the conventions of the common test runners. */
export function isTestFile(path: string): boolean {
  const p = path.replace(/\\/g, '/');
  return /(^|\/)(tests?|__tests__|spec|specs|e2e)\//i.test(p) ||
    /\.(test|spec|e2e)\.[cm]?[jt]sx?$/i.test(p) ||
    /(^|\/)test_[^/]*\.py$|_test\.(py|go|rb|exs?)$|_spec\.rb$|(Test|Tests|Spec)\.(java|kt|cs|swift|scala)$/.test(p);
}

/** CI configuration and task files that run checks. */
export function isCiConfig(path: string): boolean {
  const p = path.replace(/\\/g, '/');
  return /(^|\/)\.github\/workflows\/[^/]+\.ya?ml$|(^|\/)\.gitlab-ci\.ya?ml$|(^|\/)\.circleci\/|(^|\/)azure-pipelines\.ya?ml$|(^|\/)Jenkinsfile$|(^|\/)\.pre-commit-config\.ya?ml$|(^|\/)\.husky\/|(^|\/)(Makefile|tox\.ini|noxfile\.py|Taskfile\.ya?ml|lefthook\.ya?ml)$/.test(p);
}

const SKIP =
  /\b(?:it|test|describe|context|suite|specify)\.(?:skip|todo)\s*[(`]|\b(?:xit|xtest|xdescribe|xcontext|xspecify)\s*\(|@pytest\.mark\.(?:skip|skipif|xfail)\b|\bpytest\.skip\s*\(|@unittest\.(?:skip|expectedFailure)|\bself\.skipTest\s*\(|\bt\.Skip(?:Now|f)?\s*\(|@Disabled\b|@Ignore\b|#\[ignore\]|\{\s*skip\s*:\s*true\b|\bskip\s*\(\s*['"`]/;
const FOCUS = /\b(?:it|test|describe|context)\.only\s*\(|\b(?:fit|fdescribe)\s*\(/;
const ASSERT =
  /\b(?:expect|assert[A-Za-z_]*|should|XCTAssert\w*)\s*[(.]|\bassert\s|\bt\.(?:Error|Errorf|Fatal|Fatalf|Fail|FailNow)\s*\(|\brequire\.\w+\s*\(|\bassert_\w+/;
const STRICT =
  /\.(?:toBe|toEqual|toStrictEqual|toMatchObject|toHaveLength|toHaveBeenCalledWith|toHaveBeenCalledTimes|toThrow\w*|rejects|toHaveProperty)\s*\(|\bassert\.(?:strictEqual|deepStrictEqual|equal|deepEqual|throws|rejects|match|notEqual)\s*\(|\bassert(?:Equals?|Same|Raises|That|_equal|_raises)\b|\bassert\s+[^\n]*(?:==|!=|\bis\b|\bin\b)|\brequire\.(?:Equal|EqualValues|ErrorIs|Len)\b/;
const LOOSE =
  /\.(?:toBeTruthy|toBeFalsy|toBeDefined|toBeUndefined|toBeNull|toBeGreaterThan\w*|toBeLessThan\w*|toContain|toBeCloseTo|toMatch|toBeInstanceOf)\s*\(|\.not\.toBeNull\s*\(|\bexpect\.(?:anything|any)\s*\(|\bassert\.ok\s*\(|\bassert\s*\(|\bassert(?:True|False|IsNotNone|NotNull|_not_nil)\b|\brequire\.(?:NotNil|True)\b/;
/** A script or CI step that runs a check but lets it fail. */
const NEUTERED = /\|\|\s*(?:true|exit 0|:)\b|--passWithNoTests|--pass-with-no-tests|\bexit 0\s*$|continue-on-error:\s*true|allow_failure:\s*true|--no-verify/;

const clipLine = (s: string): string => {
  const t = s.trim().replace(/\s+/g, ' ');
  return t.length > 120 ? `${t.slice(0, 119)}…` : t;
};

/** Lines of `a` not in `b`, counting repeats (a line kept is neither removed nor added). */
function minus(a: string[], b: string[]): string[] {
  const left = new Map<string, number>();
  for (const l of b) left.set(l, (left.get(l) ?? 0) + 1);
  const out: string[] = [];
  for (const l of a) {
    const n = left.get(l) ?? 0;
    if (n > 0) left.set(l, n - 1);
    else out.push(l);
  }
  return out;
}

const linesOf = (text: string): string[] => text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !/^(\/\/|#(?!\[)|\*|\/\*)/.test(l));

/** The literal values a line mentions (numbers and quoted strings): an expectation changed keeps its shape but not these. */
const literals = (line: string): string => (line.match(/(['"`])(?:\\.|(?!\1).)*\1|\b\d+(?:\.\d+)?\b/g) ?? []).join('\u0000');
const shape = (line: string): string => line.replace(/(['"`])(?:\\.|(?!\1).)*\1|\b\d+(?:\.\d+)?\b/g, '_');

/** A package.json script line: its name and command. */
const SCRIPT_LINE = /^"([^"]+)"\s*:\s*"((?:\\.|[^"\\])*)"\s*,?$/;
const CHECK_SCRIPT_NAME = /^(test|tests|check|checks|lint|typecheck|type-check|tsc|verify|ci|e2e|test:[\w:-]+|lint:[\w:-]+|check:[\w:-]+)$/;
/** A CI or task line's command, without the YAML or Makefile around it. */
const stepCommand = (line: string): string => line.replace(/^-\s*/, '').replace(/^(?:run|script|command|cmd|entry)\s*:\s*[|>]?\s*/, '').replace(/^@/, '').replace(/^(['"])(.*)\1$/, '$2');

/**
 * What an edit of `path` from `before` to `after` does to the checks, if it weakens any. `classify` says which kind
 * of check a command is. Both texts are the edit's own (Edit's old and new string, or a whole file before and after).
 */
export function weakenings(path: string, before: string, after: string, classify: (command: string) => CheckKind | undefined): Weakening[] {
  const out: Weakening[] = [];
  const removed = minus(linesOf(before), linesOf(after));
  const added = minus(linesOf(after), linesOf(before));
  if (removed.length === 0 && added.length === 0) return out;

  if (isTestFile(path)) {
    const skipped = added.find((l) => SKIP.test(l) && !removed.some((r) => SKIP.test(r)));
    if (skipped) out.push({ kind: 'test-skipped', detail: `skipped: ${clipLine(skipped)}`, check: 'test' });
    const focused = added.find((l) => FOCUS.test(l) && !removed.some((r) => FOCUS.test(r)));
    if (focused) out.push({ kind: 'test-skipped', detail: `focused (every other test skipped): ${clipLine(focused)}`, check: 'test' });
    const goneAsserts = removed.filter((l) => ASSERT.test(l));
    const newAsserts = added.filter((l) => ASSERT.test(l));
    const loosened = goneAsserts.find((l) => STRICT.test(l)) !== undefined ? newAsserts.find((l) => LOOSE.test(l) && !STRICT.test(l)) : undefined;
    const changed = goneAsserts.find((r) => newAsserts.some((a) => shape(a) === shape(r) && literals(a) !== literals(r)));
    if (loosened) {
      const was = goneAsserts.find((l) => STRICT.test(l)) as string;
      out.push({ kind: 'assertion-loosened', detail: `${clipLine(was)} → ${clipLine(loosened)}`, check: 'test' });
    } else if (goneAsserts.length > newAsserts.length) {
      out.push({ kind: 'assertion-removed', detail: `${goneAsserts.length - newAsserts.length} assertion(s) removed: ${clipLine(goneAsserts[0] as string)}`, check: 'test' });
    } else if (changed) {
      const now = newAsserts.find((a) => shape(a) === shape(changed)) as string;
      out.push({ kind: 'expectation-changed', detail: `${clipLine(changed)} → ${clipLine(now)}`, check: 'test' });
    }
  }

  const base = path.replace(/\\/g, '/').split('/').pop() ?? '';
  if (base === 'package.json') {
    const scripts = (lines: string[]): Map<string, string> => {
      const m = new Map<string, string>();
      for (const l of lines) {
        const s = SCRIPT_LINE.exec(l);
        if (s) m.set(s[1] as string, (s[2] as string).replace(/\\"/g, '"'));
      }
      return m;
    };
    const was = scripts(removed);
    const now = scripts(added);
    for (const [name, command] of was) {
      const kind = classify(command) ?? (CHECK_SCRIPT_NAME.test(name) ? classify(`npm run ${name}`) ?? 'test' : undefined);
      if (!kind) continue;
      const next = now.get(name);
      if (next === undefined) out.push({ kind: 'check-removed', detail: `script "${name}" (${clipLine(command)}) removed from package.json`, check: kind });
      else if (!classify(next) || (NEUTERED.test(next) && !NEUTERED.test(command))) {
        out.push({ kind: 'check-removed', detail: `script "${name}": ${clipLine(command)} → ${clipLine(next)}`, check: kind });
      }
    }
  } else if (isCiConfig(path)) {
    const ranBefore = removed.map((l) => ({ l, kind: classify(stepCommand(l)) })).filter((x) => x.kind);
    for (const { l, kind } of ranBefore) {
      const cmd = stepCommand(l);
      if (!added.some((a) => stepCommand(a) === cmd)) {
        out.push({ kind: 'check-removed', detail: `${clipLine(cmd)} removed from ${base}`, check: kind });
        break;
      }
    }
    const neutered = added.find((l) => NEUTERED.test(l) && !removed.some((r) => NEUTERED.test(r)));
    if (neutered) out.push({ kind: 'check-removed', detail: `failures let through in ${base}: ${clipLine(neutered)}` });
  }
  return out;
}
