#!/usr/bin/env node
// Typechecks every ```ts code block in README.md and docs/**/*.md (docs/api excepted: typedoc writes
// it). Each block becomes its own module under .tmp/doc-snippets/ and is checked with the repo's
// TypeScript against the package sources (the same `paths` as the root tsconfig.json). A block fenced
// as ```ts nocheck is skipped. Errors are printed as <markdown file>:<line>. Exit code 1 on any error.
//
//   node scripts/check-doc-snippets.mjs
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, '.tmp', 'doc-snippets');

/** Markdown files to scan: README.md and docs/**, without the generated API reference. */
function markdownFiles() {
  const files = [join(root, 'README.md')];
  const walk = (directory) => {
    for (const entry of readdirSync(directory, { withFileTypes: true })) {
      const path = join(directory, entry.name);
      if (entry.isDirectory()) {
        if (relative(root, path) !== join('docs', 'api')) walk(path);
      } else if (entry.name.endsWith('.md')) {
        files.push(path);
      }
    }
  };
  walk(join(root, 'docs'));
  return files.sort();
}

/** The ```ts / ```typescript blocks of one markdown file, with the line of their first code line. */
function extractBlocks(markdown) {
  const blocks = [];
  const lines = markdown.split('\n');
  let open = null;
  for (let index = 0; index < lines.length; index += 1) {
    const line = lines[index];
    if (open === null) {
      const fence = /^(\s*)(```+)\s*(ts|typescript)\b(.*)$/.exec(line);
      if (fence) {
        open = {
          indent: fence[1].length,
          fence: fence[2],
          isSkipped: /\bnocheck\b/.test(fence[4]),
          startLine: index + 2,
          body: [],
        };
      }
    } else if (line.trim() === open.fence) {
      if (!open.isSkipped) blocks.push({ startLine: open.startLine, code: open.body.join('\n') });
      open = null;
    } else {
      open.body.push(line.slice(Math.min(open.indent, line.length - line.trimStart().length)));
    }
  }
  return blocks;
}

rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });

const fromOut = (path) => relative(outDir, join(root, path));
const paths = {
  '@botkeel/core': [fromOut('packages/core/src/index.ts')],
  '@botkeel/core/testing': [fromOut('packages/core/src/testing/index.ts')],
  '@botkeel/core/openai': [fromOut('packages/core/src/openai/index.ts')],
  '@botkeel/store-redis': [fromOut('packages/store-redis/src/index.ts')],
  '@botkeel/store-postgres': [fromOut('packages/store-postgres/src/index.ts')],
  '@botkeel/adapter-telegram': [fromOut('packages/adapter-telegram/src/index.ts')],
  '@botkeel/adapter-telegram/testing': [fromOut('packages/adapter-telegram/src/testing/index.ts')],
};
writeFileSync(join(outDir, 'package.json'), JSON.stringify({ type: 'module', private: true }, null, 2));
writeFileSync(
  join(outDir, 'tsconfig.json'),
  JSON.stringify(
    {
      extends: fromOut('tsconfig.base.json'),
      compilerOptions: { noEmit: true, rootDir: fromOut('.'), noUnusedLocals: false, paths },
      include: ['*.ts'],
    },
    null,
    2,
  ),
);

/** Snippet file name -> where it came from. */
const origins = new Map();
let count = 0;
for (const file of markdownFiles()) {
  const name = relative(root, file)
    .replace(/\.md$/, '')
    .replace(/[^A-Za-z0-9]+/g, '-');
  for (const block of extractBlocks(readFileSync(file, 'utf8'))) {
    count += 1;
    const snippet = `${name}-L${block.startLine}.ts`;
    // `export {}` makes every block a module: its names stay its own and top-level await works.
    writeFileSync(join(outDir, snippet), `${block.code}\nexport {};\n`);
    origins.set(join(outDir, snippet), { file: relative(root, file), startLine: block.startLine });
  }
}

const configPath = join(outDir, 'tsconfig.json');
const config = ts.getParsedCommandLineOfConfigFile(
  configPath,
  {},
  {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
      throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
    },
  },
);
const program = ts.createProgram({ rootNames: config.fileNames, options: config.options });
const diagnostics = ts.getPreEmitDiagnostics(program);

let snippetErrors = 0;
let otherErrors = 0;
for (const diagnostic of diagnostics) {
  const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
  const origin = diagnostic.file ? origins.get(resolve(diagnostic.file.fileName)) : undefined;
  if (diagnostic.file && origin && diagnostic.start !== undefined) {
    const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
    snippetErrors += 1;
    console.error(`${origin.file}:${origin.startLine + line}: TS${diagnostic.code}: ${message}`);
  } else if (!diagnostic.file) {
    snippetErrors += 1;
    console.error(`tsconfig: TS${diagnostic.code}: ${message}`);
  } else {
    // An error inside a package source is the main typecheck's to report, not the docs'.
    otherErrors += 1;
  }
}

console.log(
  `doc snippets: ${count} checked, ${snippetErrors} error(s)` +
    (otherErrors > 0 ? ` (${otherErrors} more in package sources, left to npm run typecheck)` : ''),
);
process.exit(snippetErrors > 0 ? 1 : 0);
