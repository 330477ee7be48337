/**
 * Checks that markup is well nested: every opened element is closed in order, attributes are
 * quoted, and no raw '<' or '&' hides in text. Enough to catch a broken SVG or an unescaped
 * string without an XML parser package. HTML void elements count as self-closing.
 */
export function xmlStructureProblems(
  markup: string,
  voidElements: readonly string[] = [],
): string[] {
  const problems: string[] = [];
  const stack: string[] = [];
  const token =
    /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+(?:="[^"<]*")?)*)\s*(\/?)>|<!DOCTYPE[^>]*>|<!--[\s\S]*?-->|<|&(?!(?:amp|lt|gt|quot|#39|#\d+);)/g;
  let match: RegExpExecArray | null;
  while ((match = token.exec(markup)) !== null) {
    const [whole, closing, name, , selfClosing] = match;
    if (whole.startsWith('<!')) continue;
    if (name === undefined) {
      problems.push(
        `stray ${JSON.stringify(whole)} at ${match.index}: ${markup.slice(match.index, match.index + 40)}`,
      );
      continue;
    }
    if (closing) {
      const open = stack.pop();
      if (open !== name) problems.push(`</${name}> closes <${open}> at ${match.index}`);
    } else if (!selfClosing && !voidElements.includes(name.toLowerCase())) {
      stack.push(name);
    }
  }
  if (stack.length > 0) problems.push(`unclosed: ${stack.join(' > ')}`);
  return problems;
}

export const HTML_VOID_ELEMENTS = ['meta', 'img', 'br', 'link', 'hr', 'input'];
