import { DT_FLOAT, DT_INT32, type GraphBuilder } from './graph-def.js';

const DTYPE = { dtype: { type: DT_FLOAT } } as const;

/** `^name`: an input that orders a node after `name` without taking its value. */
export const after = (names: readonly string[]): string[] => names.map((n) => `^${n}`);

interface Variable {
  handle: string;
  shape: readonly number[];
}

/**
 * Float32 resource variables of a graph that a session keeps between runs (weights, optimizer
 * moments, batch-norm statistics), with two extra entry points: `load` feeds every variable its
 * value, `read` fetches every value, both in the order the variables were added.
 */
export class GraphVariables {
  private readonly variables: Variable[] = [];

  constructor(private readonly graph: GraphBuilder) {}

  /** Adds a variable; returns its handle. */
  add(name: string, shape: readonly number[]): string {
    const handle = this.graph.op('VarHandleOp', name, [], {
      ...DTYPE,
      shape: { shape },
      container: { s: '' },
      // Unique within the graph, and each session has its own resources.
      shared_name: { s: name },
    });
    this.variables.push({ handle, shape });
    return handle;
  }

  /** The variable's value once the nodes in `orderAfter` have run. */
  read(handle: string, orderAfter: readonly string[] = []): string {
    return this.graph.op('ReadVariableOp', `${handle}/read`, [handle, ...after(orderAfter)], DTYPE);
  }

  /** Sets the variable to `value`; returns the (output-less) node to order by. */
  assign(handle: string, value: string, orderAfter: readonly string[] = []): string {
    return this.graph.op(
      'AssignVariableOp',
      `${handle}/assign`,
      [handle, value, ...after(orderAfter)],
      DTYPE,
    );
  }

  get count(): number {
    return this.variables.length;
  }

  /**
   * Adds the load and read entry points; call it once all variables are added. `load` names a
   * placeholder per variable and `loaded`, a scalar to fetch so that every assignment runs.
   */
  entryPoints(): { load: string[]; loaded: string; read: string[] } {
    const load: string[] = [];
    const assigns: string[] = [];
    const read: string[] = [];
    for (const v of this.variables) {
      const value = this.graph.placeholder(`${v.handle}/value`, v.shape);
      load.push(value);
      assigns.push(this.assign(v.handle, value));
      read.push(this.read(v.handle));
    }
    const done = this.graph.scalarInt('loaded/value', 0);
    const loaded = this.graph.op('Identity', 'loaded', [done, ...after(assigns)], {
      T: { type: DT_INT32 },
    });
    return { load, loaded, read };
  }
}
