import { InvalidInputError } from '@app/common';
import { parseXmlTree, serializeCanonical } from './xml-tree.js';

describe(serializeCanonical.name, () => {
  it('should declare namespaces where first used, sort attributes and drop whitespace-only text', () => {
    const tree = parseXmlTree(
      '<r xmlns="urn:d" xmlns:a="urn:a" xmlns:u="urn:unused"><a:e z="1" a:y="2" b="3">\n  <f>t</f>\n  <g xmlns=""/><a:h/></a:e></r>',
    );
    const e = tree.children.find((c) => typeof c !== 'string');
    expect(serializeCanonical(e as never)).toBe(
      '<a:e xmlns:a="urn:a" b="3" z="1" a:y="2"><f xmlns="urn:d">t</f><g/><a:h/></a:e>',
    );
    // inside a context whose default namespace is urn:d, the no-namespace child needs xmlns=""
    expect(serializeCanonical(tree)).toBe(
      '<r xmlns="urn:d"><a:e xmlns:a="urn:a" b="3" z="1" a:y="2"><f>t</f><g xmlns=""/><a:h/></a:e></r>',
    );
  });

  it('should escape text and attributes like C14N and keep mixed content', () => {
    const tree = parseXmlTree('<x a="&quot;&#9;&lt;">a &amp; <y>b</y> &gt; c</x>');
    expect(serializeCanonical(tree)).toBe('<x a="&quot;&#x9;&lt;">a &amp; <y>b</y> &gt; c</x>');
  });
});

describe(parseXmlTree.name, () => {
  it('should refuse a DOCTYPE even if called without the gate', () => {
    expect(() => parseXmlTree('<!DOCTYPE x><x/>')).toThrow(InvalidInputError);
  });

  it('should refuse unknown entities (saxes knows no DTD)', () => {
    expect(() => parseXmlTree('<x>&foo;</x>')).toThrow(/line 1:\d+/);
  });
});
