import request from 'supertest';
import { createActiveMember, memberDocument, testConfig, type ActiveMember } from '@app/testing';
import { toProvisioningXml } from '@app/xml';
import { startTestHub, TestHub } from './test-hub.js';

const FIELD = '/clearingHouseMembership/0/changeNotification/uri';

/**
 * A member's change-notification URI is where the hub's worker will send requests: the hub refuses
 * to store one it would not call (production settings: https only, no internal address).
 */
describe('change-notification URI checks when a document is published (e2e)', () => {
  let hub: TestHub;
  let member: ActiveMember;
  const http = () => request(hub.app.getHttpServer());
  const publish = (uri: string) =>
    http()
      .put('/v1/provisioning')
      .set({ Authorization: `Bearer ${member.token}` })
      .send(memberDocument(member.domain, { changeNotification: uri }));

  beforeAll(async () => {
    hub = await startTestHub(testConfig());
    await hub.reset();
    member = await createActiveMember(hub.app);
  });
  afterAll(() => hub?.close());

  const internal: Array<[string, RegExp]> = [
    ['https://127.0.0.1/hook', /loopback/],
    ['https://127.0.0.1:3000/admin/v1/members', /loopback/],
    ['https://2130706433/hook', /loopback/],
    ['https://0x7f.0.0.1/hook', /loopback/],
    ['https://0177.0.0.1/hook', /loopback/],
    ['https://127.1/hook', /loopback/],
    ['https://[::1]/hook', /loopback/],
    ['https://[::ffff:127.0.0.1]/hook', /loopback/],
    ['https://[0:0:0:0:0:ffff:7f00:1]/hook', /loopback/],
    ['https://localhost/hook', /loopback name/],
    ['https://LOCALHOST./hook', /loopback name/],
    ['https://hooks.localhost/hook', /loopback name/],
    ['https://10.0.0.8/hook', /private/],
    ['https://172.16.0.1/hook', /private/],
    ['https://192.168.1.1/hook', /private/],
    ['https://[::ffff:10.0.0.8]/hook', /private/],
    ['https://[fd00:ec2::254]/hook', /unique local/],
    ['https://169.254.169.254/latest/meta-data/', /link-local/],
    ['https://[fe80::1]/hook', /link-local/],
    ['https://100.64.0.1/hook', /CGNAT/],
    ['https://224.0.0.251/hook', /multicast/],
    ['https://[ff02::1]/hook', /multicast/],
    ['https://0.0.0.0/hook', /unspecified/],
    ['https://[::]/hook', /unspecified/],
    ['https://hub.test.example/hook', /the hub itself/],
    ['http://receiver.example/hook', /must be https:/],
    ['ftp://receiver.example/hook', /must be https:/],
    ['https://user:pass@receiver.example/hook', /credentials/],
  ];

  it.each(internal)('should refuse %s with a 400 naming the field, storing nothing', async (uri, reason) => {
    const res = await publish(uri).expect(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body.invalidParams).toEqual([{ name: FIELD, reason: expect.stringMatching(reason) }]);
    const versions = await http()
      .get('/v1/provisioning/versions')
      .set({ Authorization: `Bearer ${member.token}` })
      .expect(200);
    expect(versions.body.items).toEqual([]);
  });

  it('should refuse it in the XML form too', async () => {
    const xml = toProvisioningXml(memberDocument(member.domain, { changeNotification: 'https://10.1.2.3/hook' }));
    const res = await http()
      .put('/v1/provisioning')
      .set({ Authorization: `Bearer ${member.token}`, 'Content-Type': 'application/pres-im-provisioning+xml' })
      .send(xml)
      .expect(400);
    expect(res.body.invalidParams).toEqual([{ name: FIELD, reason: expect.stringMatching(/private/) }]);
  });

  it('should accept an https URI with a public name (its addresses are checked when it is called)', async () => {
    await publish('https://hooks.receiver.example/pip?token=abc').expect(201);
  });
});
