import { parseXmlTree, textContent, type XmlElement } from '@app/xml';
import { x1ResponseXml } from './x1-writer.js';

const kid = (el: XmlElement, local: string) =>
  el.children.find((c): c is XmlElement => typeof c !== 'string' && c.local === local) as XmlElement;

describe('x1ResponseXml', () => {
  it('should write text that reads back exactly, entity-like sequences included', () => {
    const description = 'refused &xxe; and &amp; and <b> & "q"';
    const xml = x1ResponseXml([
      {
        header: { neIdentifier: 'hub.example', version: '1' },
        reply: { kind: 'error', requestMessageType: 'X1Request', errorCode: 1000, errorDescription: description },
      },
    ]);
    const message = kid(parseXmlTree(xml), 'x1ResponseMessage');
    expect(textContent(kid(kid(message, 'errorInformation'), 'errorDescription'))).toBe(description);
  });

  it('should write a task with its targets, delivery type and status', () => {
    const xml = x1ResponseXml(
      [
        {
          header: { admfIdentifier: 'admf', neIdentifier: 'hub.example', version: 'v1', x1TransactionId: 'a'.repeat(8) },
          reply: {
            kind: 'task',
            task: {
              xid: '6f1c0e56-1a8e-4d0e-9a51-6d4c1c7b4a11',
              state: 'awaiting-approval',
              targets: [
                { kind: 'user', uri: 'sip:a@a.example' },
                { kind: 'domain', domain: 'b.example' },
              ],
              deliveryType: 'iri-and-cc',
              destinationIds: ['6f1c0e56-1a8e-4d0e-9a51-6d4c1c7b4a12'],
              warrantReference: 'W&1',
              validFrom: new Date('2030-01-01T00:00:00Z'),
              validUntil: null,
              createdBy: 'x',
              approvedBy: null,
            },
          },
        },
      ],
      new Date('2030-01-01T00:00:00Z'),
    );
    expect(xml).toContain('xsi:type="GetTaskDetailsResponse"');
    expect(xml).toContain('<userUri>sip:a@a.example</userUri>');
    expect(xml).toContain('<memberDomain>b.example</memberDomain>');
    expect(xml).toContain('<deliveryType>X2andX3</deliveryType>');
    expect(xml).toContain('<warrantReference>W&amp;1</warrantReference>');
    expect(xml).toContain('<provisioningStatus>awaitingApproval</provisioningStatus>');
    expect(xml).not.toContain('validUntil');
  });
});
