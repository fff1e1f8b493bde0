import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileWrites } from '../../../src/core/capture/classify';
import { succeededBash } from '../../../src/core/capture/transcript';

test('files a shell line writes or deletes are read from its text', () => {
  const cases: [string, string[]][] = [
    ['echo hello > notes.txt', ['modified notes.txt']],
    ['echo more >> log/notes.txt 2>/dev/null', ['modified log/notes.txt']],
    ["cat > src/config.ts <<'EOF'\nexport const x = 1 > 0;\nEOF", ['modified src/config.ts']],
    ['npm test 2>&1 | tee out/test.txt', ['modified out/test.txt']],
    ['touch a.txt b.txt && rm -f old.txt', ['modified a.txt', 'modified b.txt', 'deleted old.txt']],
    ['mv draft.md final.md', ['deleted draft.md', 'modified final.md']],
    ['cp -r template/ target/', ['modified target/']],
    ["sed -i 's/a/b/' src/a.ts src/b.ts", ['modified src/a.ts', 'modified src/b.ts']],
    ["sed -i -e 's/a/b/' src/a.ts", ['modified src/a.ts']],
    ['bash -c "echo x > inner.txt"', ['modified inner.txt']],
    ['ls -la > /dev/null', []],
    ['grep -rn TODO src', []],
    ['echo $X > "$OUT"', []],
    ['rm -rf build/*.o', []],
    ["sed 's/a/b/' src/a.ts > src/a.out", ['modified src/a.out']],
  ];
  for (const [line, expected] of cases) {
    assert.deepEqual(fileWrites(line).map((w) => `${w.change} ${w.path}`), expected, line);
  }
});

test('a cd before a write names the folder it was written in', () => {
  assert.deepEqual(fileWrites('cd packages/web && echo x > notes.txt'), [{ path: 'notes.txt', change: 'modified', dir: 'packages/web' }]);
  assert.deepEqual(fileWrites('cd a && cd b && touch c'), [{ path: 'c', change: 'modified', dir: 'a/b' }]);
});

test("Claude Code's readings of non-zero exits become their real exit codes, not failures", () => {
  assert.deepEqual(succeededBash(undefined), { outcome: 'ok', exitCode: 0 });
  assert.deepEqual(succeededBash('No matches found'), { outcome: 'ok', exitCode: 1, interpretation: 'No matches found' });
  assert.deepEqual(succeededBash('Condition is false'), { outcome: 'ok', exitCode: 1, interpretation: 'Condition is false' });
  assert.deepEqual(succeededBash('Files differ'), { outcome: 'ok', exitCode: 1, interpretation: 'Files differ' });
  // An unknown reading: the code is not known, so none is made up.
  assert.deepEqual(succeededBash('Something new'), { outcome: 'ok', interpretation: 'Something new' });
});
