// The README documents every command and option: this fails when a flag is added to --help but
// not to the README, so the docs cannot drift from the program.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildProgram } from '../../../src/cli';
import { fakeIo } from '../support/fake-io';

const readme = readFileSync(join(__dirname, '../../../README.md'), 'utf8');

describe('README', () => {
  it('documents every command and each of its options', async () => {
    const program = await buildProgram(fakeIo().io);
    expect(program.commands.length).toBeGreaterThanOrEqual(19);
    for (const cmd of program.commands) {
      const name = cmd.name();
      expect({ name, documented: readme.includes(`s3-share ${name}`) }).toEqual({ name, documented: true });
      const missing = cmd.options
        .map((o) => o.long)
        .filter((flag): flag is string => !!flag && flag !== '--help' && !readme.includes(flag));
      expect({ name, missing }).toEqual({ name, missing: [] });
    }
  });

  it('opens with exactly two commands: the demo and the tests', () => {
    const firstBlock = /```sh\n([\s\S]*?)```/.exec(readme)?.[1].trim().split('\n');
    expect(firstBlock).toEqual(['npm ci && npm run demo', 'npm test']);
    const pkg = JSON.parse(readFileSync(join(__dirname, '../../../package.json'), 'utf8'));
    expect(pkg.scripts.demo).toBeDefined();
    expect(readFileSync(join(__dirname, '../../../.ci/run'), 'utf8')).toMatch(/^npm test$/m);
  });
});
