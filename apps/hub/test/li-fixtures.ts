import { createHash, randomUUID } from 'node:crypto';
import { parseXmlTree, textContent, type XmlElement } from '@app/xml';

export const LI_SECRET_KEY = 'a1'.repeat(32);
export const LI_TOKEN_LEA = 'li-test-token-lea-0123456789abcdef0123456789';
export const LI_TOKEN_MAX = 'li-test-token-max-0123456789abcdef0123456789';
export const lea = { Authorization: `Bearer ${LI_TOKEN_LEA}` };
export const max = { Authorization: `Bearer ${LI_TOKEN_MAX}` };
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** Config overrides enabling LI with two bootstrap administrators, lea and max. */
export function liEnv(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    LI_SECRET_KEY,
    LI_ADMINISTRATORS: JSON.stringify([
      { name: 'lea', tokenSha256: sha256(LI_TOKEN_LEA) },
      { name: 'max', tokenSha256: sha256(LI_TOKEN_MAX) },
    ]),
    OUTBOUND_ALLOW_LOOPBACK: 'true',
    ...overrides,
  };
}

const NS = 'urn:pres-im-clearing-house:li:x1:1';

/** One x1RequestMessage of the given xsi:type with a fresh header. */
export function x1Message(type: string, inner = ''): string {
  return (
    `<x1RequestMessage xsi:type="${type}"><admfIdentifier>admf.agency.example</admfIdentifier>` +
    `<neIdentifier>hub.test.example</neIdentifier><messageTimestamp>${new Date().toISOString()}</messageTimestamp>` +
    `<version>v1</version><x1TransactionId>${randomUUID()}</x1TransactionId>${inner}</x1RequestMessage>`
  );
}

export function x1Request(...messages: string[]): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?><X1Request xmlns="${NS}" ` +
    `xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">${messages.join('')}</X1Request>`
  );
}

export interface TaskXml {
  xid: string;
  users?: string[];
  domains?: string[];
  deliveryType?: 'X2Only' | 'X2andX3';
  dids: string[];
  warrant?: string;
  validFrom?: string;
  validUntil?: string;
}

export function taskDetails(task: TaskXml): string {
  const targets = [
    ...(task.users ?? []).map((u) => `<targetIdentifier><userUri>${u}</userUri></targetIdentifier>`),
    ...(task.domains ?? []).map((d) => `<targetIdentifier><memberDomain>${d}</memberDomain></targetIdentifier>`),
  ].join('');
  return (
    `<taskDetails><xId>${task.xid}</xId><targetIdentifiers>${targets}</targetIdentifiers>` +
    `<deliveryType>${task.deliveryType ?? 'X2Only'}</deliveryType>` +
    `<listOfDIDs>${task.dids.map((d) => `<dId>${d}</dId>`).join('')}</listOfDIDs>` +
    `<warrantReference>${task.warrant ?? 'W-2026-001'}</warrantReference>` +
    (task.validFrom ? `<validFrom>${task.validFrom}</validFrom>` : '') +
    (task.validUntil ? `<validUntil>${task.validUntil}</validUntil>` : '') +
    `</taskDetails>`
  );
}

export function destinationDetails(did: string, uri: string, friendlyName?: string): string {
  return (
    `<destinationDetails><dId>${did}</dId>${friendlyName ? `<friendlyName>${friendlyName}</friendlyName>` : ''}` +
    `<deliveryAddress><uri>${uri}</uri></deliveryAddress></destinationDetails>`
  );
}

export interface X1Answer {
  type: string;
  ok?: string;
  errorCode?: number;
  errorDescription?: string;
  element: XmlElement;
}

/** The response messages of an X1Response document. */
export function x1Answers(xml: string): X1Answer[] {
  const root = parseXmlTree(xml);
  if (root.local !== 'X1Response') throw new Error(`not an X1Response: ${xml.slice(0, 200)}`);
  return kids(root).map((element) => {
    const type = element.attrs.find((a) => a.local === 'type')?.value.replace(/^[^:]*:/, '') ?? '';
    const info = find(element, 'errorInformation');
    return {
      type,
      ok: find(element, 'oK') ? text(element, 'oK') : undefined,
      errorCode: info ? Number(text(info, 'errorCode')) : undefined,
      errorDescription: info ? text(info, 'errorDescription') : undefined,
      element,
    };
  });
}

export function kids(el: XmlElement, local?: string): XmlElement[] {
  return el.children.filter((c): c is XmlElement => typeof c !== 'string' && (local === undefined || c.local === local));
}

export function find(el: XmlElement, local: string): XmlElement | undefined {
  return kids(el, local)[0];
}

export function text(el: XmlElement, local: string): string {
  const found = find(el, local);
  if (!found) throw new Error(`no ${local} in ${el.local}`);
  return textContent(found).trim();
}
