// Start-up: the CLI against bare node, alternated in one run. Target: within 1.5x of `node -e 0`.
import { alternate, CLI, report, timeRun } from './lib.mjs';

export async function benchStartup({ rounds = 25 } = {}) {
  const env = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
  const commands = [
    ['--version', [CLI, '--version']],
    ['policy', [CLI, 'policy', 'reports-bucket', '--read-only', '--prefix', 'alice/']],
  ];
  for (let i = 0; i < 3; i++) await timeRun('node', ['-e', '0']); // warm the file cache
  const results = [];
  for (const [name, args] of commands) {
    const [bare, cli] = await alternate(rounds, [
      async () => (await timeRun('node', ['-e', '0'], env)).ms,
      async () => (await timeRun('node', args, env)).ms,
    ]);
    const ratio = cli / bare;
    results.push(
      report(
        `start-up: s3-share ${name} vs node -e 0`,
        `${ratio.toFixed(2)}x (${cli.toFixed(1)} ms vs ${bare.toFixed(1)} ms, median of ${rounds})`,
        '<= 1.5x',
        ratio <= 1.5,
      ),
    );
  }
  return results;
}
