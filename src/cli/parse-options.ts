/** Flag parsers: each error names the flag and what it accepts. */

export function positiveInt(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n <= 0) throw new Error(`${flag}: "${value}" is not a positive integer`);
    return n;
  };
}

export function positiveNumber(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`${flag}: "${value}" is not a positive number`);
    return n;
  };
}

export function intList(flag: string) {
  return (value: string): number[] => value.split(',').map((v) => positiveInt(flag)(v.trim()));
}

const UNITS: Record<string, number> = { '': 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30 };

/** "512m", "1g", "1.5GiB", "800MB" → bytes (binary units, as docker's --memory). */
export function byteSize(flag: string) {
  return (value: string): number => {
    const match = /^(\d+(?:\.\d+)?)\s*([kmg]?)(?:i?b)?$/i.exec(value.trim());
    const unit = UNITS[(match?.[2] ?? '').toLowerCase()];
    if (!match || unit === undefined) throw new Error(`${flag}: "${value}" is not a size like 512m or 2g`);
    return Math.round(Number(match[1]) * unit);
  };
}
