/**
 * `running`, or a rejection "did not finish within N s" after `seconds`. The caller then stops
 * the server, after which `running` fails too: expected, so that rejection is swallowed here.
 */
export async function withTimeout<T>(running: Promise<T>, seconds: number): Promise<T> {
  running.catch(() => undefined);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`did not finish within ${seconds} s`)), seconds * 1000);
  });
  try {
    return await Promise.race([running, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
