/**
 * A yes/no question on the terminal, for commands that are about to destroy something. The
 * question goes to stderr (stdout carries data only) and the answer is read from stdin; anything
 * but y or yes, including end of input, is no.
 */
import type { CliIo } from '../io';

/** A person can answer: both stdin and stderr are terminals. */
export function canAsk(io: Pick<CliIo, 'stdinIsTTY' | 'stderrIsTTY'>): boolean {
  return io.stdinIsTTY && io.stderrIsTTY;
}

/** Writes `question [y/N] ` to stderr and resolves true only for y / yes (any case). */
export async function confirm(io: Pick<CliIo, 'stdin' | 'stderr'>, question: string): Promise<boolean> {
  io.stderr.write(`${question} [y/N] `);
  const answer = await readLine(io.stdin);
  return /^y(es)?$/i.test(answer.trim());
}

function readLine(stdin: CliIo['stdin']): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    const finish = () => {
      stdin.off('data', onData);
      stdin.off('end', finish);
      stdin.pause();
      resolve(text.split('\n')[0] ?? '');
    };
    const onData = (chunk: Buffer | string) => {
      text += chunk.toString();
      if (text.includes('\n')) finish();
    };
    stdin.on('data', onData);
    stdin.once('end', finish);
  });
}
