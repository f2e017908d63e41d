#!/usr/bin/env node
// Writes docs/benchmarks.md from the per-topic pages in docs/benchmarks/, so the figures live next to
// the benchmark that produced them and the overview never drifts from them.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const folder = join(root, 'docs', 'benchmarks');
const pages = readdirSync(folder)
  .filter((name) => name.endsWith('.md'))
  .sort();

const intro = `# Benchmarks

Every figure below was measured on the project's CI machine (2 cores, Node 20, other jobs running), with
our primitive and the named peer in the same process and run; each section names the command that
reproduces it. \`npm run bench\` runs them all (\`npm run bench -- <name>\` runs one). Ratios above 1 favour
Botkeel. This page is generated from \`docs/benchmarks/*.md\` by \`node scripts/merge-benchmark-docs.mjs\`.
`;

const sections = pages.map((name) => {
  const text = readFileSync(join(folder, name), 'utf8').trim();
  // Each page's headings move one level down under this page's title.
  return `${text.replace(/^(#{1,5}) /gm, '#$1 ')}\n\n_Source: [docs/benchmarks/${name}](benchmarks/${name})_`;
});

writeFileSync(join(root, 'docs', 'benchmarks.md'), `${intro}\n${sections.join('\n\n')}\n`);
console.log(`docs/benchmarks.md: ${pages.length} pages merged`);
