import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';

/** A browser on the hub's own pages: the Host it talks to and the Origin its requests carry. */
export const SAME_ORIGIN = { Host: 'hub.test.example', Origin: 'http://hub.test.example' };
/** Where the browser test leaves its screenshots (git-ignored; CI keeps them with the run). */
export const ARTIFACTS = join(process.cwd(), 'test-artifacts', 'console');

/** Builds the console as `npm run build` does (the tests run the hub from its sources, not from dist/). */
export function buildConsole(): void {
  const built = spawnSync(process.execPath, ['scripts/build-console.mjs'], { encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`building the console failed: ${built.stderr}`);
  mkdirSync(ARTIFACTS, { recursive: true });
}

/** Signs in through the form; returns the two Set-Cookie values and the Cookie header a browser would send. */
export async function signIn(app: NestFastifyApplication, token: string): Promise<{ setCookies: string[]; cookie: string }> {
  const res = await request(app.getHttpServer())
    .post('/admin/sign-in')
    .set(SAME_ORIGIN)
    .type('form')
    .send({ token, next: '/console' })
    .expect(303);
  const setCookies = res.headers['set-cookie'] as unknown as string[];
  return { setCookies, cookie: setCookies[0].split(';')[0] };
}
