import { npmPackageVersion } from '../../project-paths.js';

/** The version of the `weaviate-client` npm package the gRPC driver talks with. */
export function weaviateClientVersion(): string {
  return npmPackageVersion('weaviate-client');
}

/** Compares dotted release versions ("1.27.0" < "1.39.3"); a pre-release suffix is ignored. */
export function compareVersions(a: string, b: string): number {
  const parse = (v: string): number[] => v.replace(/^v/, '').split(/[-+]/)[0]!.split('.').map((n) => Number(n) || 0);
  const [x, y] = [parse(a), parse(b)];
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
