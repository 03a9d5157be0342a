import { isUtf8 } from 'node:buffer';
import fc from 'fast-check';
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

  it('should accept a document of exactly the maximum size and refuse one byte more, as a Buffer and as a string', () => {
    const exactly = (bytes: number) => `<a>${'x'.repeat(bytes - 7)}</a>`;
    for (const input of [exactly(DEFAULT_MAX_XML_BYTES), Buffer.from(exactly(DEFAULT_MAX_XML_BYTES))]) {
      expect(assertSafeXml(input)).toBe(exactly(DEFAULT_MAX_XML_BYTES));
    }
    for (const input of [exactly(DEFAULT_MAX_XML_BYTES + 1), Buffer.from(exactly(DEFAULT_MAX_XML_BYTES + 1))]) {
      const err = refusal(() => assertSafeXml(input, { what: 'provisioning document' }));
      expect(err).toBeInstanceOf(PayloadTooLargeError);
      expect(err.message).toBe(`provisioning document is larger than ${DEFAULT_MAX_XML_BYTES} bytes`);
      expect((err as PayloadTooLargeError).details).toEqual({ maxBytes: DEFAULT_MAX_XML_BYTES });
    }
    expect(assertSafeXml('<a/>', { maxBytes: 4 })).toBe('<a/>');
    expect(assertSafeXml(Buffer.from('<a>é</a>'), { maxBytes: 9 })).toBe('<a>é</a>');
  });

  it('should read a Uint8Array that is a window on a larger buffer', () => {
    const whole = new TextEncoder().encode('<!DOCTYPE x><a>&amp;</a>&bad;');
    expect(assertSafeXml(whole.subarray(12, 24))).toBe('<a>&amp;</a>');
  });

  it.each([
    ['UTF-16BE with a byte-order mark', [0xfe, 0xff, 0x00, 0x3c, 0x00, 0x61, 0x00, 0x2f, 0x00, 0x3e]],
    ['UTF-16LE with a byte-order mark', [0xff, 0xfe, 0x3c, 0x00, 0x61, 0x00, 0x2f, 0x00, 0x3e, 0x00]],
    ['UTF-32BE with a byte-order mark', [0x00, 0x00, 0xfe, 0xff, 0x00, 0x00, 0x00, 0x3c, 0x00, 0x00, 0x00, 0x61]],
    ['UTF-32LE with a byte-order mark', [0xff, 0xfe, 0x00, 0x00, 0x3c, 0x00, 0x00, 0x00, 0x61, 0x00, 0x00, 0x00]],
    ['UTF-16LE without a byte-order mark', [0x3c, 0x00, 0x61, 0x00, 0x2f, 0x00, 0x3e, 0x00]],
    ['UTF-16BE without a byte-order mark', [0x00, 0x3c, 0x00, 0x61, 0x00, 0x2f, 0x00, 0x3e]],
  ])('should refuse %s as an unsupported encoding (415)', (_encoding, bytes) => {
    const err = refusal(() => assertSafeXml(Buffer.from(bytes), { what: 'provisioning document' }));
    expect(err).toBeInstanceOf(UnsupportedMediaTypeError);
    expect(err.message).toBe('provisioning document must be encoded in UTF-8 (UTF-16/UTF-32 is not accepted)');
  });

  it.each<[string, number[], 'accepted' | typeof InvalidInputError]>([
    ['a space before the root element', [0x20, 0x3c, 0x61, 0x2f, 0x3e], 'accepted'],
    ['a NUL second (left to the parser)', [0x20, 0x00, 0x3c, 0x61, 0x2f, 0x3e], 'accepted'],
    ['a NUL first (left to the parser)', [0x00, 0x20, 0x3c, 0x61, 0x2f, 0x3e], 'accepted'],
    ['0xFE without 0xFF', [0xfe, 0x3c, 0x61, 0x2f, 0x3e], InvalidInputError],
    ['0xFF without 0xFE', [0xff, 0x3c, 0x61, 0x2f, 0x3e], InvalidInputError],
    ['0xFF second', [0x3c, 0xff, 0x61, 0x2f, 0x3e], InvalidInputError],
    ['0xFE second', [0x3c, 0xfe, 0x61, 0x2f, 0x3e], InvalidInputError],
    ['0xFE 0xFF after two bytes that are not NUL', [0x20, 0x20, 0xfe, 0xff, 0x3c], InvalidInputError],
    ['0xFE after two NULs, without 0xFF', [0x00, 0x00, 0xfe, 0x3c], InvalidInputError],
    ['0xFF after two NULs, without 0xFE', [0x00, 0x00, 0x20, 0xff], InvalidInputError],
    ['0xFE 0xFF after a NUL and a space', [0x00, 0x20, 0xfe, 0xff], InvalidInputError],
    ['0xFE 0xFF after a space and a NUL', [0x20, 0x00, 0xfe, 0xff], InvalidInputError],
  ])('should not take input with %s for UTF-16 or UTF-32', (_what, bytes, outcome) => {
    const input = Buffer.from(bytes);
    if (outcome === 'accepted') expect(assertSafeXml(input)).toBe(input.toString('utf8'));
    else expect(refusal(() => assertSafeXml(input))).toBeInstanceOf(outcome);
  });

  it('should strip a byte-order mark given in a string, and keep one that is not at the start', () => {
    expect(assertSafeXml('\ufeff<a/>')).toBe('<a/>');
    expect(assertSafeXml('<a>\ufeff</a>')).toBe('<a>\ufeff</a>');
  });

  it('should name a refused input as the caller calls it', () => {
    expect(() => assertSafeXml('<!DOCTYPE a>', { what: 'extension fragment' })).toThrow(
      /^extension fragment refused at line 1:1: /,
    );
    expect(() => assertSafeXml('<!DOCTYPE a>')).toThrow(/^XML document refused at line 1:1: /);
  });

  it.each([
    ['an overlong two-byte form', [0xc0, 0xaf], '1:4'],
    ['an overlong three-byte form', [0xe0, 0x80, 0xaf], '1:4'],
    ['an overlong four-byte form', [0xf0, 0x80, 0x80, 0xaf], '1:4'],
    ['a UTF-16 surrogate', [0xed, 0xa0, 0x80], '1:4'],
    ['a code point above U+10FFFF', [0xf4, 0x90, 0x80, 0x80], '1:4'],
    ['a byte that never starts a sequence', [0xf5, 0x80, 0x80, 0x80], '1:4'],
    ['a byte above the four-byte leads', [0xf8, 0x90, 0x80, 0x80], '1:4'],
    ['a continuation byte alone', [0x80], '1:4'],
    ['a sequence cut short by the end', [0xe2, 0x82], '1:4'],
    ['a sequence cut short by ASCII', [0xe2, 0x82, 0x3c], '1:4'],
    ['a lead byte below the two-byte range', [0xc1, 0xbf], '1:4'],
    ['an overlong form just below U+0800', [0xe0, 0x9f, 0xbf], '1:4'],
    ['an overlong form just below U+10000', [0xf0, 0x8f, 0xbf, 0xbf], '1:4'],
    ['the last UTF-16 surrogate', [0xed, 0xbf, 0xbf], '1:4'],
  ])('should refuse %s as malformed UTF-8 at its line:column', (_what, bytes, at) => {
    const err = refusal(() => assertSafeXml(Buffer.concat([Buffer.from('<a>'), Buffer.from(bytes), Buffer.from('</a>')])));
    expect(err).toBeInstanceOf(InvalidInputError);
    expect(err.message).toBe(`XML document refused at line ${at}: the input is not well-formed UTF-8`);
    expect((err as InvalidInputError).invalidParams).toEqual([
      { name: `line ${at}`, reason: 'the input is not well-formed UTF-8' },
    ]);
  });

  it('should pass over well-formed sequences at the edges of each range before finding a malformed one', () => {
    const edges = [
      [0xc2, 0x80], // U+0080
      [0xdf, 0xbf], // U+07FF
      [0xe0, 0xa0, 0x80], // U+0800
      [0xed, 0x9f, 0xbf], // U+D7FF
      [0xee, 0x80, 0x80], // U+E000
      [0xef, 0xbf, 0xbf], // U+FFFF
      [0xf0, 0x90, 0x80, 0x80], // U+10000
      [0xf4, 0x8f, 0xbf, 0xbf], // U+10FFFF
    ];
    const text = Buffer.concat(edges.map((e) => Buffer.from(e))).toString('utf8');
    expect(text.length).toBe(10);
    const bad = Buffer.concat([Buffer.from('<a>'), ...edges.map((e) => Buffer.from(e)), Buffer.from([0xc0, 0x80])]);
    expect(() => assertSafeXml(bad)).toThrow(/line 1:14: the input is not well-formed UTF-8/);
  });

  it('should count columns after multi-byte characters in UTF-16 code units', () => {
    const bad = (text: string) => Buffer.concat([Buffer.from(text), Buffer.from([0xff])]);
    expect(() => assertSafeXml(bad('<a>é€😀'))).toThrow(/line 1:8: the input is not well-formed UTF-8/);
    expect(() => assertSafeXml(bad('<a>\n\u{10ffff}'))).toThrow(/line 2:3: the input is not well-formed UTF-8/);
  });

  it('should place any malformed UTF-8 at the end of the longest well-formed prefix', () => {
    // the longest prefix that is well-formed UTF-8 ends where the first malformed sequence starts
    const expectedAt = (buf: Buffer) => {
      let end = buf.length;
      while (!isUtf8(buf.subarray(0, end))) end--;
      const prefix = buf.subarray(0, end).toString('utf8');
      const { line, column } = lineColumn(prefix, prefix.length);
      return `line ${line}:${column}`;
    };
    const chunk = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 3 }).map((s) => Buffer.from(s)),
      fc.uint8Array({ min: 0x80, maxLength: 4 }).map((a) => Buffer.from(a)),
      fc.constant(Buffer.from('\n')),
    );
    fc.assert(
      fc.property(fc.array(chunk, { maxLength: 12 }), (chunks) => {
        const buf = Buffer.concat([Buffer.from('<a>'), ...chunks]);
        fc.pre(!isUtf8(buf));
        expect(refusal(() => assertSafeXml(buf)).message).toContain(`${expectedAt(buf)}: the input is not well-formed UTF-8`);
      }),
      { numRuns: 300 },
    );
  });
});

