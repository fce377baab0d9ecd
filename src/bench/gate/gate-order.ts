/**
 * The order the sides take turn `round` in (the gate passes round + query number, so the order
 * rotates query by query and round by round): the list rotated by that number. Two sides go AB,
 * BA, AB, ...; three go ABC, BCA, CAB. Every side runs first, middle and last equally often, so a
 * drift (a server warming up, a neighbour starting) falls on every side alike instead of always
 * on whichever runs second.
 */
export function roundOrder<T>(sides: readonly T[], round: number): T[] {
  const n = sides.length;
  if (n === 0) return [];
  const shift = ((round % n) + n) % n;
  return [...sides.slice(shift), ...sides.slice(0, shift)];
}
