// Start-up: the CLI against bare node, alternated in one run. Target: within 1.5x of `node -e 0`.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { alternate, check, CLI, measure, report, ROOT, timeRun } from './lib.mjs';

const VERSION = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;
// What each command must print, checked after every timed run (a CLI that exits 0 at once
// without doing anything would otherwise start up very fast).
const EXPECT = {
  '--version': (out) => out.trim() === VERSION,
  policy: (out) => JSON.parse(out).Statement?.some((st) => JSON.stringify(st).includes('arn:aws:s3:::reports-bucket/alice/')),
};

export async function benchStartup({ rounds = 25 } = {}) {
  const env = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
  const commands = [
    ['--version', [CLI, '--version']],
    ['policy', [CLI, 'policy', 'reports-bucket', '--read-only', '--prefix', 'alice/']],
  ];
  for (let i = 0; i < 3; i++) await timeRun('node', ['-e', '0']); // warm the file cache
  const results = [];
  for (const [name, args] of commands) {
    const title = `start-up: s3-share ${name} vs node -e 0`;
    results.push(
      await measure(title, '<= 1.5x', async () => {
        const [bare, cli] = await alternate(rounds, [
          async () => (await timeRun('node', ['-e', '0'], env)).ms,
          async () => {
            const r = await timeRun('node', args, env);
            let ok = false;
            try {
              ok = EXPECT[name](r.stdout);
            } catch {
              ok = false;
            }
            check(ok, `s3-share ${name} exited 0 but printed ${JSON.stringify(r.stdout.slice(0, 80))}`);
            return r.ms;
          },
        ]);
        const ratio = cli / bare;
        return report(
          title,
          `${ratio.toFixed(2)}x (${cli.toFixed(1)} ms vs ${bare.toFixed(1)} ms, median of ${rounds})`,
          '<= 1.5x',
          ratio <= 1.5,
        );
      }),
    );
  }
  return results;
}
