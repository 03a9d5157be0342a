import { InvalidInputError } from '@app/common';
import type { LiDeliveryType } from '@app/db';
import { textContent, type XmlElement } from '@app/xml';
import type { LiDestinationInput, LiTaskInput } from './li-task.js';
import { domainTarget, type LiTarget, userTarget } from './li-target.js';

export const X1_NAMESPACE = 'urn:pres-im-clearing-house:li:x1:1';
const XSI_NAMESPACE = 'http://www.w3.org/2001/XMLSchema-instance';

export const X1_REQUEST_TYPES = [
  'ActivateTaskRequest',
  'ModifyTaskRequest',
  'DeactivateTaskRequest',
  'DeactivateAllTasksRequest',
  'GetTaskDetailsRequest',
  'GetAllDetailsRequest',
  'CreateDestinationRequest',
  'ModifyDestinationRequest',
  'RemoveDestinationRequest',
  'GetDestinationDetailsRequest',
  'KeepaliveRequest',
  'PingRequest',
] as const;
export type X1RequestType = (typeof X1_REQUEST_TYPES)[number];

/** The header every X1 message carries (echoed in its response). */
export interface X1Header {
  admfIdentifier: string;
  neIdentifier: string;
  messageTimestamp: string;
  version: string;
  x1TransactionId: string;
}

export type X1Operation =
  | { type: 'ActivateTaskRequest' | 'ModifyTaskRequest'; task: LiTaskInput }
  | { type: 'DeactivateTaskRequest' | 'GetTaskDetailsRequest'; xid: string }
  | { type: 'CreateDestinationRequest' | 'ModifyDestinationRequest'; destination: LiDestinationInput }
  | { type: 'RemoveDestinationRequest' | 'GetDestinationDetailsRequest'; did: string }
  | { type: 'DeactivateAllTasksRequest' | 'GetAllDetailsRequest' | 'KeepaliveRequest' | 'PingRequest' };

/** One x1RequestMessage of a schema-valid X1Request, not yet read into an operation. */
export interface X1RawMessage {
  type: X1RequestType;
  header: X1Header;
  element: XmlElement;
}

/** The messages of an X1Request document that passed the XSD (so the structure is known). */
export function x1Messages(root: XmlElement): X1RawMessage[] {
  if (root.uri !== X1_NAMESPACE || root.local !== 'X1Request') {
    throw InvalidInputError.forField('X1Request', `the root element must be X1Request in ${X1_NAMESPACE}`);
  }
  return elements(root, 'x1RequestMessage').map((element) => ({
    type: requestType(element),
    header: {
      admfIdentifier: text(element, 'admfIdentifier'),
      neIdentifier: text(element, 'neIdentifier'),
      messageTimestamp: text(element, 'messageTimestamp'),
      version: text(element, 'version'),
      x1TransactionId: text(element, 'x1TransactionId').toLowerCase(),
    },
    element,
  }));
}

/** The operation a message asks for; target identifiers and addresses are normalised here (InvalidInputError naming the field). */
export function readOperation(message: X1RawMessage): X1Operation {
  const { type, element } = message;
  switch (type) {
    case 'ActivateTaskRequest':
    case 'ModifyTaskRequest':
      return { type, task: readTask(child(element, 'taskDetails')) };
    case 'DeactivateTaskRequest':
    case 'GetTaskDetailsRequest':
      return { type, xid: text(element, 'xId').toLowerCase() };
    case 'CreateDestinationRequest':
    case 'ModifyDestinationRequest':
      return { type, destination: readDestination(child(element, 'destinationDetails')) };
    case 'RemoveDestinationRequest':
    case 'GetDestinationDetailsRequest':
      return { type, did: text(element, 'dId').toLowerCase() };
    case 'DeactivateAllTasksRequest':
    case 'GetAllDetailsRequest':
    case 'KeepaliveRequest':
    case 'PingRequest':
      return { type };
  }
}

function readTask(details: XmlElement): LiTaskInput {
  const validFrom = optionalText(details, 'validFrom');
  const validUntil = optionalText(details, 'validUntil');
  return {
    xid: text(details, 'xId').toLowerCase(),
    targets: elements(child(details, 'targetIdentifiers'), 'targetIdentifier').map(readTarget),
    deliveryType: DELIVERY_TYPES[text(details, 'deliveryType')],
    destinationIds: [...new Set(elements(child(details, 'listOfDIDs'), 'dId').map((d) => textContent(d).trim().toLowerCase()))],
    warrantReference: text(details, 'warrantReference'),
    ...(validFrom !== undefined ? { validFrom: dateTime(validFrom, 'validFrom') } : {}),
    ...(validUntil !== undefined ? { validUntil: dateTime(validUntil, 'validUntil') } : {}),
  };
}

const DELIVERY_TYPES: Record<string, LiDeliveryType> = { X2Only: 'iri', X2andX3: 'iri-and-cc' };

function readTarget(identifier: XmlElement): LiTarget {
  const [choice] = elements(identifier);
  const value = textContent(choice).trim();
  return choice.local === 'memberDomain'
    ? domainTarget(value, 'targetIdentifier/memberDomain')
    : userTarget(value, 'targetIdentifier/userUri');
}

function readDestination(details: XmlElement): LiDestinationInput {
  const friendlyName = optionalText(details, 'friendlyName');
  return {
    did: text(details, 'dId').toLowerCase(),
    ...(friendlyName !== undefined ? { friendlyName } : {}),
    deliveryAddress: text(child(details, 'deliveryAddress'), 'uri'),
  };
}

function requestType(element: XmlElement): X1RequestType {
  const attr = element.attrs.find((a) => a.uri === XSI_NAMESPACE && a.local === 'type');
  // the XSD resolved the prefix to this schema's namespace: only the local part is left to read
  const local = attr?.value.trim().replace(/^[^:]*:/, '') ?? '';
  const type = X1_REQUEST_TYPES.find((t) => t === local);
  if (!type) throw InvalidInputError.forField('x1RequestMessage', `xsi:type '${local}' is not a request this hub implements`);
  return type;
}

function dateTime(value: string, field: string): Date {
  const at = new Date(value);
  if (Number.isNaN(at.getTime())) throw InvalidInputError.forField(field, `'${value}' is not a date-time`);
  // xs:dateTime without a zone is local time of an unknown place: the hub reads it as UTC
  return /(Z|[+-]\d\d:\d\d)$/.test(value) ? at : new Date(`${value}Z`);
}

function elements(parent: XmlElement, local?: string): XmlElement[] {
  return parent.children.filter(
    (c): c is XmlElement => typeof c !== 'string' && c.uri === X1_NAMESPACE && (local === undefined || c.local === local),
  );
}

function child(parent: XmlElement, local: string): XmlElement {
  const [found] = elements(parent, local);
  if (!found) throw InvalidInputError.forField(local, 'is missing');
  return found;
}

function optionalText(parent: XmlElement, local: string): string | undefined {
  const [found] = elements(parent, local);
  return found ? textContent(found).trim() : undefined;
}

function text(parent: XmlElement, local: string): string {
  return textContent(child(parent, local)).trim();
}
