import { type LiServices, liRoutes } from './li-routes.js';
import { liOpenApiDocument } from './li.openapi.js';

/** Example values for the documented path parameters. */
const PARAMS: Record<string, string> = {
  xid: '6f1c0e56-1a8e-4d0e-9a51-6d4c1c7b4a11',
  id: '0b5e8f3a-2c4d-4e6f-8a9b-1c2d3e4f5a6b',
  jobId: 'outbox-4f3c2d1e-9a8b-4c7d-8e6f-5a4b3c2d1e0f',
};

describe('the LI OpenAPI document', () => {
  // the routes' handlers are never called here: only their methods and paths are compared
  const routes = liRoutes({} as LiServices);
  const documented = Object.entries(liOpenApiDocument().paths).flatMap(([path, item]) =>
    Object.keys(item).map((method) => ({
      method: method.toUpperCase(),
      path: path.replace(/\{(\w+)\}/g, (_, name: string) => PARAMS[name] ?? `<no example for ${name}>`),
    })),
  );

  it('should document every LI route, and no route that the gate does not answer', () => {
    const answered = documented.map(({ method, path }) =>
      routes.findIndex((route) => route.method === method && route.path.test(path)),
    );
    expect(answered).not.toContain(-1);
    expect(new Set(answered).size).toBe(routes.length);
    expect(documented).toHaveLength(routes.length);
  });
});
