// What `npm install s3-share` brings in must be permissively licensed: copyleft code (GPL, AGPL,
// LGPL) may be a dev dependency (the IAM policy simulator is AGPL) but never a runtime one. This
// walks the production dependency tree as npm resolved it in package-lock.json.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '../../..');
const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
  packages: Record<
    string,
    { dev?: boolean; devOptional?: boolean; optional?: boolean; license?: string; dependencies?: Record<string, string> }
  >;
};
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { license: string; dependencies?: Record<string, string> };

/** The packages a production install gets: everything in the lock not marked dev. */
const production = Object.entries(lock.packages).filter(([path, p]) => path !== '' && !p.dev && !p.devOptional);

const PERMISSIVE = /^(MIT|ISC|BSD-2-Clause|BSD-3-Clause|Apache-2\.0|0BSD|BlueOak-1\.0\.0|CC0-1\.0|Unlicense|Python-2\.0)$/;
const COPYLEFT = /\b(A|L)?GPL/i;

/** An SPDX expression is acceptable when one OR-alternative is permissive, or every AND-part is. */
function permissive(expr: string): boolean {
  const e = expr.replace(/[()]/g, '').trim();
  if (/\bOR\b/.test(e)) return e.split(/\bOR\b/).some((x) => permissive(x));
  if (/\bAND\b/.test(e)) return e.split(/\bAND\b/).every((x) => permissive(x));
  return PERMISSIVE.test(e);
}

test('the project itself is Apache-2.0 and ships the LICENSE text', () => {
  expect(pkg.license).toBe('Apache-2.0');
  expect(readFileSync(join(ROOT, 'LICENSE'), 'utf8')).toMatch(/Apache License\s+Version 2\.0, January 2004/);
});

test('the production tree is read from the lock (guards against a vacuous pass)', () => {
  expect(Object.keys(pkg.dependencies ?? {}).length).toBeGreaterThan(0);
  for (const name of Object.keys(pkg.dependencies ?? {})) expect(production.map(([path]) => path)).toContain(`node_modules/${name}`);
  // The simulator is AGPL and must be in the lock, as a dev dependency only.
  expect(lock.packages['node_modules/@cloud-copilot/iam-simulate']?.dev).toBe(true);
});

test('every production dependency has a permissive license, none copyleft', () => {
  const bad = production
    .filter(([, p]) => !p.license || COPYLEFT.test(p.license) || !permissive(p.license))
    .map(([path, p]) => `${path}: ${p.license ?? 'no license field'}`);
  expect(bad).toEqual([]);
});

/** Bare package names that src imports (the bundle holds them and everything they import). */
function importedPackages(dir: string): Set<string> {
  const names = new Set<string>();
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) for (const n of importedPackages(path)) names.add(n);
    else if (entry.name.endsWith('.ts')) {
      for (const m of readFileSync(path, 'utf8').matchAll(/(?:from\s*|import\s*\(\s*)['"]([^'"./][^'"]*)['"]/g)) {
        const spec = m[1]!;
        if (spec.startsWith('node:')) continue;
        names.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
      }
    }
  }
  return names;
}

/** Everything the bundle may contain: the imported packages and, through the lock, what they depend on. */
function bundledPackages(): string[] {
  const seen = new Set<string>();
  const queue = [...importedPackages(join(ROOT, 'src'))];
  while (queue.length) {
    const name = queue.shift()!;
    if (seen.has(name)) continue;
    seen.add(name);
    queue.push(...Object.keys(lock.packages[`node_modules/${name}`]?.dependencies ?? {}));
  }
  return [...seen];
}

test('every package the bundle is built from (shipped inside dist/) has a permissive license', () => {
  const bundled = bundledPackages();
  expect(bundled).toEqual(expect.arrayContaining(['commander', '@aws-sdk/client-s3', '@smithy/shared-ini-file-loader']));
  const bad = bundled
    .map((name) => [name, lock.packages[`node_modules/${name}`]?.license] as const)
    .filter(([, license]) => !license || COPYLEFT.test(license) || !permissive(license))
    .map(([name, license]) => `${name}: ${license ?? 'not in the lock'}`);
  expect(bad).toEqual([]);
});

test('the rule itself: copyleft and unknown licenses are refused, permissive ones and OR-choices pass', () => {
  expect(permissive('MIT')).toBe(true);
  expect(permissive('(MIT OR GPL-3.0-only)')).toBe(true);
  expect(permissive('AGPL-3.0-only')).toBe(false);
  expect(permissive('LGPL-2.1-or-later')).toBe(false);
  expect(permissive('MIT AND GPL-2.0')).toBe(false);
  expect(permissive('SEE LICENSE IN LICENSE.txt')).toBe(false);
});
