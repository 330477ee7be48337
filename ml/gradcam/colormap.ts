/** The "jet" colour map: 0 → dark blue, 0.5 → green-yellow, 1 → dark red; RGB in [0, 255]. */
export function jet(value: number): [number, number, number] {
  const v = Math.min(1, Math.max(0, value));
  const channel = (centre: number) =>
    Math.round(255 * Math.min(1, Math.max(0, 1.5 - Math.abs(4 * v - centre))));
  return [channel(3), channel(2), channel(1)];
}
