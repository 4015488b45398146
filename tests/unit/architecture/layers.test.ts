// The import direction of shared/architecture.md, checked on the source text: commands -> services
// -> policies / aws / output, and never back up. Every static import, export-from and dynamic
// import() with a relative path counts; a package name is checked only where a layer must not
// reach the network (policies).
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const SRC = resolve(__dirname, '../../../src');

type Layer = 'cli' | 'io' | 'errors' | 'commands' | 'services' | 'policies' | 'aws' | 'output' | 'data';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

function layerOf(file: string): Layer {
  const rel = relative(SRC, file)
    .replace(/\\/g, '/')
    .replace(/^(?!.*\.(ts|json)$)(.*)$/, '$2.ts');
  // The JSON beside the code: policy templates and package.json (for --version).
  if (rel.startsWith('../policies/') || rel === '../package.json') return 'data';
  if (rel === 'cli.ts') return 'cli';
  if (rel === 'io.ts') return 'io';
  if (rel === 'errors.ts') return 'errors';
  const top = rel.split('/')[0] as Layer;
  if (!['commands', 'services', 'policies', 'aws', 'output'].includes(top))
    throw new Error(`${rel} belongs to no layer: place it in one, or name its layer here`);
  return top;
}

/** What each layer may import from the tree (its own layer always allowed). */
const ALLOWED: Record<Layer, Layer[]> = {
  cli: ['commands', 'io', 'errors', 'aws', 'output', 'data'],
  commands: ['services', 'policies', 'aws', 'output', 'io', 'errors'],
  services: ['policies', 'aws', 'output', 'errors'],
  output: ['io', 'errors'],
  // package.json, for the version in the user agent.
  aws: ['errors', 'data'],
  policies: ['errors', 'data'],
  io: [],
  errors: [],
  data: [],
};

const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)['"]([^'"]+)['"]/g;

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\/|^\s*\/\/.*$/gm, '');
  return [...text.matchAll(SPECIFIER)].map((m) => m[1]!);
}

const files = sourceFiles(SRC);
const edges = files.flatMap((file) =>
  importsOf(file).map((spec) => ({
    file: relative(SRC, file),
    from: layerOf(file),
    spec,
    to: spec.startsWith('.') ? layerOf(resolve(dirname(file), spec)) : undefined,
  })),
);

describe('import direction', () => {
  test('reads the tree (guards against a vacuous pass)', () => {
    expect(files.length).toBeGreaterThan(60);
    expect(edges.filter((e) => e.to).length).toBeGreaterThan(150);
    for (const layer of ['commands', 'services', 'policies', 'aws', 'output'] as const)
      expect(edges.some((e) => e.from === layer)).toBe(true);
  });

  test('every relative import points down (or sideways within its layer)', () => {
    const upward = edges
      .filter((e) => e.to && e.to !== e.from && !ALLOWED[e.from].includes(e.to))
      .map((e) => `${e.file} (${e.from}) imports ${e.spec} (${e.to})`);
    expect(upward).toEqual([]);
  });

  test('policies stay pure: no AWS SDK, no network, no file system', () => {
    const impure = edges
      .filter((e) => e.from === 'policies' && !e.to && /^(@aws-sdk|@smithy|node:(fs|net|http|https|child_process)|fs$|http)/.test(e.spec))
      .map((e) => `${e.file} imports ${e.spec}`);
    expect(impure).toEqual([]);
  });

  test('services never print or exit', () => {
    const loud = files
      .filter((f) => layerOf(f) === 'services')
      .filter((f) => /\b(console\.(log|error|warn|info)|process\.(stdout|stderr)\.write|process\.exit)\b/.test(readFileSync(f, 'utf8')))
      .map((f) => relative(SRC, f));
    expect(loud).toEqual([]);
  });
});
