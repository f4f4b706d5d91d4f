/**
 * The live progress line: on a terminal one line rewritten in place every second; in a log (CI,
 * a pipe) a new line every few seconds, which stays readable afterwards.
 */
export class ProgressDisplay {
  readonly intervalMs: number;
  private readonly stream: NodeJS.WriteStream;
  private readonly inPlace: boolean;
  private shown = false;

  constructor(stream: NodeJS.WriteStream) {
    this.stream = stream;
    this.inPlace = stream.isTTY === true;
    this.intervalMs = this.inPlace ? 1_000 : 5_000;
  }

  show(line: string): void {
    this.shown = true;
    if (!this.inPlace) {
      this.stream.write(`${line}\n`);
      return;
    }
    // A line wider than the terminal wraps, and `\r` would then rewrite only its last part.
    const width = this.stream.columns || 120;
    this.stream.write(`\r\x1b[2K${line.slice(0, width - 1)}`);
  }

  /** Leaves the last line in place and moves below it. */
  end(): void {
    if (this.inPlace && this.shown) this.stream.write('\n');
  }
}
