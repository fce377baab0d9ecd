/**
 * `bench run ... | head` closes the pipe early; the next write would raise EPIPE as an uncaught
 * error and end the harness mid-run, servers and all. A closed reader only means nobody reads
 * the progress any more: the run goes on and its results file is still written.
 */
export function ignoreBrokenPipes(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
    });
  }
}
