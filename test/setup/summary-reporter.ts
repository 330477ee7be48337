import Mocha from 'mocha';

/**
 * Mocha's spec output, closed by one plain `tests: N passed, N failed, N skipped` line so that
 * CI and scripts can read the outcome without knowing mocha's wording.
 */
export default class SummaryReporter extends Mocha.reporters.Spec {
  constructor(runner: Mocha.Runner, options?: Mocha.MochaOptions) {
    super(runner, options);
    runner.once(Mocha.Runner.constants.EVENT_RUN_END, () => {
      const stats = runner.stats;
      if (!stats) return;
      // Registered after Spec's own epilogue, so it prints last.
      console.log(
        `tests: ${stats.passes} passed, ${stats.failures} failed, ${stats.pending} skipped`,
      );
    });
  }
}
