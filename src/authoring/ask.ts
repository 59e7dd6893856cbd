// One question at a time on a terminal (node:readline/promises). Ctrl-C and end of input (Ctrl-D) abort the whole
// interview, so that nothing half-authored is ever written.
import { createInterface } from 'node:readline/promises';

export class Aborted extends Error {
  constructor(readonly why: 'interrupted' | 'eof') {
    super(why);
  }
}

export interface Asker {
  /** the answer, trimmed */
  ask(question: string): Promise<string>;
  say(text: string): void;
  close(): void;
}

export function terminalAsker(input: NodeJS.ReadableStream = process.stdin, output: NodeJS.WritableStream = process.stdout): Asker {
  const rl = createInterface({ input, output });
  const controller = new AbortController();
  let why: Aborted['why'] | undefined;
  let closing = false;
  rl.on('SIGINT', () => {
    why ??= 'interrupted';
    controller.abort();
  });
  rl.on('close', () => {
    if (closing) return;
    why ??= 'eof';
    controller.abort();
  });
  return {
    async ask(question) {
      if (why) throw new Aborted(why);
      try {
        return (await rl.question(question, { signal: controller.signal })).trim();
      } catch (err) {
        if (why) throw new Aborted(why);
        throw err;
      }
    },
    say(text) {
      output.write(text + '\n');
    },
    close() {
      closing = true;
      rl.close();
    },
  };
}
