/**
 * Stdin of a simulated powershell.exe, one line at a time as the client sends it: the step loop
 * reads frames while the channel stays open, so lines are handed over as they arrive, not at the end.
 */
export class StdinLines implements AsyncIterable<string> {
  private readonly queued: string[] = [];
  private waiting: ((next: IteratorResult<string>) => void) | undefined;
  private done = false;

  push(line: string): void {
    if (this.done) return;
    if (this.waiting) {
      const wake = this.waiting;
      this.waiting = undefined;
      wake({ value: line, done: false });
    } else this.queued.push(line);
  }

  /** End of stdin (or the channel closed): lines already queued are still read. */
  end(): void {
    this.done = true;
    const wake = this.waiting;
    this.waiting = undefined;
    wake?.({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterator<string> {
    return {
      next: () => {
        const line = this.queued.shift();
        if (line !== undefined) return Promise.resolve({ value: line, done: false });
        if (this.done) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => (this.waiting = resolve));
      },
    };
  }

  /** Lines of `text` (what a test hands over at once), then end of stdin. */
  static of(text: string): StdinLines {
    const lines = new StdinLines();
    for (const line of text.split(/\r?\n/)) if (line.trim() !== "") lines.push(line);
    lines.end();
    return lines;
  }
}
