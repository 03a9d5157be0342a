import request from 'supertest';
import { DataSource } from 'typeorm';
import { OperatorsService } from '@app/members';
import { operatorAuth, TEST_OPERATOR_TOKEN, testConfig, truncateAll } from '@app/testing';
import { startTestHub, TestHub } from './test-hub.js';

describe('operators (e2e)', () => {
  let hub: TestHub;
  const http = () => request(hub.app.getHttpServer());

  beforeAll(async () => {
    hub = await startTestHub(testConfig());
  });
  afterAll(() => hub.close());
  beforeEach(() => hub.reset());

  it('should create an operator whose token works at once and is stored only as a hash', async () => {
    const res = await http().post('/admin/v1/operators').set(operatorAuth).send({ name: 'alice', role: 'admin' }).expect(201);
    expect(res.body.token).toMatch(/^hubop_/);
    await http().get('/admin/v1/members').set('Authorization', `Bearer ${res.body.token}`).expect(200);
    const dump = JSON.stringify(await hub.app.get(DataSource).query('SELECT * FROM operators'));
    expect(dump).not.toContain(res.body.token);
    const list = await http().get('/admin/v1/operators').set(operatorAuth).expect(200);
    expect(JSON.stringify(list.body)).not.toContain(res.body.token);
    expect(list.body.items.map((o: { name: string }) => o.name)).toEqual(['bootstrap', 'alice']);
  });

  it('should install the bootstrap operator once when several hub processes start together', async () => {
    const operators = hub.app.get(OperatorsService);
    for (let round = 0; round < 5; round++) {
      await truncateAll(hub.app.get(DataSource));
      // each call runs in its own transaction on its own pooled connection, as replicas would
      await Promise.all(Array.from({ length: 4 }, () => operators.ensureBootstrapOperator(TEST_OPERATOR_TOKEN)));
      const rows = (await hub.app.get(DataSource).query(`SELECT name FROM operators`)) as Array<{ name: string }>;
      expect(rows).toEqual([{ name: 'bootstrap' }]);
    }
    await http().get('/admin/v1/members').set(operatorAuth).expect(200);
  });

  it('should reject a duplicate name with 409 and an unknown role with 400', async () => {
    await http().post('/admin/v1/operators').set(operatorAuth).send({ name: 'bob', role: 'admin' }).expect(201);
    await http().post('/admin/v1/operators').set(operatorAuth).send({ name: 'bob', role: 'admin' }).expect(409);
    const res = await http().post('/admin/v1/operators').set(operatorAuth).send({ name: 'carol', role: 'root' }).expect(400);
    expect(res.body.invalidParams[0].name).toBe('role');
  });

  it('should disable an operator so its token stops working', async () => {
    const created = await http().post('/admin/v1/operators').set(operatorAuth).send({ name: 'dave', role: 'admin' }).expect(201);
    await http().delete(`/admin/v1/operators/${created.body.id}`).set(operatorAuth).expect(200);
    await http().get('/admin/v1/members').set('Authorization', `Bearer ${created.body.token}`).expect(401);
    await http().delete(`/admin/v1/operators/${created.body.id}`).set(operatorAuth).expect(409);
  });

  it('should not let an operator disable itself', async () => {
    const created = await http().post('/admin/v1/operators').set(operatorAuth).send({ name: 'erin', role: 'admin' }).expect(201);
    await http()
      .delete(`/admin/v1/operators/${created.body.id}`)
      .set('Authorization', `Bearer ${created.body.token}`)
      .expect(409);
  });

  it('should audit operator creation without the token', async () => {
    const created = await http()
      .post('/admin/v1/operators')
      .set(operatorAuth)
      .send({ name: 'frank', role: 'auditor' })
      .expect(201);
    const audit = await http()
      .get('/admin/v1/audit')
      .query({ action: 'operator.created', targetId: created.body.id })
      .set(operatorAuth);
    expect(audit.body.items).toHaveLength(1);
    expect(audit.body.items[0].details).toEqual({ name: 'frank', role: 'auditor' });
    expect(JSON.stringify(audit.body)).not.toContain(created.body.token);
  });
});
