// Reading a password: hidden at a terminal, or one line from standard input.
import readline from 'node:readline';

export async function readLineFromStdin(): Promise<string> {
  const rl = readline.createInterface({ input: process.stdin });
  for await (const line of rl) {
    rl.close();
    return line;
  }
  return '';
}

export async function promptHidden(question: string): Promise<string> {
  if (!process.stdin.isTTY) return readLineFromStdin();
  const rl = readline.createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  const out = rl as unknown as { _writeToOutput: (s: string) => void };
  process.stderr.write(question);
  out._writeToOutput = () => {}; // echo nothing while the password is typed
  const answer = await new Promise<string>((resolve) => rl.question('', resolve));
  rl.close();
  process.stderr.write('\n');
  return answer;
}

/** All of standard input (a secret's value), without one trailing newline; asks at a terminal. */
export async function readAllStdin(): Promise<string> {
  if (process.stdin.isTTY) return promptHidden('Value: ');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}