describe(`${assertSafeXml.name} — markup after a skipped part`, () => {
  it.each([
    ['a comment before a DOCTYPE', '<!-- about --><!DOCTYPE a><a/>', /line 1:15: <!DOCTYPE is not allowed/],
    ['two comments before a DOCTYPE', '<!--1--><!--2-->\n<!DOCTYPE a><a/>', /line 2:1: <!DOCTYPE is not allowed/],
    ['a comment before an entity reference', '<a><!-- x -->&ext;</a>', /line 1:14: entity reference &ext; is not allowed/],
    ['a CDATA section before an entity declaration', '<a><![CDATA[x]]><!ENTITY e "v"></a>', /line 1:17: <!ENTITY is not allowed/],
    ['a CDATA section before an entity reference', '<a><![CDATA[x]]>&ext;</a>', /line 1:17: entity reference &ext;/],
    [
      'a CDATA section before a processing instruction',
      '<a><![CDATA[]]><?pi x?></a>',
      /processing instruction <\?pi is not allowed/,
    ],
    ['a comment holding "]]>" before a DOCTYPE', '<!-- ]]> --><!DOCTYPE a>', /line 1:13: <!DOCTYPE/],
    ['a CDATA section holding "-->" before a DOCTYPE', '<a><![CDATA[-->]]></a><!DOCTYPE a>', /line 1:23: <!DOCTYPE/],
    ['the XML declaration before a DOCTYPE', '<?xml version="1.0"?><!DOCTYPE a><a/>', /line 1:22: <!DOCTYPE is not allowed/],
    ['the XML declaration before an entity reference', '<?xml version="1.0"?><a>&ext;</a>', /line 1:25: entity reference &ext;/],
  ])('should still refuse %s', (_what, text, message) => {
    const err = refusal(() => assertSafeXml(text));
    expect(err).toBeInstanceOf(InvalidInputError);
    expect(err.message).toMatch(message);
  });

  it('should take whatever precedes the end of a comment or CDATA section as its content', () => {
    for (const text of [
      '<a><!--&--></a>',
      '<a><!--<!--></a>',
      '<a><![CDATA[&]]></a>',
      '<a><![CDATA[<!]]></a>',
      '<a>]]><![CDATA[&x;]]></a>',
    ]) {
      expect(assertSafeXml(text)).toBe(text);
    }
  });

  it('should leave an unterminated comment or CDATA section, whose content is not markup, to the parser', () => {
    for (const text of ['<a><!-- <!DOCTYPE x> &ext; <?pi?>', '<a><![CDATA[ <!DOCTYPE x> &ext; <?pi?>']) {
      expect(assertSafeXml(text)).toBe(text);
    }
  });

  it('should not take "<!-" or "<![CDATA" without its bracket for a comment or a CDATA section', () => {
    expect(() => assertSafeXml('<a><!- &ext; --></a>')).toThrow(/<! is not allowed/);
    expect(() => assertSafeXml('<a><![CDATA x]]></a>')).toThrow(/<!\[CDATA is not allowed/);
    expect(() => assertSafeXml('<a><![INCLUDE[ x ]]></a>')).toThrow(
      /line 1:4: <!\[INCLUDE is not allowed: DTDs and entity declarations/,
    );
    expect(() => assertSafeXml('<a><!doctype a></a>')).toThrow(/<!doctype is not allowed/);
  });
});

describe(`${assertSafeXml.name} — the XML declaration`, () => {
  it.each([
    ['<?xml version="1.0"?><a/>'],
    ['<?xml\tversion="1.0"\nencoding="UTF-8"?><a/>'],
    ['<?xml version="1.0" encoding = "utf8"?><a/>'],
    ["<?xml version='1.0' encoding='Utf-8'?><a/>"],
    ['<?xml version="1.0" standalone="yes"?><a/>'],
  ])('should accept %s', (text) => {
    expect(assertSafeXml(text)).toBe(text);
  });

  it('should accept the XML declaration after a UTF-8 byte-order mark', () => {
    expect(assertSafeXml(Buffer.from('\ufeff<?xml version="1.0"?><a/>'))).toBe('<?xml version="1.0"?><a/>');
  });

  it.each([
    ['<?xml-stylesheet href="x"?><a/>', /line 1:1: processing instruction <\?xml-stylesheet is not allowed/],
    ['<?xmlfoo?><a/>', /line 1:1: processing instruction <\?xmlfoo is not allowed/],
    ['<?XML version="1.0"?><a/>', /line 1:1: the XML declaration must be at the very beginning/],
    ['\n<?xml version="1.0"?><a/>', /line 2:1: the XML declaration must be at the very beginning/],
    ['<a/><?xml version="1.0"?>', /line 1:5: the XML declaration must be at the very beginning/],
  ])('should refuse a processing instruction that is not the XML declaration: %s', (text, message) => {
    const err = refusal(() => assertSafeXml(text));
    expect(err).toBeInstanceOf(InvalidInputError);
    expect(err.message).toMatch(message);
  });

  it('should refuse an unterminated XML declaration', () => {
    const err = refusal(() => assertSafeXml('<?xml version="1.0" <!DOCTYPE a>'));
    expect(err).toBeInstanceOf(InvalidInputError);
    expect(err.message).toMatch(/line 1:1: unterminated XML declaration/);
  });

  it.each([
    ['<?xml version="1.0" encoding="UTF-16"?><a/>', 'UTF-16'],
    ["<?xml version='1.0' encoding='latin1'?><a/>", 'latin1'],
    ['<?xml version="1.0"\nencoding\t=\t"Shift_JIS"?><a/>', 'Shift_JIS'],
    ['<?xml version="1.0" encoding=""?><a/>', ''],
  ])('should refuse the declared encoding of %s (415)', (text, encoding) => {
    const err = refusal(() => assertSafeXml(text));
    expect(err).toBeInstanceOf(UnsupportedMediaTypeError);
    expect(err.message).toBe(`XML document declares encoding "${encoding}": only UTF-8 is accepted (line 1)`);
    expect((err as UnsupportedMediaTypeError).details).toEqual({ encoding });
  });

  it('should read the encoding from the declaration only, not from the document after it', () => {
    const text = '<?xml version="1.0"?><a encoding="latin1"/>';
    expect(assertSafeXml(text)).toBe(text);
  });
});

describe(`${assertSafeXml.name} — entity references`, () => {
  it.each(['&#1114111;', '&#x10FFFF;', '&#x10ffff;', '&#0000009;', '&#x00000A;'])(
    'should accept the character reference %s',
    (ref) => {
      expect(assertSafeXml(`<a>${ref}</a>`)).toBe(`<a>${ref}</a>`);
    },
  );

  it.each([
    ['&#12345678;', '&#12345678;'],
    ['&#x1234567;', '&#x1234567;'],
    ['&#;', '&#;'],
    ['&#x;', '&#x;'],
    ['&amp', '&amp'],
    ['&AMP;', '&AMP;'],
    ['& ', '&'],
    ['&a.b-c_d:e;', '&a.b-c_d:e;'],
    [`&${'n'.repeat(50)};`, `&${'n'.repeat(40)}`],
  ])('should refuse %s and name it', (ref, name) => {
    expect(() => assertSafeXml(`<a>${ref}</a>`)).toThrow(`line 1:4: entity reference ${name} is not allowed: only &amp; &lt;`);
  });

  it('should refuse an entity reference at the very end of the input', () => {
    expect(() => assertSafeXml('<a/>&')).toThrow(/line 1:5: entity reference & is not allowed/);
  });
});

describe('assertSafeXml with maxDepth', () => {
  it('should accept nesting up to the limit, self-closing and sibling elements included', () => {
    expect(assertSafeXml('<a><b><c/><c></c></b><b x="/>"><c/></b></a>', { maxDepth: 3 })).toBeDefined();
  });

  it('should refuse nesting one level deeper than the limit, naming where', () => {
    expect(() => assertSafeXml('<a>\n<b><c><d/></c></b></a>', { maxDepth: 3 })).toThrow(
      /line 2:7: elements are nested deeper than 3 levels/,
    );
  });

  it('should not count markup inside comments and CDATA sections', () => {
    expect(assertSafeXml('<a><!--<b><c>--><![CDATA[<b><c>]]></a>', { maxDepth: 1 })).toBeDefined();
  });

  it('should leave depth unlimited without the option', () => {
    expect(assertSafeXml(`${'<a>'.repeat(500)}${'</a>'.repeat(500)}`)).toBeDefined();
  });
});

describe(lineColumn.name, () => {
  it('should count a newline as the last character of its line', () => {
    expect(lineColumn('ab\ncd', 2)).toEqual({ line: 1, column: 3 });
    expect(lineColumn('ab\ncd', 3)).toEqual({ line: 2, column: 1 });
    expect(lineColumn('\n\n', 1)).toEqual({ line: 2, column: 1 });
    expect(lineColumn('abc', 3)).toEqual({ line: 1, column: 4 });
  });
});
