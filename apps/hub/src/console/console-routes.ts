import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { CredentialVerifier } from '@app/auth';
import { NotFoundError, UnavailableError } from '@app/common';
import { sendProblem, toProblem } from '../common/problem-details.filter.js';
import type { RouteProtection } from '../common/route-protection.js';
import { operatorOfBrowserRequest } from '../operators/operator-browser-guard.js';
import { CONSOLE_ASSETS, CONSOLE_PAGE, ConsoleFiles, isConsoleAsset } from './console-assets.js';
import { CONSOLE_ASSETS_PATH, CONSOLE_PATH } from './console-paths.js';

/**
 * The web console: one page and its script and stylesheet, built from apps/console by `npm run
 * build`. Each is served to a signed-in operator only (a browser without a sign-in is sent to the
 * sign-in form); the page holds no data and no rule of its own: everything it shows or changes goes
 * through the admin API (/admin/v1), which checks every call again.
 */
export async function registerConsole(app: NestFastifyApplication, protection: RouteProtection): Promise<void> {
  const verifier = app.get(CredentialVerifier);
  const logger = new Logger('Console');
  const files = new ConsoleFiles();

  const send = async (reply: FastifyReply, name: Parameters<ConsoleFiles['read']>[0], type: string) => {
    const body = await files.read(name);
    if (body === null) throw new UnavailableError('the web console is not built: run npm run build');
    return reply.header('Content-Type', type).send(body);
  };

  const page = async (request: FastifyRequest, reply: FastifyReply) => {
    if (!(await operatorOfBrowserRequest(verifier, protection, request, reply, logger, CONSOLE_PATH))) return reply;
    return send(reply, CONSOLE_PAGE, 'text/html; charset=utf-8');
  };

  const asset = async (request: FastifyRequest, reply: FastifyReply) => {
    if (!(await operatorOfBrowserRequest(verifier, protection, request, reply, logger))) return reply;
    const { file } = request.params as { file: string };
    if (!isConsoleAsset(file)) throw new NotFoundError(`no console asset ${file}`);
    return send(reply, file, CONSOLE_ASSETS[file]);
  };

  await app.register(async (scope: FastifyInstance) => {
    // problem+json for anything thrown here (Nest's handler is installed only later, in init)
    scope.setErrorHandler((error, request, reply) => sendProblem(reply, toProblem(error, request, logger)));
    scope.get(CONSOLE_PATH, page);
    scope.get(`${CONSOLE_ASSETS_PATH}/:file`, asset);
  });
}
