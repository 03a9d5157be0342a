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
});
