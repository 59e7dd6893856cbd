// A real pseudo-terminal for CLI tests: util-linux `script` runs the command on a pty whose input is what the test
// writes, so the command sees a TTY on stdin (readline in terminal mode, Ctrl-C and Ctrl-D as typed keys).
import { type ChildProcessWithoutNullStreams, execFileSync, spawn } from 'node:child_process';

const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;
const quote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;

export class Terminal {
  /** everything the command printed, escape sequences removed */
  output = '';
  private consumed = 0;
  private readonly child: ChildProcessWithoutNullStreams;
  readonly exited: Promise<number>;

  constructor(argv: string[], opts: { cwd: string; env: NodeJS.ProcessEnv }) {
    // fails loudly when the peer is missing
    execFileSync('script', ['--version']);
    this.child = spawn('script', ['-qfec', argv.map(quote).join(' '), '/dev/null'], { cwd: opts.cwd, env: { ...opts.env, TERM: 'dumb' } });
    this.child.stdout.on('data', (d: Buffer) => (this.output += d.toString('utf8').replace(ANSI, '').replaceAll('\r', '')));
    this.child.stderr.on('data', (d: Buffer) => (this.output += d.toString('utf8')));
    this.exited = new Promise((resolve) => this.child.on('close', (code) => resolve(code ?? -1)));
  }

  /** Waits until the output after the last match matches `re`; returns the match. */
  async expect(re: RegExp, timeoutMs = 15_000): Promise<RegExpExecArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const rest = this.output.slice(this.consumed);
      const m = re.exec(rest);
      if (m) {
        this.consumed += m.index + m[0].length;
        return m;
      }
      if (Date.now() > deadline || this.child.exitCode !== null) {
        throw new Error(`expected ${re} in the terminal; it shows:\n${rest.slice(-3000)}`);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** The number the latest listing gives `name`, e.g. 12 for "  12) process_running". */
  numberOf(name: string): string {
    const all = [...this.output.matchAll(new RegExp(`(\\d+)\\) ${name}\\b`, 'g'))];
    if (!all.length) throw new Error(`no ${name} in the listing:\n${this.output.slice(-3000)}`);
    return all[all.length - 1]![1]!;
  }

  /** Types text (a line needs its \n, or \r). */
  type(text: string): void {
    this.child.stdin.write(text);
  }

  /** Answers the next prompt matching `prompt`. */
  async answer(prompt: RegExp, text: string): Promise<void> {
    await this.expect(prompt);
    this.type(`${text}\r`);
  }

  kill(): void {
    this.child.kill('SIGKILL');
  }
}
