import { isUtf8 } from 'node:buffer';
import { InvalidInputError, PayloadTooLargeError, UnsupportedMediaTypeError } from '@app/common';

/** Default upper bound of a provisioning document: 256 KiB. */
export const DEFAULT_MAX_XML_BYTES = 256 * 1024;

export interface SafeXmlOptions {
  /** Largest accepted input in bytes (UTF-8). Default 256 KiB. */
  maxBytes?: number;
  /** What the input is called in messages (default "XML document"). */
  what?: string;
  /** Deepest element nesting accepted (unset: no limit); deeper input is refused before any parser runs. */
  maxDepth?: number;
}

/** 1-based line and column (in UTF-16 code units) of `index` in `text`. */
export function lineColumn(text: string, index: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: index - lineStart + 1 };
}

function refuse(text: string, index: number, reason: string, what: string): never {
  const { line, column } = lineColumn(text, index);
  throw new InvalidInputError(`${what} refused at line ${line}:${column}: ${reason}`, [
    { name: `line ${line}:${column}`, reason },
  ]);
}

function tooLarge(maxBytes: number, what: string): never {
  throw new PayloadTooLargeError(`${what} is larger than ${maxBytes} bytes`, { maxBytes });
}

/** Offset of the first byte that is not part of a well-formed UTF-8 sequence (error path only). */
function firstInvalidUtf8(buf: Uint8Array): number {
  let i = 0;
  while (i < buf.length) {
    const b = buf[i];
    let n: number;
    let min = 0;
    if (b < 0x80) n = 0;
    else if (b >= 0xc2 && b <= 0xdf) n = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      n = 2;
      min = 0x800;
    } else if (b >= 0xf0 && b <= 0xf4) {
      n = 3;
      min = 0x10000;
    } else return i;
    let cp = n === 0 ? b : b & (0x3f >> n);
    for (let k = 1; k <= n; k++) {
      const c = buf[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (n > 0 && (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))) return i;
    i += n + 1;
  }
  // Stryker disable next-line UnaryOperator: unreachable, only called on malformed input
  return -1;
}

