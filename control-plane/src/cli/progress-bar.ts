/**
 * A one-line progress bar on stderr for long CLI work; silent when stderr is not a terminal so
 * logs and test output stay clean.
 */
export function progressBar(stream: NodeJS.WriteStream = process.stderr): {
  update(label: string, done: number, total: number): void;
  done(): void;
} {
  const tty = stream.isTTY === true;
  let last = '';
  return {
    update(label, done, total) {
      if (!tty) return;
      const fraction = total > 0 ? Math.min(1, done / total) : 0;
      const width = 30;
      const filled = Math.round(fraction * width);
      const line = `[${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${String(Math.floor(fraction * 100)).padStart(3)}% ${label}`;
      if (line === last) return;
      last = line;
      stream.write(`\r${line.padEnd(70)}`);
    },
    done() {
      if (tty && last !== '') stream.write('\n');
      last = '';
    },
  };
}
