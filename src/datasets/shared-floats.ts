/**
 * A zeroed Float32Array over a SharedArrayBuffer: the ground-truth workers read the same
 * memory instead of each receiving a copy of gigabytes of vectors.
 */
export function sharedFloat32(length: number): Float32Array {
  return new Float32Array(new SharedArrayBuffer(length * 4));
}
