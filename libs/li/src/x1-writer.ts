import { create } from 'xmlbuilder2';
import { xmlLiteral as xmlText } from '@app/xml';
import type { LiDestinationDetails, LiTaskDetails } from './li-task.js';
import { X1_NAMESPACE } from './x1-reader.js';

type XMLBuilder = ReturnType<typeof create>;

const XSI_NAMESPACE = 'http://www.w3.org/2001/XMLSchema-instance';
const PROVISIONING_STATUS = { 'awaiting-approval': 'awaitingApproval', active: 'active', deactivated: 'deactivated' } as const;
const DELIVERY_TYPE = { iri: 'X2Only', 'iri-and-cc': 'X2andX3' } as const;

/** The header of a response: the request's, with the hub as the network element and its own timestamp. */
export interface X1ResponseHeader {
  admfIdentifier?: string;
  neIdentifier: string;
  version: string;
  x1TransactionId?: string;
}

export type X1Reply =
  | { kind: 'ok'; responseType: string; ok: 'AcknowledgedAndCompleted' | 'Acknowledged' }
  | { kind: 'task'; task: LiTaskDetails }
  | { kind: 'destination'; destination: LiDestinationDetails }
  | { kind: 'all'; tasks: LiTaskDetails[]; destinations: LiDestinationDetails[] }
  | { kind: 'error'; requestMessageType: string; errorCode: number; errorDescription: string };

export interface X1ResponseMessage {
  header: X1ResponseHeader;
  reply: X1Reply;
}

/** An X1Response document (valid against li-x1.xsd), one response message per request message, in order. */
export function x1ResponseXml(messages: readonly X1ResponseMessage[], now = new Date()): string {
  const root = create({ version: '1.0', encoding: 'UTF-8' })
    .ele(X1_NAMESPACE, 'X1Response')
    .att('http://www.w3.org/2000/xmlns/', 'xmlns:xsi', XSI_NAMESPACE);
  for (const { header, reply } of messages) {
    const message = root.ele('x1ResponseMessage').att(XSI_NAMESPACE, 'xsi:type', responseType(reply));
    if (header.admfIdentifier !== undefined) message.ele('admfIdentifier').txt(xmlText(header.admfIdentifier));
    message.ele('neIdentifier').txt(xmlText(header.neIdentifier));
    message.ele('messageTimestamp').txt(xmlText(now.toISOString()));
    message.ele('version').txt(xmlText(header.version));
    if (header.x1TransactionId !== undefined) message.ele('x1TransactionId').txt(xmlText(header.x1TransactionId));
    writeReply(message, reply);
  }
  return root.end({ prettyPrint: false });
}

function responseType(reply: X1Reply): string {
  switch (reply.kind) {
    case 'ok':
      return reply.responseType;
    case 'task':
      return 'GetTaskDetailsResponse';
    case 'destination':
      return 'GetDestinationDetailsResponse';
    case 'all':
      return 'GetAllDetailsResponse';
    case 'error':
      return 'ErrorResponse';
  }
}

function writeReply(message: XMLBuilder, reply: X1Reply): void {
  switch (reply.kind) {
    case 'ok':
      message.ele('oK').txt(xmlText(reply.ok));
      return;
    case 'task':
      writeTask(message.ele('taskResponseDetails'), reply.task);
      return;
    case 'destination':
      writeDestination(message.ele('destinationResponseDetails'), reply.destination);
      return;
    case 'all': {
      const tasks = message.ele('listOfTaskResponseDetails');
      for (const task of reply.tasks) writeTask(tasks.ele('taskResponseDetails'), task);
      const destinations = message.ele('listOfDestinationResponseDetails');
      for (const destination of reply.destinations) writeDestination(destinations.ele('destinationResponseDetails'), destination);
      return;
    }
    case 'error': {
      message.ele('requestMessageType').txt(xmlText(reply.requestMessageType));
      const info = message.ele('errorInformation');
      info.ele('errorCode').txt(xmlText(String(reply.errorCode)));
      info.ele('errorDescription').txt(xmlText(reply.errorDescription));
      return;
    }
  }
}

function writeTask(parent: XMLBuilder, task: LiTaskDetails): void {
  const details = parent.ele('taskDetails');
  details.ele('xId').txt(xmlText(task.xid));
  const targets = details.ele('targetIdentifiers');
  for (const target of task.targets) {
    const identifier = targets.ele('targetIdentifier');
    if (target.kind === 'user') identifier.ele('userUri').txt(xmlText(target.uri));
    else identifier.ele('memberDomain').txt(xmlText(target.domain));
  }
  details.ele('deliveryType').txt(xmlText(DELIVERY_TYPE[task.deliveryType]));
  const dids = details.ele('listOfDIDs');
  for (const did of task.destinationIds) dids.ele('dId').txt(xmlText(did));
  details.ele('warrantReference').txt(xmlText(task.warrantReference));
  details.ele('validFrom').txt(xmlText(task.validFrom.toISOString()));
  if (task.validUntil) details.ele('validUntil').txt(xmlText(task.validUntil.toISOString()));
  parent.ele('taskStatus').ele('provisioningStatus').txt(xmlText(PROVISIONING_STATUS[task.state]));
}

function writeDestination(parent: XMLBuilder, destination: LiDestinationDetails): void {
  const details = parent.ele('destinationDetails');
  details.ele('dId').txt(xmlText(destination.did));
  if (destination.friendlyName !== null) details.ele('friendlyName').txt(xmlText(destination.friendlyName));
  details.ele('deliveryAddress').ele('uri').txt(xmlText(destination.deliveryAddress));
  parent
    .ele('destinationStatus')
    .ele('removed')
    .txt(xmlText(String(destination.removed)));
}
