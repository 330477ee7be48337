import YAML from 'yaml';

/**
 * A config as YAML, the way `sfe config show` prints it and the report shows it: lists of
 * numbers on one line (`hidden: [256, 512, 1024]`), as people write them.
 */
export function configToYaml(value: unknown): string {
  const document = new YAML.Document(value);
  YAML.visit(document, {
    Seq(_, node) {
      if (node.items.every(YAML.isScalar)) node.flow = true;
    },
  });
  return document.toString({ flowCollectionPadding: false });
}
