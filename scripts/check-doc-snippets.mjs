#!/usr/bin/env node
// Typechecks every ```ts code block in README.md and docs/**/*.md (docs/api excepted: typedoc writes
// it). Each block becomes its own module under .tmp/doc-snippets/ and is checked with the repo's
// TypeScript against the package sources (the same `paths` as the root tsconfig.json). A block fenced
// as ```ts nocheck is skipped. Errors are printed as <markdown file>:<line>. Exit code 1 on any error.
//
//   node scripts/check-doc-snippets.mjs              check the docs
//   node scripts/check-doc-snippets.mjs --self-test  prove the checker on a fixture
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The `@botkeel/*` entry points, as the root tsconfig.json maps them. */
const packageSources = {
  '@botkeel/core': 'packages/core/src/index.ts',
  '@botkeel/core/testing': 'packages/core/src/testing/index.ts',
  '@botkeel/core/openai': 'packages/core/src/openai/index.ts',
  '@botkeel/store-redis': 'packages/store-redis/src/index.ts',
  '@botkeel/store-postgres': 'packages/store-postgres/src/index.ts',
  '@botkeel/adapter-telegram': 'packages/adapter-telegram/src/index.ts',
  '@botkeel/adapter-telegram/testing': 'packages/adapter-telegram/src/testing/index.ts',
};

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

/**
 * Writes every block of `files` as its own module into `directory` with a tsconfig that maps the
 * `@botkeel/*` names to the package sources, typechecks them in one program, and answers the errors
 * located in the markdown (`file:line`).
 */
function checkMarkdown(files, directory) {
  rmSync(directory, { recursive: true, force: true });
  mkdirSync(directory, { recursive: true });
  const fromDirectory = (path) => relative(directory, join(root, path));
  const paths = Object.fromEntries(
    Object.entries(packageSources).map(([name, source]) => [name, [fromDirectory(source)]]),
  );
  writeFileSync(join(directory, 'package.json'), JSON.stringify({ type: 'module', private: true }, null, 2));
  writeFileSync(
    join(directory, 'tsconfig.json'),
    JSON.stringify(
      {
        extends: fromDirectory('tsconfig.base.json'),
        compilerOptions: { noEmit: true, rootDir: fromDirectory('.'), paths },
        include: ['*.ts'],
      },
      null,
      2,
    ),
  );

  /** Snippet file -> where it came from. */
  const origins = new Map();
  for (const file of files) {
    const name = relative(root, file)
      .replace(/\.md$/, '')
      .replace(/[^A-Za-z0-9]+/g, '-');
    for (const block of extractBlocks(readFileSync(file, 'utf8'))) {
      const snippet = join(directory, `${name}-L${block.startLine}.ts`);
      // `export {}` makes every block a module: its names stay its own and top-level await works.
      writeFileSync(snippet, `${block.code}\nexport {};\n`);
      origins.set(snippet, { file: relative(root, file), startLine: block.startLine });
    }
  }

  const config = ts.getParsedCommandLineOfConfigFile(
    join(directory, 'tsconfig.json'),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
        throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
      },
    },
  );
  const program = ts.createProgram({ rootNames: config.fileNames, options: config.options });
  const errors = [];
  let otherErrors = 0;
  for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
    const message = `TS${diagnostic.code}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`;
    const origin = diagnostic.file ? origins.get(resolve(diagnostic.file.fileName)) : undefined;
    if (diagnostic.file && origin && diagnostic.start !== undefined) {
      const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
      errors.push({ file: origin.file, line: origin.startLine + line, message });
    } else if (!diagnostic.file) {
      errors.push({ file: 'tsconfig', line: 0, message });
    } else {
      // An error inside a package source is the main typecheck's to report, not the docs'.
      otherErrors += 1;
    }
  }
  return { count: origins.size, errors, otherErrors };
}

/** Proves the checker itself: a good block passes, a broken one fails at its markdown line, `nocheck` is skipped. */
function selfTest() {
  const directory = join(root, '.tmp', 'doc-snippets-self-test');
  const fixture = join(directory, 'fixture.md');
  mkdirSync(directory, { recursive: true });
  writeFileSync(
    fixture,
    [
      '# Fixture', // 1
      '```ts', // 2
      "import { MemoryDedupeStore } from '@botkeel/core';", // 3
      'const store = new MemoryDedupeStore();', // 4
      "await store.claim('key', { leaseMs: 1_000 });", // 5
      '```', // 6
      '- a list item', // 7
      '  ```ts', // 8
      '  const count: number = 1;', // 9
      '  const text: string = count;', // 10: the one error
      '  ```', // 11
      '```ts nocheck', // 12
      'const broken: string = 42;', // 13
      '```', // 14
      '```sh', // 15
      'const notTypeScript = ;', // 16
      '```', // 17
    ].join('\n'),
  );
  const result = checkMarkdown([fixture], join(directory, 'out'));
  const located = result.errors.map((error) => `${error.line}:${error.message.slice(0, 6)}`);
  const expected = ['10:TS2322'];
  const isPassing = result.count === 2 && JSON.stringify(located) === JSON.stringify(expected);
  console.log(
    `doc snippets self-test: ${isPassing ? 'ok' : 'FAILED'} (blocks ${result.count}, errors ${JSON.stringify(located)}; expected 2 blocks and ${JSON.stringify(expected)})`,
  );
  return isPassing;
}

if (process.argv.includes('--self-test')) {
  process.exit(selfTest() ? 0 : 1);
}

const result = checkMarkdown(markdownFiles(), join(root, '.tmp', 'doc-snippets'));
for (const error of result.errors) console.error(`${error.file}:${error.line}: ${error.message}`);
console.log(
  `doc snippets: ${result.count} checked, ${result.errors.length} error(s)` +
    (result.otherErrors > 0
      ? ` (${result.otherErrors} more in package sources, left to npm run typecheck)`
      : ''),
);
process.exit(result.errors.length > 0 ? 1 : 0);
