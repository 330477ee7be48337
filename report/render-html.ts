import { configToYaml } from '../config-schema/config-yaml.js';
import { escapeXml } from './escape.js';
import { legendSection } from './sections/legend-section.js';
import { htmlPage, type PageSection } from './html-page.js';
import { reportModelSchema, type ReportModelInput } from './report-model.js';
import { dataSection } from './sections/data-section.js';
import { gradcamSection } from './sections/gradcam-section.js';
import {
  detectionSection,
  headlineSection,
  imagenetOSection,
} from './sections/metrics-sections.js';
import { stagesSection } from './sections/stages-section.js';
import { trainingSection } from './sections/training-section.js';

/**
 * The experiment report as one self-contained HTML file: inline CSS, inline SVG charts, images
 * as data: URIs, no scripts and no network. Grad-CAM images given as store keys must be
 * embedded first (`embedReportImages`), or the page shows where they are missing.
 * @throws ZodError when `input` is not a valid report model.
 */
export function renderReportHtml(input: ReportModelInput): string {
  const model = reportModelSchema.parse(input);
  const e = model.experiment;
  const sections: PageSection[] = [
    legendSection(),
    headlineSection(model),
    detectionSection(model),
    imagenetOSection(model),
    dataSection(model.data),
    trainingSection(model.training),
    gradcamSection(model.gradcam),
    stagesSection(model.stages),
    {
      id: 'config',
      title: 'Config',
      html:
        '<p class="muted">As <span class="mono">sfe config show</span> prints it: every default filled in.</p>' +
        `<pre class="config">${escapeXml(configToYaml(model.config))}</pre>`,
    },
  ].filter((s): s is PageSection => s !== undefined);
  return htmlPage({
    title: `SFE experiment ${e.name ?? e.id}`,
    meta: [
      ['Experiment', e.id],
      ['Config hash', e.configHash],
      ['Code version', e.codeVersion],
      ['Created', e.createdAt],
      ['Backend', e.backend],
    ],
    sections,
  });
}
