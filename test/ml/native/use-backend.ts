import { selectBackend, type BackendName } from '../../../ml/backend.js';

const NOT_BUILT = /Cannot find (package|module) '@tensorflow\/tfjs-node'/;

/**
 * Switches tfjs to `backend`. For the native CPU backend, skips the calling suite where it is not
 * built here (a machine where infra/native/install-tfjs-node.sh could not build it); a build that
 * is there but fails to load is an error, not a skip.
 */
export async function useBackend(context: Mocha.Context, backend: BackendName): Promise<void> {
  try {
    await selectBackend(backend, () => {});
  } catch (err) {
    if (backend === 'tensorflow' && err instanceof Error && NOT_BUILT.test(err.message)) {
      console.log(
        '    (skipped: tfjs-node is not built here; run bash infra/native/install-tfjs-node.sh cpu)',
      );
      context.skip();
    }
    throw err;
  }
}
