// Shell completion is generated from the commander tree: the bash script is sourced in a real bash
// and asked for completions, as a shell does when the user presses Tab.
import { spawnSync } from 'node:child_process';
import { Command } from 'commander';
import { buildProgram } from '../../../src/cli';
import { fakeIo, runMain } from '../support/fake-io';

let bash: string;
let program: Command;

beforeAll(async () => {
  const r = await runMain(['completion', 'bash']);
  expect(r.code).toBe(0);
  bash = r.stdout;
  program = await buildProgram(fakeIo().io);
});

/** What bash offers for the words typed so far (the last one is the word being completed). */
function complete(...typed: string[]): string[] {
  const words = ['s3-share', ...typed].map((w) => `'${w}'`).join(' ');
  const script = `${bash}\nCOMP_WORDS=(${words}); COMP_CWORD=${typed.length}; _s3_share; printf '%s\\n' "\${COMPREPLY[@]}"`;
  const r = spawnSync('bash', ['--norc', '--noprofile', '-c', script], { encoding: 'utf8', cwd: __dirname });
  expect(r.stderr).toBe('');
  return r.stdout.split('\n').filter(Boolean);
}

test('every command and every option of the program is in the script', () => {
  const names = program.commands.map((c) => c.name());
  expect(names.length).toBeGreaterThanOrEqual(20);
  expect(complete('').sort()).toEqual([...names, '--help', '--version', '-V', '-h'].sort());
  for (const cmd of program.commands) {
    const offered = complete(cmd.name(), '-');
    for (const o of cmd.options.filter((o) => !o.hidden))
      for (const flag of [o.short, o.long].filter(Boolean)) expect(offered).toContain(flag);
    expect(offered).toContain('--help');
  }
});

test('completes a command name and an option from their first letters', () => {
  expect(complete('rot')).toEqual(['rotate-key']);
  expect(complete('create', '--read-o')).toEqual(['--read-only']);
  expect(complete('create', '--read')).toEqual(['--read-only', '--read-timeout']);
  // A hidden alias is accepted by the program but not offered.
  expect(complete('whoami', '--cli-')).toEqual([]);
  expect(complete('delete-user', '--dr')).toEqual(['--dry-run']);
  // Another command's option is not offered.
  expect(complete('whoami', '--dry')).toEqual([]);
});

test('an option with a fixed set of values completes them', () => {
  expect(complete('create', '--format', '')).toEqual(['json', 'ini', 'env', 'csv', 'text', 'credential-process']);
  expect(complete('rotate-key', '-f', 'i')).toEqual(['ini']);
});

test('an option that takes a file completes file names', () => {
  expect(complete('create', '--policy', 'completion.te')).toEqual(['completion.test.ts']);
});

test('zsh and fish scripts carry the same commands', async () => {
  const zsh = (await runMain(['completion', 'zsh'])).stdout;
  expect(zsh).toMatch(/bashcompinit/);
  expect(zsh).toContain('_s3_share()');
  const fish = (await runMain(['completion', 'fish'])).stdout;
  for (const cmd of program.commands) expect(fish).toContain(`-n __fish_use_subcommand -a ${cmd.name()} `);
  expect(fish).toMatch(/__fish_seen_subcommand_from create' -l read-only/);
});

test('an unknown shell is a usage error', async () => {
  const r = await runMain(['completion', 'tcsh']);
  expect(r.code).toBe(2);
  expect(r.stderr).toBe("error: no completion for shell 'tcsh': use one of bash, zsh, fish\n");
});
