/** Number formats shared by every table, so the same quantity always reads the same way. */
export const ms = (v: number): string => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));
export const ratio = (v: number): string => v.toFixed(3);
export const mib = (bytes: number): string => (bytes / 2 ** 20).toFixed(0);
export const rate = (v: number): string => (v >= 100 ? v.toFixed(0) : v.toFixed(1));
export const seconds = (v: number): string => v.toFixed(2);

/**
 * A figure measured over the calls that answered, marked when others errored: the figure alone
 * would hide them (an error is never in a latency or a QPS).
 */
export const withErrors = (text: string, errors: number | undefined): string => (errors ? `${text} ⚠ ${errors} errors` : text);
