import { InvalidInputError } from '@app/common';
import { memberDocument } from '@app/testing';
import type { ProvisioningDocument } from '@app/xml';
import { assertPublishable } from './publish-checks.js';

const names = (fn: () => void) => {
  try {
    fn();
    return [];
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidInputError);
    return (error as InvalidInputError).invalidParams.map((p) => p.name);
  }
};

describe('assertPublishable', () => {
  it('should accept a document for the caller', () => {
    expect(names(() => assertPublishable(memberDocument('b.example.org'), 'b.example.org'))).toEqual([]);
  });

  it("should refuse another member's domain", () => {
    expect(names(() => assertPublishable(memberDocument('a.example.com'), 'b.example.org'))).toEqual(['/domain']);
  });

  it('should refuse a clearing-house document', () => {
    const doc = { ...memberDocument('b.example.org'), role: 'clearing-house' } as ProvisioningDocument;
    expect(names(() => assertPublishable(doc, 'b.example.org'))).toEqual(['/role']);
  });

  it('should refuse a malformed URI and name where it is', () => {
    const doc = memberDocument('b.example.org', { changeNotification: 'https://' });
    expect(names(() => assertPublishable(doc, 'b.example.org'))).toEqual(['/clearingHouseMembership/0/changeNotification/uri']);
  });

  it('should refuse an expired document and name the expires field with the time it expired', () => {
    const doc = { ...memberDocument('b.example.org'), expires: '2024-05-02T10:00:00Z' } as ProvisioningDocument;
    expect(() => assertPublishable(doc, 'b.example.org')).toThrow(
      expect.objectContaining({
        invalidParams: [{ name: '/expires', reason: expect.stringContaining('expired at 2024-05-02T10:00:00Z') }],
      }),
    );
  });

  it('should accept a document that expires later', () => {
    const doc = { ...memberDocument('b.example.org'), expires: '2036-05-02T10:00:00Z' } as ProvisioningDocument;
    expect(names(() => assertPublishable(doc, 'b.example.org', new Date('2026-12-07T00:00:00Z')))).toEqual([]);
  });

  describe('with the webhook rule', () => {
    const now = new Date('2026-12-07T00:00:00Z');
    const rule = {
      hubDomain: 'hub.test.example',
      refusal: (uri: string) => (uri.includes('10.0.0.1') ? '10.0.0.1 is a private address (RFC 1918)' : undefined),
    };

    it('should refuse the change-notification URI of its membership of this hub, naming the field', () => {
      const doc = memberDocument('b.example.org', { changeNotification: 'https://10.0.0.1/hook' });
      expect(() => assertPublishable(doc, 'b.example.org', now, rule)).toThrow(
        expect.objectContaining({
          invalidParams: [
            {
              name: '/clearingHouseMembership/0/changeNotification/uri',
              reason: 'the hub does not call this webhook: 10.0.0.1 is a private address (RFC 1918)',
            },
          ],
        }),
      );
    });

    it('should refuse the chat gateway URI the same way, naming its field', () => {
      const doc = memberDocument('b.example.org', {
        changeNotification: 'https://hooks.b.example.org/hook',
        chatDelivery: 'https://10.0.0.1/chat',
      });
      expect(() => assertPublishable(doc, 'b.example.org', now, rule)).toThrow(
        expect.objectContaining({
          invalidParams: [
            {
              name: '/clearingHouseMembership/0/chatDelivery/uri',
              reason: 'the hub does not call this chat gateway: 10.0.0.1 is a private address (RFC 1918)',
            },
          ],
        }),
      );
    });

    it('should name the membership of this hub among several, and leave the URIs other hubs call to them', () => {
      const other = memberDocument('b.example.org', { hubDomain: 'other-hub.example', changeNotification: 'https://10.0.0.1/x' });
      const ours = memberDocument('b.example.org', { changeNotification: 'https://10.0.0.1/hook' });
      const doc = {
        ...ours,
        clearingHouseMembership: [...(other.clearingHouseMembership ?? []), ...(ours.clearingHouseMembership ?? [])],
      } as ProvisioningDocument;
      expect(names(() => assertPublishable(doc, 'b.example.org', now, rule))).toEqual([
        '/clearingHouseMembership/1/changeNotification/uri',
      ]);
    });

    it('should accept a URI the rule allows', () => {
      const doc = memberDocument('b.example.org', { changeNotification: 'https://hooks.b.example.org/pip' });
      expect(names(() => assertPublishable(doc, 'b.example.org', now, rule))).toEqual([]);
    });
  });
});
