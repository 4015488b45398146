// s3-credentials' documented command line (tests/fixtures/s3-credentials-help.md, a copy of its
// docs/help.md) read into invocation forms, and checked without AWS: the fixture reads as help
// text, every form has what the e2e compatibility test needs to run it, and every flag spelling
// is declared by s3-share. tests/e2e/compat.e2e.test.ts runs the forms against moto.
import type { Command, Option } from 'commander';
import { buildProgram } from '../../../src/cli';
import {
  BASES,
  COMMANDS_NOT_YET_ON_THIS_BRANCH,
  EXAMPLE_WORDS,
  LITERAL_WORDS,
  SPELLINGS_NOT_YET_ON_THIS_BRANCH,
  flagUseFor,
} from '../../support/compat-forms';
import { invocationForms, loadHelp, parseHelp } from '../../support/s3-credentials-help';
import { fakeIo } from '../support/fake-io';

const help = loadHelp();
const forms = invocationForms(help);

describe('the s3-credentials help fixture', () => {
  it('has a help section for each of the 22 commands its top-level help lists, and no other', () => {
    expect(help.listed).toHaveLength(22);
    expect(help.commands.map((c) => c.name)).toEqual(help.listed);
  });

  it('reads the options of create, short and long spellings and value names included', () => {
    const create = help.commands.find((c) => c.name === 'create')!;
    expect(create.usage).toBe('BUCKETS...');
    expect(create.options.map((o) => [o.short, o.long, o.metavar])).toEqual(
      expect.arrayContaining([
        ['-f', '--format', '[ini|json]'],
        ['-d', '--duration', 'DURATION'],
        ['-c', '--create-bucket', undefined],
        [undefined, '--user-permissions-boundary', 'TEXT'],
        ['-a', '--auth', 'FILENAME'],
      ]),
    );
    expect(create.examples).toEqual([
      'create my-new-bucket -c',
      'create my-existing-bucket --read-only',
      'create my-existing-bucket --write-only -d 15m',
    ]);
  });

  it('reads examples that continue over lines and examples that pipe into the command', () => {
    const cors = help.commands.find((c) => c.name === 'set-cors-policy')!;
    expect(cors.examples).toContain(
      'set-cors-policy my-bucket --allowed-method GET --allowed-method PUT --allowed-origin https://www.example.com/ --expose-header ETag',
    );
    const put = help.commands.find((c) => c.name === 'put-object')!;
    expect(put.exampleInputs).toEqual({ 'put-object my-bucket hello.txt -': 'Hello\n' });
  });

  it('refuses help text it cannot read, rather than yielding fewer forms', () => {
    const broken =
      '## s3-credentials  --help\n\n```\nUsage: s3-credentials [OPTIONS] COMMAND\n\nOptions:\n  --help  Show.\n\nCommands:\n  whoami  Who\n```\n## s3-credentials whoami --help\n\n```\nUsage: s3-credentials whoami [OPTIONS]\n\nOptions:\n  +x weird line\n```\n';
    expect(() => parseHelp(broken)).toThrow(/cannot read the option line/);
  });

  it('gives one form per example and per flag spelling: 252 in all', () => {
    expect(forms.filter((f) => f.kind === 'example')).toHaveLength(42);
    expect(forms).toHaveLength(252);
    expect(forms.map((f) => f.label)).toEqual(
      expect.arrayContaining(['flag: create -f', 'flag: create --format', 'flag: set-cors-policy -h']),
    );
  });
});

describe('the compatibility table', () => {
  it('has usual arguments for every command', () => {
    expect(help.commands.map((c) => c.name).filter((name) => !BASES[name])).toEqual([]);
  });

  it('has a sample use for every documented flag', () => {
    expect(forms.filter((f) => f.kind === 'flag' && !flagUseFor(f)).map((f) => f.label)).toEqual([]);
  });

  it('knows every word of every example', () => {
    const unknown = forms
      .filter((f) => f.kind === 'example')
      .flatMap((f) =>
        f
          .words!.slice(1)
          .filter((w) => !EXAMPLE_WORDS[w] && !LITERAL_WORDS.has(w))
          .map((w) => `${f.label}: ${w}`),
      );
    expect(unknown).toEqual([]);
  });
});

describe('s3-share declares every documented command and flag spelling', () => {
  let program: Command;
  beforeAll(async () => {
    program = await buildProgram(fakeIo().io);
  });

  it('has every command, except those listed as not yet on this branch, which are indeed absent', () => {
    const names = program.commands.map((c) => c.name());
    const expected = help.commands.map((c) => c.name).filter((n) => !COMMANDS_NOT_YET_ON_THIS_BRANCH.includes(n));
    expect(expected.filter((n) => !names.includes(n))).toEqual([]);
    // Once merged, a command must leave the list, so that its forms are run.
    expect(COMMANDS_NOT_YET_ON_THIS_BRANCH.filter((n) => names.includes(n))).toEqual([]);
  });

  it('accepts every flag spelling, except those listed as not yet on this branch, which are indeed refused', () => {
    const declared = (command: string, spelling: string) =>
      (program.commands.find((c) => c.name() === command)?.options as Option[] | undefined)?.some(
        (o) => o.short === spelling || o.long === spelling,
      ) ?? false;
    const flagForms = forms.filter((f) => f.kind === 'flag' && !COMMANDS_NOT_YET_ON_THIS_BRANCH.includes(f.command));
    const key = (f: (typeof forms)[number]) => `${f.command} ${f.spelling}`;
    expect(
      flagForms.filter((f) => !SPELLINGS_NOT_YET_ON_THIS_BRANCH.includes(key(f)) && !declared(f.command, f.spelling!)).map(key),
    ).toEqual([]);
    expect(SPELLINGS_NOT_YET_ON_THIS_BRANCH.filter((k) => declared(k.split(' ')[0]!, k.split(' ')[1]!))).toEqual([]);
  });

  it('takes a value where s3-credentials takes one, and none where it takes none', () => {
    const mismatched = forms
      .filter((f) => f.kind === 'flag' && f.spelling === f.option!.long && !COMMANDS_NOT_YET_ON_THIS_BRANCH.includes(f.command))
      .filter((f) => {
        const option = (program.commands.find((c) => c.name() === f.command)!.options as Option[]).find((o) => o.long === f.spelling);
        return option !== undefined && (option.required || option.optional) !== (f.option!.metavar !== undefined);
      })
      .map((f) => `${f.command} ${f.spelling}`);
    expect(mismatched).toEqual([]);
  });
});
