// The command layer's layout: src/commands/ holds one file per command of cli.ts's COMMANDS table
// (plus shared/), commands never import each other (what two commands share lives in shared/ or
// below), and nothing a command loads at start-up pulls in the AWS SDK.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import * as ts from 'typescript';

const SRC = resolve(__dirname, '../../../src');
const COMMANDS_DIR = join(SRC, 'commands');
const SHARED_DIR = join(COMMANDS_DIR, 'shared');

interface ImportRef {
  specifier: string;
  /** Loaded when the importing module loads: not `import type`, not `await import(...)`. */
  atLoad: boolean;
}

/** Every module a file refers to: static imports and re-exports, and dynamic import() calls. */
function importsOf(file: string, text = readFileSync(file, 'utf8')): ImportRef[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const refs: ImportRef[] = [];
  const visit = (node: ts.Node): void => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      refs.push({ specifier: node.moduleSpecifier.text, atLoad: !isTypeOnly(node) });
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      refs.push({ specifier: node.arguments[0].text, atLoad: false });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return refs;
}

function isTypeOnly(node: ts.ImportDeclaration | ts.ExportDeclaration): boolean {
  if (ts.isExportDeclaration(node)) return node.isTypeOnly;
  const clause = node.importClause;
  if (!clause) return false; // a side-effect import
  if (clause.isTypeOnly) return true;
  const bindings = clause.namedBindings;
  return (
    !clause.name &&
    !!bindings &&
    ts.isNamedImports(bindings) &&
    bindings.elements.length > 0 &&
    bindings.elements.every((e) => e.isTypeOnly)
  );
}

/** The source file a relative specifier names, or undefined for a package. */
function resolveLocal(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const base = resolve(dirname(from), specifier);
  return [`${base}.ts`, join(base, 'index.ts'), base].find((p) => existsSync(p) && statSync(p).isFile());
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** The COMMANDS table of cli.ts as [command name, module path] pairs. */
function commandsTable(): Array<[name: string, module: string]> {
  const cli = readFileSync(join(SRC, 'cli.ts'), 'utf8');
  const table = /const COMMANDS[^\n]*= \[\n([\s\S]*?)\n\];/.exec(cli)?.[1] ?? '';
  return [...table.matchAll(/\['([^']+)',[^\n]*?import\('\.\/commands\/([^']+)'\)/g)].map((m) => [m[1]!, m[2]!]);
}

const isCommandFile = (file: string) => dirname(file) === COMMANDS_DIR;

describe('src/commands', () => {
  const table = commandsTable();

  it('has exactly one file per command of the COMMANDS table, named for it, besides shared/', () => {
    expect(table).toHaveLength(32);
    for (const [name, module] of table) expect({ name, module }).toEqual({ name, module: name });
    const named = new Set(table.map(([, module]) => `${module}.ts`));
    const entries = readdirSync(COMMANDS_DIR).filter((entry) => entry !== 'shared');
    const unlisted = entries.filter((entry) => !named.has(entry));
    expect(unlisted).toEqual([]);
    expect(entries.sort()).toEqual([...named].sort());
  });

  it('no file under src/commands imports a command file', () => {
    const offending = filesUnder(COMMANDS_DIR).flatMap((file) =>
      importsOf(file)
        .map(({ specifier }) => resolveLocal(file, specifier))
        .filter((target): target is string => target !== undefined && isCommandFile(target) && target !== file)
        .map((target) => `${relative(SRC, file)} imports ${relative(SRC, target)}`),
    );
    expect(offending).toEqual([]);
  });

  it('commands and commands/shared load no AWS SDK package at start-up (services come by await import)', () => {
    const roots = filesUnder(COMMANDS_DIR).filter((file) => file.endsWith('.ts'));
    const offending = new Set<string>();
    const seen = new Map<string, string[]>();
    const walk = (file: string, chain: string[]): void => {
      if (seen.has(file)) return;
      seen.set(file, chain);
      for (const { specifier, atLoad } of importsOf(file)) {
        if (!atLoad) continue;
        if (/^@aws-sdk\/|^@smithy\//.test(specifier)) offending.add([...chain, relative(SRC, file), specifier].join(' -> '));
        const target = resolveLocal(file, specifier);
        if (target?.endsWith('.ts')) walk(target, [...chain, relative(SRC, file)]);
      }
    };
    for (const root of roots) walk(root, []);
    expect([...offending]).toEqual([]);
  });

  it('the checks above see what they look for', () => {
    const file = join(COMMANDS_DIR, 'rotate-key.ts');
    const refs = importsOf(
      file,
      "import type { A } from './a';\nimport { type B } from './b';\nimport { c } from './create';\nconst m = await import('../services/x');\n",
    );
    expect(refs).toEqual([
      { specifier: './a', atLoad: false },
      { specifier: './b', atLoad: false },
      { specifier: './create', atLoad: true },
      { specifier: '../services/x', atLoad: false },
    ]);
    expect(resolveLocal(file, './create')).toBe(join(COMMANDS_DIR, 'create.ts'));
    expect(isCommandFile(join(COMMANDS_DIR, 'create.ts'))).toBe(true);
    expect(isCommandFile(join(SHARED_DIR, 'run-plan.ts'))).toBe(false);
    expect(table.map(([name]) => name)).toContain('assume-and-sync');
  });
});
