import { InvalidInputError, PayloadTooLargeError, UnsupportedMediaTypeError } from '@app/common';
import { assertSafeXml, DEFAULT_MAX_XML_BYTES, lineColumn } from './safe-xml.js';
import { fixture, VALID_FIXTURES } from './test-support.js';

function refusal(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a refusal');
}

/** A syntactically plausible provisioning document of about `bytes` bytes. */
function bigDocument(bytes: number): Buffer {
  const head = fixture('example-a-peer-network.xml').replace('</pres-im-provisioning>', '');
  const filler = '<!-- padding padding padding padding padding padding padding padding -->\n';
  const parts = [head];
  let size = head.length;
  while (size < bytes) {
    parts.push(filler);
    size += filler.length;
  }
  parts.push('</pres-im-provisioning>\n');
  return Buffer.from(parts.join(''));
}

describe(assertSafeXml.name, () => {
  it('should accept the valid fixtures and return them as strings', () => {
    for (const f of VALID_FIXTURES) {
      const text = fixture(f);
      expect(assertSafeXml(Buffer.from(text))).toBe(text);
      expect(assertSafeXml(text)).toBe(text);
    }
  });

  it.each(['xxe.xml', 'billion-laughs.xml', 'dtd-internal.xml'])('should refuse hostile/%s at the DOCTYPE (line 2)', (f) => {
    const err = refusal(() => assertSafeXml(fixture(`hostile/${f}`)));
    expect(err).toBeInstanceOf(InvalidInputError);
    expect(err.message).toMatch(/line 2:1: <!DOCTYPE is not allowed/);
    expect((err as InvalidInputError).invalidParams).toEqual([{ name: 'line 2:1', reason: expect.stringMatching(/DOCTYPE/) }]);
  });

  it('should refuse a generated 10 MB document with 413 in less than 50 ms, as a Buffer and as a string', () => {
    const big = bigDocument(10 * 1024 * 1024);
    const asString = big.toString('utf8');
    for (const input of [big, asString]) {
      const t0 = performance.now();
      const err = refusal(() => assertSafeXml(input));
      const ms = performance.now() - t0;
      expect(err).toBeInstanceOf(PayloadTooLargeError);
      expect(err.message).toContain(String(DEFAULT_MAX_XML_BYTES));
      expect(ms).toBeLessThan(50);
    }
  });

  it('should honour maxBytes exactly (UTF-8 bytes, not characters)', () => {
    expect(assertSafeXml('<a>é</a>', { maxBytes: 9 })).toBe('<a>é</a>');
    expect(() => assertSafeXml('<a>é</a>', { maxBytes: 8 })).toThrow(PayloadTooLargeError);
    expect(() => assertSafeXml(Buffer.from('<a>é</a>'), { maxBytes: 8 })).toThrow(PayloadTooLargeError);
  });

  it('should refuse an XML declaration with an encoding other than UTF-8 (415)', () => {
    expect(() => assertSafeXml('<?xml version="1.0" encoding="ISO-8859-1"?><a/>')).toThrow(UnsupportedMediaTypeError);
    expect(assertSafeXml("<?xml version='1.0' encoding='utf-8'?><a/>")).toBe("<?xml version='1.0' encoding='utf-8'?><a/>");
  });

  it('should refuse UTF-16 input (415) and malformed UTF-8 with its line:column (400)', () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('<a/>', 'utf16le')]);
    expect(() => assertSafeXml(utf16)).toThrow(UnsupportedMediaTypeError);
    const bad = Buffer.concat([Buffer.from('<a>\n  <b>'), Buffer.from([0xc3, 0x28]), Buffer.from('</b></a>')]);
    const err = refusal(() => assertSafeXml(bad));
    expect(err).toBeInstanceOf(InvalidInputError);
    expect(err.message).toMatch(/line 2:6: the input is not well-formed UTF-8/);
  });

  it('should strip a UTF-8 byte-order mark', () => {
    expect(assertSafeXml(Buffer.from('\ufeff<a/>'))).toBe('<a/>');
  });

  it('should refuse entity references other than the predefined and numeric ones, naming line:column', () => {
    expect(assertSafeXml('<a b="&amp;&lt;&gt;&quot;&apos;&#10;&#x1F600;">&amp;&#65;</a>')).toBeDefined();
    const err = refusal(() => assertSafeXml('<a>\n <b>x &nbsp; y</b></a>'));
    expect(err).toBeInstanceOf(InvalidInputError);
    expect(err.message).toMatch(/line 2:7: entity reference &nbsp; is not allowed/);
    expect(() => assertSafeXml('<a b="&ext;"/>')).toThrow(/line 1:7: entity reference &ext;/);
    expect(() => assertSafeXml('<a>&#xZZ;</a>')).toThrow(InvalidInputError);
  });

  it('should refuse processing instructions and markup declarations, but not the XML declaration', () => {
    expect(() => assertSafeXml('<?xml version="1.0"?>\n<?xml-stylesheet href="x"?><a/>')).toThrow(
      /line 2:1: processing instruction <\?xml-stylesheet is not allowed/,
    );
    expect(() => assertSafeXml(' <?xml version="1.0"?><a/>')).toThrow(/XML declaration must be at the very beginning/);
    expect(() => assertSafeXml('<a><?php echo 1 ?></a>')).toThrow(/<\?php/);
    expect(() => assertSafeXml('<!ENTITY x "y"><a/>')).toThrow(/<!ENTITY is not allowed/);
    expect(() => assertSafeXml('<a/>\n<!DOCTYPE a>')).toThrow(/line 2:1/);
  });

  it('should not look for markup inside comments and CDATA sections', () => {
    const text = '<a><!-- <!DOCTYPE x> &foo; <?pi?> --><![CDATA[ <!ENTITY y> &bar; <?pi?> ]]></a>';
    expect(assertSafeXml(text)).toBe(text);
  });

  it('should compute 1-based line and column', () => {
    expect(lineColumn('ab\ncd\nef', 0)).toEqual({ line: 1, column: 1 });
    expect(lineColumn('ab\ncd\nef', 4)).toEqual({ line: 2, column: 2 });
    expect(lineColumn('ab\ncd\nef', 6)).toEqual({ line: 3, column: 1 });
  });
});
