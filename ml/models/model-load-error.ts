/** A model could not be loaded; the message names the URI and what is wrong with it. */
export class ModelLoadError extends Error {
  constructor(
    readonly uri: string,
    reason: string,
  ) {
    super(`cannot load model ${uri}: ${reason}`);
    this.name = 'ModelLoadError';
  }
}
