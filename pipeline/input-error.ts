/**
 * A problem with what the user gave (a config field, a missing or unusable data file) rather
 * than with the run: retrying cannot fix it, so the experiment fails at once naming it.
 */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}
