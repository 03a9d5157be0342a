import { copyByteaHex, copyRow, copyTextArray, copyValue, plainCopyTextArray, plainCopyValue } from './copy-text.js';

describe('COPY text format', () => {
  it('should escape the characters that end a value or a row, and write NULL as \\N', () => {
    expect(copyValue('plain text')).toBe('plain text');
    expect(copyValue('a\tb\nc\rd\\e')).toBe('a\\tb\\nc\\rd\\\\e');
    expect(copyValue(null)).toBe('\\N');
    expect(copyValue('\\N')).toBe('\\\\N');
  });

  it('should quote array elements so commas, braces, quotes and NULL spellings stay text', () => {
    expect(copyTextArray(['sip:a@b.example', 'x,y', '{z}', 'NULL', 'q"t'])).toBe(
      '{"sip:a@b.example","x,y","{z}","NULL","q\\\\"t"}',
    );
    expect(copyTextArray([])).toBe('{}');
  });

  it('should write bytea as escaped hex and rows as tab-separated lines', () => {
    expect(copyByteaHex('00ff')).toBe('\\\\x00ff');
    expect(copyRow(['a', '\\N', 'c'])).toBe('a\t\\N\tc\n');
  });

  it('should write values known to be plain as copyValue and copyTextArray do, without testing them', () => {
    expect(plainCopyValue('sip:a@b.example')).toBe(copyValue('sip:a@b.example'));
    expect(plainCopyValue(null)).toBe(copyValue(null));
    expect(plainCopyTextArray(['n:a.example', 'u:sip:a@b.example'])).toBe(copyTextArray(['n:a.example', 'u:sip:a@b.example']));
    expect(plainCopyTextArray([])).toBe(copyTextArray([]));
  });
});
