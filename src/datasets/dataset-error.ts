/** A dataset that breaks a format rule; the message names the file and line or byte offset. */
export class DatasetError extends Error {
  constructor(
    readonly file: string,
    readonly where: string,
    readonly problem: string,
  ) {
    super(`${file}${where ? `:${where}` : ''}: ${problem}`);
    this.name = 'DatasetError';
  }
}
