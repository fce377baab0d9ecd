/** Progress of one long phase. The CLI shows a bar; tests and --quiet use a silent one. */
export interface Progress {
  start(label: string, total: number): void;
  tick(n?: number): void;
  stop(): void;
  /** A line of status between phases. */
  log(line: string): void;
}

export const silentProgress: Progress = {
  start: () => undefined,
  tick: () => undefined,
  stop: () => undefined,
  log: () => undefined,
};
