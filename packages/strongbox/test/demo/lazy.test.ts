/**
 * `strongbox serve` must not pay for the demo: the CLI reaches `src/demo/` only through a dynamic
 * `import()`, so the SDK clients and the S3 Encryption Client the demo uses are never loaded by
 * the static import graph of the command.
 */

import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const SRC = join(import.meta.dirname, '..', '..', 'src');

/** Static (not dynamic) imports and re-exports of a file, by their specifiers. */
function staticImports(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest);
  const specifiers: string[] = [];
  for (const statement of source.statements) {
    if (
      (ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement)) &&
      statement.moduleSpecifier &&
      ts.isStringLiteral(statement.moduleSpecifier)
    ) {
      const typeOnly = ts.isImportDeclaration(statement) ? statement.importClause?.isTypeOnly === true : statement.isTypeOnly;
      if (!typeOnly) specifiers.push(statement.moduleSpecifier.text);
    }
  }
  return specifiers;
}

/** Every package file the CLI loads at start, and every package it imports. */
function staticGraph(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string): void => {
    if (files.has(file)) return;
    files.add(file);
    for (const specifier of staticImports(file)) {
      if (specifier.startsWith('.')) visit(resolve(dirname(file), specifier));
      else packages.add(specifier);
    }
  };
  visit(entry);
  return { files, packages };
}

describe('the strongbox command', () => {
  const graph = staticGraph(join(SRC, 'cli.ts'));

  it('loads nothing of the demo at start', () => {
    expect([...graph.files].map((file) => relative(SRC, file)).filter((file) => file.startsWith('demo'))).toEqual([]);
    for (const name of ['@aws-sdk/client-kms', '@aws-sdk/client-cloudtrail', '@strongbox/s3-encryption-client', '@strongbox/s3-encryption-client/kms-sdk'])
      expect(graph.packages.has(name), name).toBe(false);
  });

  it('reaches the demo through a dynamic import', () => {
    expect(readFileSync(join(SRC, 'main.ts'), 'utf8')).toContain("await import('./demo/cli.ts')");
  });
});