const UTF8_NAMES = new Set(['utf-8', 'utf8']);
const PREDEFINED_OR_CHAR_REF = /&(?:amp|lt|gt|quot|apos|#[0-9]{1,7}|#x[0-9A-Fa-f]{1,6});/y;
const NEXT_MARKUP = /[<&]/g;

/** Does the start tag at `at` end with '/>'? Quotes are skipped: '>' may appear in attribute values. */
function isSelfClosing(text: string, at: number): boolean {
  let quote = 0;
  for (let k = at + 1; k < text.length; k++) {
    const c = text.charCodeAt(k);
    if (quote) {
      if (c === quote) quote = 0;
    } else if (c === 0x22 || c === 0x27) quote = c;
    else if (c === 0x3e /* > */) return text.charCodeAt(k - 1) === 0x2f;
  }
  return false;
}

/**
 * Hostile-input gate, run BEFORE any XML parser sees the input:
 *
 * - larger than `maxBytes` → {@link PayloadTooLargeError} (decided from the length alone, the
 *   input is not scanned);
 * - a UTF-16/UTF-32 byte-order mark or an XML declaration naming an encoding other than UTF-8 →
 *   {@link UnsupportedMediaTypeError};
 * - bytes that are not well-formed UTF-8 → {@link InvalidInputError} with the line:column;
 * - with `maxDepth`, elements nested deeper than that → {@link InvalidInputError} naming line:column;
 * - `<!DOCTYPE`, `<!ENTITY` (any `<!` markup declaration), processing instructions other than
 *   the XML declaration, and entity references other than the five predefined ones and numeric
 *   character references → {@link InvalidInputError} naming line:column.
 *
 * Comments and CDATA sections are skipped (their content is not markup). With no DTD there can
 * be no entity definitions, so XXE, billion laughs and DTD tricks are impossible whatever parser
 * or validator runs next. Returns the document as a string, without a byte-order mark.
 */
export function assertSafeXml(input: Buffer | Uint8Array | string, options: SafeXmlOptions = {}): string {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_XML_BYTES;
  const what = options.what ?? 'XML document';
  let text: string;
  if (typeof input === 'string') {
    // Every UTF-16 code unit is at least one UTF-8 byte: a longer string is too large for sure,
    // and only short strings are measured exactly.
    if (input.length > maxBytes) tooLarge(maxBytes, what);
    // Stryker disable next-line StringLiteral: Buffer.byteLength counts UTF-8 by default
    if (Buffer.byteLength(input, 'utf8') > maxBytes) tooLarge(maxBytes, what);
    text = input;
  } else {
    if (input.byteLength > maxBytes) tooLarge(maxBytes, what);
    const buf = Buffer.isBuffer(input) ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
    if (
      (buf[0] === 0xfe && buf[1] === 0xff) ||
      (buf[0] === 0xff && buf[1] === 0xfe) ||
      (buf[0] === 0x00 && buf[1] === 0x00 && buf[2] === 0xfe && buf[3] === 0xff) ||
      (buf[0] === 0x3c && buf[1] === 0x00) ||
      (buf[0] === 0x00 && buf[1] === 0x3c)
    ) {
      throw new UnsupportedMediaTypeError(`${what} must be encoded in UTF-8 (UTF-16/UTF-32 is not accepted)`);
    }
    if (!isUtf8(buf)) {
      const bad = firstInvalidUtf8(buf);
      const prefix = buf.subarray(0, Math.max(bad, 0)).toString('utf8');
      refuse(prefix, prefix.length, 'the input is not well-formed UTF-8', what);
    }
    text = buf.toString('utf8');
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);

  let i = 0;
  if (text.startsWith('<?xml') && /[\s?]/.test(text.charAt(5))) {
    const end = text.indexOf('?>');
    if (end === -1) refuse(text, 0, 'unterminated XML declaration', what);
    const decl = text.slice(0, end);
    const enc = /\sencoding\s*=\s*(["'])([^"']*)\1/.exec(decl);
    if (enc && !UTF8_NAMES.has(enc[2].toLowerCase())) {
      throw new UnsupportedMediaTypeError(`${what} declares encoding "${enc[2]}": only UTF-8 is accepted (line 1)`, {
        encoding: enc[2],
      });
    }
    i = end + 2;
  }

  const maxDepth = options.maxDepth ?? Infinity;
  let depth = 0;
  NEXT_MARKUP.lastIndex = i;
  for (let m = NEXT_MARKUP.exec(text); m; m = NEXT_MARKUP.exec(text)) {
    const at = m.index;
    if (text.charCodeAt(at) === 0x26 /* & */) {
      PREDEFINED_OR_CHAR_REF.lastIndex = at;
      if (!PREDEFINED_OR_CHAR_REF.test(text)) {
        // Stryker disable next-line OptionalChaining,StringLiteral: the pattern always matches the '&' it starts at
        const name = /^&#?[A-Za-z0-9_.:-]{0,40};?/.exec(text.slice(at, at + 44))?.[0] ?? '&';
        refuse(
          text,
          at,
          `entity reference ${name} is not allowed: only &amp; &lt; &gt; &quot; &apos; and numeric character references`,
          what,
        );
      }
      continue;
    }
    const next = text.charCodeAt(at + 1);
    if (next === 0x21 /* ! */) {
      if (text.startsWith('<!--', at)) {
        const end = text.indexOf('-->', at + 4);
        if (end === -1) break; // unterminated: the parser reports it
        NEXT_MARKUP.lastIndex = end + 3;
      } else if (text.startsWith('<![CDATA[', at)) {
        const end = text.indexOf(']]>', at + 9);
        if (end === -1) break;
        NEXT_MARKUP.lastIndex = end + 3;
      } else {
        // Stryker disable next-line OptionalChaining,StringLiteral: the pattern always matches the '<!' it starts at
        const decl = /^<!\[?[A-Za-z]*/.exec(text.slice(at, at + 12))?.[0] ?? '<!';
        refuse(text, at, `${decl} is not allowed: DTDs and entity declarations are refused`, what);
      }
    } else if (next === 0x3f /* ? */) {
      // Stryker disable next-line OptionalChaining,StringLiteral: the pattern always matches the '<?' it starts at
      const target = /^<\?[^\s?]*/.exec(text.slice(at, at + 40))?.[0] ?? '<?';
      refuse(
        text,
        at,
        target.toLowerCase() === '<?xml'
          ? 'the XML declaration must be at the very beginning of the document'
          : `processing instruction ${target} is not allowed`,
        what,
      );
    } else if (maxDepth !== Infinity) {
      if (next === 0x2f /* / */) depth--;
      else {
        // an empty element <x/> is one level deeper too, but closes at once
        if (depth + 1 > maxDepth) refuse(text, at, `elements are nested deeper than ${maxDepth} levels`, what);
        if (!isSelfClosing(text, at)) depth++;
      }
    }
  }
  return text;
}
