import assert from 'node:assert/strict';
import { renderSweepHtml } from '../../report/render-sweep-html.js';
import { sampleSweepModel } from './sample-sweep.js';
import { HTML_VOID_ELEMENTS, xmlStructureProblems } from './xml-structure.js';

describe('renderSweepHtml', () => {
  const html = renderSweepHtml(sampleSweepModel());

  it('is a well-formed page with the best trial linked by a relative path', () => {
    assert.deepEqual(xmlStructureProblems(html, HTML_VOID_ELEMENTS), []);
    assert.match(
      html,
      /<b class="mono">trial-4<\/b>: accuracy\.adversarial\.imagenetA200\.defended\.accuracy = <b>0\.7<\/b> · <a href="\.\.\/trial-4\/report\.html">open its report<\/a>/,
    );
  });

  it('gives an accuracy objective its count and 95% Wilson interval', () => {
    const model = sampleSweepModel();
    model.trials[4]!.objectiveCount = { correct: 7, total: 10 };
    // 7/10: center (0.7 + 0.19208)/1.38416 = 0.644; half (1.96/1.38416)·√(0.021 + 0.0096) = 0.2477.
    assert.match(
      renderSweepHtml(model),
      /0\.7 <span class="muted">70\.0% \(7\/10, 95% CI 39\.7–89\.2%\)<\/span>/,
    );
  });

  it('ranks completed trials first by the objective, then early-stopped, then unscored', () => {
    const order = [...html.matchAll(/<td class="mono id">(trial-\d)/g)].map((m) => m[1]);
    assert.deepEqual(order, ['trial-4', 'trial-2', 'trial-1', 'trial-0', 'trial-3', 'trial-5']);
    assert.match(html, /trial-3<\/td>.*<td>stopped-early<\/td><td class="num">2500<\/td>/);
  });

  it('ranks the other way when the objective is minimised', () => {
    const model = sampleSweepModel();
    model.objective.direction = 'minimize';
    const order = [...renderSweepHtml(model).matchAll(/<td class="mono id">(trial-\d)/g)].map(
      (m) => m[1],
    );
    assert.equal(order[0], 'trial-0');
  });

  it('draws one scatter plot per numeric parameter, with a point per scored trial', () => {
    const svgs = html.match(/<svg [\s\S]*?<\/svg>/g) ?? [];
    assert.equal(svgs.length, 2, 'learning rate and batch size, not the categorical one');
    for (const svg of svgs) assert.equal((svg.match(/<circle /g) ?? []).length, 5);
    assert.match(svgs[0]!, /\(log scale\)/);
  });

  it('rejects a report link that is not a relative path', () => {
    for (const href of [
      'https://evil.example/x.html',
      'javascript:alert(1)',
      '/etc/passwd',
      '//host/x',
    ]) {
      const model = sampleSweepModel();
      model.trials[0]!.reportHref = href;
      assert.throws(() => renderSweepHtml(model), /expected a relative path/, href);
    }
  });

  it('says so when no trial has completed', () => {
    const model = sampleSweepModel();
    for (const t of model.trials) {
      t.status = 'running';
      t.objective = null;
    }
    assert.match(renderSweepHtml(model), /No trial has completed yet/);
  });
});
