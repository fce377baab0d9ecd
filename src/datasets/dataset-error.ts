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

/**
 * A file system error while reading a dataset (permission denied, a folder where a file belongs)
 * as a DatasetError naming the path; any other error is returned as it is.
 */
export function asDatasetError(error: unknown, fallbackPath: string): unknown {
  if (error instanceof DatasetError || !(error instanceof Error)) return error;
  const e = error as NodeJS.ErrnoException;
  const problem = FS_PROBLEMS[e.code ?? ''];
  return problem ? new DatasetError(e.path ?? fallbackPath, '', problem) : error;
}

const FS_PROBLEMS: Record<string, string> = {
  EACCES: 'not readable (permission denied)',
  EPERM: 'not readable (operation not permitted)',
  EISDIR: 'is a folder where the format expects a file',
  ENOTDIR: 'is a file where the format expects a folder',
  ENOENT: 'missing',
  EIO: 'could not be read (I/O error)',
};

/** For an optional file: absent is fine (undefined), unreadable is an error naming it. */
export function absentAsUndefined(file: string) {
  return (error: unknown): undefined => {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw asDatasetError(error, file);
  };
}
