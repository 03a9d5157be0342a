import { create } from 'xmlbuilder2';
import { xmlLiteral } from './xml-literal.js';
import { parseXmlTree } from './xml-tree.js';

describe(xmlLiteral.name, () => {
  const tricky = ['Tom &amp; Jerry', '&x; and &#38; and &#x26;', 'a & b < c > d " e \' f', '&&amp;;', ''];

  it.each(tricky)('should make %j read back unchanged from text and from an attribute', (value) => {
    const xml = create()
      .ele('r', { v: xmlLiteral(value) })
      .txt(xmlLiteral(value))
      .end();
    const root = parseXmlTree(xml, 'test');
    expect(root.attrs.find((a) => a.local === 'v')?.value).toBe(value);
    expect(root.children.join('')).toBe(value);
  });

  it('should be needed: without it the writer keeps entity-like text as markup', () => {
    expect(create().ele('r').txt('Tom &amp; Jerry').end()).toContain('<r>Tom &amp; Jerry</r>');
  });
});
