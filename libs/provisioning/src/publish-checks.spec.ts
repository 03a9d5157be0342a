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
});
