/**
 * Starts a service on freshly chosen free ports, again when the start failed because another
 * process took one of them between the check and the bind (the check cannot hold the port, and
 * a Temporal dev server binds ports next to the one it is given). Other failures are thrown at
 * once; after `attempts` clashes the last one is.
 */
export async function startOnFreshPorts<T>(
  start: () => Promise<T>,
  isPortClash: (error: Error) => Promise<boolean>,
  attempts = 3,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start();
    } catch (error) {
      if (attempt >= attempts || !(error instanceof Error) || !(await isPortClash(error)))
        throw error;
    }
  }
}
