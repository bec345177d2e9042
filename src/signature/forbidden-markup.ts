// The markup refused before any parser sees the text: DOCTYPE and ENTITY declarations and processing
// instructions, wherever they occur. Apart from xml-guard.ts (which loads the DOM parser) because
// the direct verifier refuses the same text without a DOM.
import type { Finding } from '../core/index.ts';
import { finding } from './verdict.ts';

/**
 * Scans the raw text. Conservative on purpose: the markers are refused wherever they occur,
 * including inside comments or CDATA, because no edXML producer needs them there.
 */
export function findForbiddenMarkup(text: string): Finding | null {
  for (let i = text.indexOf('<!'); i !== -1; i = text.indexOf('<!', i + 2)) {
    const word = text.slice(i + 2, i + 9).toUpperCase();
    if (word.startsWith('DOCTYPE')) return finding('XML_DOCTYPE', 'A DOCTYPE declaration is not allowed.');
    if (word.startsWith('ENTITY')) return finding('XML_DOCTYPE', 'An ENTITY declaration is not allowed.');
  }
  const declaration = /^<\?xml[ \t\r\n]/.test(text) ? text.indexOf('?>') : -1;
  const from = declaration === -1 ? 0 : declaration + 2;
  if (text.indexOf('<?', from) !== -1) {
    return finding(
      'XML_PROCESSING_INSTRUCTION',
      'Processing instructions (other than the XML declaration) are not allowed.',
    );
  }
  return null;
}
