import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { PRES_IM_PROVISIONING_CONTENT_TYPE, type SipProvisioningResolver } from './options-responder.js';
import { SipServer } from './sip-server.js';
import { requireSipp, runSippOptions } from '@app/testing';

/**
 * Interoperability with a real SIP client: SIPp (Debian package `sip-tester`) runs
 * libs/sip/test/options.sipp.xml against the server. SIPp is required: without it these tests
 * fail, they are not skipped.
 */
const DOCUMENT =
  '<?xml version="1.0" encoding="UTF-8"?>\n<pres-im-provisioning xmlns="urn:ietf:params:xml:ns:pres-im-provisioning" domain="hub.example.net" role="clearing-house"/>\n';

const resolver: SipProvisioningResolver = async (domain) => {
  switch (domain) {
    case 'hub.example.net':
      return { body: DOCUMENT, contentType: PRES_IM_PROVISIONING_CONTENT_TYPE };
    case 'plain.example.net':
      return { body: DOCUMENT, contentType: 'text/plain' };
    default:
      return null;
  }
};

describe(`${SipServer.name} with SIPp`, () => {
  let server: SipServer;
  let workDir: string;

  beforeAll(async () => {
    workDir = mkdtempSync(join(tmpdir(), 'sipp-'));
    server = new SipServer({ resolver });
    await server.start({ host: '127.0.0.1', port: 0, udp: true, tcp: true });
  });

  afterAll(async () => {
    await server.stop();
    rmSync(workDir, { recursive: true, force: true });
  });

  it('should have sipp available on PATH', () => {
    expect(requireSipp).not.toThrow();
  });

  it('should answer a SIPp OPTIONS over UDP with the provisioning document', async () => {
    requireSipp();

    const result = await runSippOptions('u1', server.udpPort!, 'hub.example.net', workDir);

    expect(result).toMatchObject({ code: 0 });
  });

  it('should answer a SIPp OPTIONS over TCP with the provisioning document', async () => {
    requireSipp();

    const result = await runSippOptions('t1', server.tcpPort!, 'hub.example.net', workDir);

    expect(result).toMatchObject({ code: 0 });
  });

  it('should make the SIPp scenario fail for an unknown domain', async () => {
    requireSipp();

    const result = await runSippOptions('u1', server.udpPort!, 'unknown.example.com', workDir);

    expect(result.code).not.toBe(0);
  });

  it('should make the SIPp scenario fail when the Content-Type is not the provisioning type', async () => {
    requireSipp();

    const result = await runSippOptions('u1', server.udpPort!, 'plain.example.net', workDir);

    expect(result.code).not.toBe(0);
  });
});
