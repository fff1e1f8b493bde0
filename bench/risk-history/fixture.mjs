// Labelled commits → test/fixtures/risk-history/<name>.json.gz (gzipped), with added lines in a compact word form (code is not copied).
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
const [name, repo, snapshot, out] = process.argv.slice(2);
const cs = JSON.parse(readFileSync(`${name}.labelled.json`, 'utf8'));
const words = (l) => (l.match(/[A-Za-z_$][A-Za-z0-9_$!?]*|\d+/g) ?? []).join(' ');
const change = { A: 'added', M: 'modified', D: 'deleted', R: 'renamed' };
const commits = cs.map((c) => ({
  id: c.id,
  risky: c.label.risky,
  categories: c.label.categories,
  files: c.files.map((f) => {
    const noContent = f.b || /(^|\/)(translations|locales?|i18n|test|tests|spec|e2e|app-tests|fixtures|docs)\/|\.(po|pot|json|lock|ya?ml|md|mdx|svg|css|scss|snap|html|txt)$|lock\.yaml$/.test(f.p);
    const lines = [...new Set(noContent ? [] : f.l.filter((l) => l.length < 500).map(words).filter((w) => /[A-Za-z]/.test(w)))].slice(0, 150);
    return { path: f.p, change: change[f.c], ...(f.o ? { oldPath: f.o } : {}), ...(lines.length ? { words: lines } : {}) };
  }),
}));
mkdirSync(out.replace(/\/[^/]+$/, ''), { recursive: true });
writeFileSync(out, gzipSync(JSON.stringify({ repo, snapshot, commits: commits.length, labelling: 'see bench/riskSignal.ts', words: 'added lines as their words (identifiers and numbers) only; none for tests, docs, translations, data and lock files', data: commits }) + '\n', { level: 9 }));
console.log(out, (JSON.stringify(commits).length / 1e6).toFixed(2), 'MB');
