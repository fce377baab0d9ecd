import type { WriteStream } from 'node:fs';

/** Keeps a server's last log lines in memory (for error messages) and the whole log on disk. */
export class LogTail {
  private readonly kept: string[] = [];
  private partial = '';

  constructor(
    private readonly file: WriteStream,
    private readonly capacity = 200,
  ) {
    // A full disk (or a removed folder) fails the log file, not the run: an unhandled stream
    // error would end the harness with its servers. The tail in memory goes on, and says so.
    file.on('error', (error) => {
      this.fileError = error.message;
      this.pushLine(`[vdb-bench: log file write failed, later lines kept in memory only: ${error.message}]`);
    });
  }

  private fileError: string | undefined;

  push(chunk: Buffer): void {
    if (!this.fileError && !this.file.closed && !this.file.writableEnded) this.file.write(chunk);
    const text = this.partial + chunk.toString('utf8');
    const lines = text.split('\n');
    this.partial = lines.pop() ?? '';
    for (const line of lines) this.pushLine(line);
  }

  private pushLine(line: string): void {
    this.kept.push(line);
    if (this.kept.length > this.capacity) this.kept.shift();
  }

  lines(n: number): string[] {
    const all = this.partial ? [...this.kept, this.partial] : this.kept;
    return all.slice(-n);
  }

  close(): void {
    this.file.end();
  }
}
