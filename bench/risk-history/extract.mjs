// node extract.mjs <gitdir> <name> <count>: last <count> non-merge commits with files and added lines (raw) to /tmp/riskbench/<name>.raw.json
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
const [gitDir, name, count, before] = process.argv.slice(2);
const git = (...a) => execFileSync('git', ['--git-dir', gitDir, '-c', 'core.quotePath=false', ...a], { encoding: 'utf8', maxBuffer: 1 << 30 });
const ids = git('rev-list', '--no-merges', `--max-count=${Number(count) + 50}`, ...(before ? [`--before=${before}`] : []), 'HEAD').trim().split('\n');
const out = [];
for (const id of ids) {
  const msg = git('log', '-1', '--format=%an%n%s%n%b', id);
  if (out.length >= Number(count)) break;
  let diff;
  try { diff = git('show', '--format=', '-U0', '--no-color', '-M', '--src-prefix=a/', '--dst-prefix=b/', id); } catch { console.error('skip (a blob is missing in the snapshot)', id); continue; }
  const files = [];
  let f;
  for (const line of diff.split('\n')) {
    if (line.startsWith('diff --git ')) { f = { p: '', c: 'M', l: [], r: [] }; files.push(f); const m = /^diff --git a\/(.*) b\/(.*)$/.exec(line); if (m) f.p = m[2]; continue; }
    if (!f) continue;
    if (line.startsWith('new file mode')) f.c = 'A';
    else if (line.startsWith('deleted file mode')) f.c = 'D';
    else if (line.startsWith('rename from ')) { f.c = 'R'; f.o = line.slice(12); }
    else if (line.startsWith('rename to ')) f.p = line.slice(10);
    else if (line.startsWith('+++ b/')) f.p = line.slice(6);
    else if (line.startsWith('--- a/') && f.c === 'D') f.p = line.slice(6);
    else if (line.startsWith('Binary files')) f.b = true;
    else if (line.startsWith('+') && !line.startsWith('+++')) f.l.push(line.slice(1));
    else if (line.startsWith('-') && !line.startsWith('---')) f.r.push(line.slice(1));
  }
  const [author, subject, ...body] = msg.split('\n');
  out.push({ id, author, subject, body: body.join('\n').trim().slice(0, 500), files });
}
writeFileSync(`/tmp/riskbench/${name}.raw.json`, JSON.stringify(out));
console.log(name, out.length);
