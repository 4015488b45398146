// The README documents every command and option: this fails when a flag is added to --help but
// not to the README, so the docs cannot drift from the program.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildProgram } from '../../../src/cli';
import { fakeIo } from './fake-io';

const readme = readFileSync(join(__dirname, '../../../README.md'), 'utf8');
const program = buildProgram(fakeIo().io);

describe('README', () => {
  it.each(program.commands.map((c) => [c.name(), c] as const))('documents s3-share %s and each of its options', (name, cmd) => {
    expect(readme).toContain(`s3-share ${name}`);
    const missing = cmd.options.map((o) => o.long).filter((flag): flag is string => !!flag && flag !== '--help' && !readme.includes(flag));
    expect(missing).toEqual([]);
  });

  it('opens with exactly two commands: the demo and the tests', () => {
    const firstBlock = /```sh\n([\s\S]*?)```/.exec(readme)?.[1].trim().split('\n');
    expect(firstBlock).toEqual(['npm ci && npm run demo', 'npm test']);
    const pkg = JSON.parse(readFileSync(join(__dirname, '../../../package.json'), 'utf8'));
    expect(pkg.scripts.demo).toBeDefined();
    expect(readFileSync(join(__dirname, '../../../.ci/run'), 'utf8')).toMatch(/^npm test$/m);
  });
});
