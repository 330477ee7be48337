/** Point-in-shape tests in shape-local coordinates: the shape fills about the unit disc. */
export type ShapeTest = (u: number, v: number) => boolean;

const TRIANGLE_NORMALS = [-90, 30, 150].map((deg) => [
  Math.cos((deg * Math.PI) / 180),
  Math.sin((deg * Math.PI) / 180),
]);
const HEX_NORMALS = [0, 60, 120].map((deg) => [
  Math.cos((deg * Math.PI) / 180),
  Math.sin((deg * Math.PI) / 180),
]);

export const DEMO_SHAPES: readonly { name: string; inside: ShapeTest }[] = [
  { name: 'circle', inside: (u, v) => u * u + v * v <= 1 },
  { name: 'square', inside: (u, v) => Math.max(Math.abs(u), Math.abs(v)) <= 0.8 },
  {
    name: 'triangle',
    inside: (u, v) => TRIANGLE_NORMALS.every(([nx, ny]) => nx! * u + ny! * v <= 0.5),
  },
  {
    name: 'cross',
    inside: (u, v) =>
      (Math.abs(u) <= 0.28 && Math.abs(v) <= 0.95) || (Math.abs(v) <= 0.28 && Math.abs(u) <= 0.95),
  },
  {
    name: 'ring',
    inside: (u, v) => {
      const r2 = u * u + v * v;
      return r2 <= 1 && r2 >= 0.36;
    },
  },
  {
    name: 'star',
    inside: (u, v) => {
      const rho = Math.hypot(u, v);
      const theta = Math.atan2(v, u);
      return rho <= 0.4 + 0.6 * Math.abs(Math.cos(2.5 * theta)) ** 3;
    },
  },
  { name: 'diamond', inside: (u, v) => Math.abs(u) + Math.abs(v) <= 1 },
  { name: 'ellipse', inside: (u, v) => u * u + (v / 0.45) ** 2 <= 1 },
  {
    name: 'hexagon',
    inside: (u, v) => HEX_NORMALS.every(([nx, ny]) => Math.abs(nx! * u + ny! * v) <= 0.87),
  },
  {
    name: 'crescent',
    inside: (u, v) => u * u + v * v <= 1 && (u - 0.45) ** 2 + v * v > 0.6,
  },
];
