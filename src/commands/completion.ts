/**
 * `s3-share completion bash|zsh|fish`: a shell completion script generated from the commander tree
 * itself (every command, its options, and the values of options that take a fixed set), so it
 * cannot drift from what the program accepts. cli.ts registers every command before this runs.
 */
import type { Command, Option } from 'commander';
import { UsageError } from '../errors';
import type { CliIo } from '../io';

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

export type CompletionOptions = Record<string, never>;

interface CommandSpec {
  name: string;
  description: string;
  options: Array<{ flags: string[]; long?: string; short?: string; description: string; takesValue: boolean; choices?: string[] }>;
}

/** What the program declares, read from commander: the single source of the scripts. */
export function commandSpecs(program: Command): CommandSpec[] {
  return program.commands
    .filter((c) => c.name() !== 'help')
    .map((c) => ({
      name: c.name(),
      description: c.description(),
      // Hidden options (aliases kept for other tools' spellings) are accepted but not offered.
      options: (c.options as Option[])
        .filter((o) => !o.hidden)
        .map((o) => ({
          flags: [o.short, o.long].filter((f): f is string => !!f),
          long: o.long,
          short: o.short,
          description: o.description,
          takesValue: o.required || o.optional,
          choices: o.argChoices,
        })),
    }));
}

const words = (list: string[]) => list.join(' ');
/** Single-quoted for sh and fish alike: the text can hold anything but a single quote. */
const quote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;
const fishQuote = (text: string) => `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

function bashScript(specs: CommandSpec[]): string {
  const global = ['--help', '--version', '-h', '-V'];
  const cases = specs.map((spec) => {
    const valueCases = spec.options
      .filter((o) => o.choices?.length)
      .map((o) => `        ${o.flags.join('|')}) COMPREPLY=($(compgen -W ${quote(words(o.choices!))} -- "$cur")); return ;;`);
    const fileValued = spec.options.filter((o) => o.takesValue && !o.choices?.length).flatMap((o) => o.flags);
    return [
      `    ${spec.name})`,
      ...(valueCases.length ? ['      case "$prev" in', ...valueCases, '      esac'] : []),
      ...(fileValued.length ? [`      case "$prev" in ${fileValued.join('|')}) COMPREPLY=($(compgen -f -- "$cur")); return ;; esac`] : []),
      `      opts=${quote(words([...spec.options.flatMap((o) => o.flags), '--help']))} ;;`,
    ].join('\n');
  });
  return `# s3-share completion for bash. Load it with:  source <(s3-share completion bash)
_s3_share() {
  local cur prev cmd opts
  cur="\${COMP_WORDS[COMP_CWORD]}"
  prev="\${COMP_WORDS[COMP_CWORD-1]}"
  if [[ $COMP_CWORD -eq 1 ]]; then
    COMPREPLY=($(compgen -W ${quote(words([...specs.map((s) => s.name), ...global]))} -- "$cur"))
    return
  fi
  cmd="\${COMP_WORDS[1]}"
  opts=''
  case "$cmd" in
${cases.join('\n')}
  esac
  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$opts" -- "$cur"))
  else
    COMPREPLY=($(compgen -f -- "$cur"))
  fi
}
complete -o filenames -F _s3_share s3-share
`;
}

function zshScript(specs: CommandSpec[]): string {
  // zsh runs bash completion functions through bashcompinit, as aws-cli's own zsh completion does.
  return `# s3-share completion for zsh. Load it with:  source <(s3-share completion zsh)
autoload -U +X compinit && compinit
autoload -U +X bashcompinit && bashcompinit
${bashScript(specs).replace(/^# .*\n/, '')}`;
}

function fishScript(specs: CommandSpec[]): string {
  const lines = [
    '# s3-share completion for fish. Load it with:  s3-share completion fish | source',
    'complete -c s3-share -f',
    `complete -c s3-share -n __fish_use_subcommand -s h -l help -d 'show help'`,
    `complete -c s3-share -n __fish_use_subcommand -s V -l version -d 'print the version'`,
  ];
  for (const spec of specs) {
    lines.push(`complete -c s3-share -n __fish_use_subcommand -a ${spec.name} -d ${fishQuote(spec.description)}`);
    const when = `-n ${fishQuote(`__fish_seen_subcommand_from ${spec.name}`)}`;
    for (const o of spec.options) {
      const flags = [o.short ? `-s ${o.short.replace(/^-/, '')}` : '', o.long ? `-l ${o.long.replace(/^--/, '')}` : '']
        .filter(Boolean)
        .join(' ');
      const value = o.choices?.length ? ` -x -a ${fishQuote(words(o.choices))}` : o.takesValue ? ' -r -F' : '';
      lines.push(`complete -c s3-share ${when} ${flags}${value} -d ${fishQuote(o.description)}`);
    }
    lines.push(`complete -c s3-share ${when} -F`);
  }
  return lines.join('\n') + '\n';
}

export function completionScript(shell: Shell, program: Command): string {
  const specs = commandSpecs(program);
  return shell === 'bash' ? bashScript(specs) : shell === 'zsh' ? zshScript(specs) : fishScript(specs);
}

export async function runCompletion(shell: string, _opts: CompletionOptions, io: CliIo, program: Command): Promise<void> {
  if (!(SHELLS as readonly string[]).includes(shell)) {
    throw new UsageError(`no completion for shell '${shell}': use one of ${SHELLS.join(', ')}`);
  }
  io.stdout.write(completionScript(shell as Shell, program));
}

export function registerCompletion(program: Command, io: CliIo): void {
  program
    .command('completion')
    .description('Print a shell completion script (bash, zsh or fish), generated from the commands and their options')
    .argument('<shell>', `the shell: ${SHELLS.join(', ')}`)
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  $ source <(s3-share completion bash)          # in ~/.bashrc',
        '  $ source <(s3-share completion zsh)           # in ~/.zshrc',
        '  $ s3-share completion fish | source           # in ~/.config/fish/config.fish',
      ].join('\n'),
    )
    .action((shell: string, opts: CompletionOptions) => runCompletion(shell, opts, io, program));
}
