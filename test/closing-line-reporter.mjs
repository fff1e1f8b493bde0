// A node:test reporter: one line per test, failures in full, then the closing "N passed, N failed" line.
const label = process.env.FLIGHTDECK_STAGE ?? 'unit';

export default async function* closingLine(source) {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  const failures = [];
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const { name, nesting, details, skip, todo } = event.data;
    if (details?.type === 'suite') continue;
    const indent = '  '.repeat(nesting);
    if (event.type === 'test:pass') {
      if (skip || todo) {
        skipped++;
        yield `${indent}- ${name} (skipped${typeof skip === 'string' ? ': ' + skip : ''})\n`;
      } else {
        passed++;
        yield `${indent}ok ${name}\n`;
      }
    } else {
      failed++;
      const err = details?.error;
      const cause = err?.cause ?? err;
      failures.push(`${name}\n${cause?.stack ?? cause?.message ?? String(cause)}`);
      yield `${indent}FAIL ${name}\n`;
    }
  }
  for (const f of failures) yield `\n--- ${f}\n`;
  yield `\n${label}: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`;
}
