import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { DomainError, type DomainErrorKind } from '@app/common';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { assertSafeXml, findSchemaPath, parseXmlTree, schemaErrorsAgainst } from '@app/xml';
import type { LiAdministrator } from './li-administrators.service.js';
import { LiAuditLog } from './li-audit-log.js';
import { LiDestinations } from './li-destinations.service.js';
import { LiTasks } from './li-tasks.service.js';
import { X1_ERROR } from './x1-error-codes.js';
import { readOperation, x1Messages, type X1Operation, type X1RawMessage } from './x1-reader.js';
import { x1ResponseXml, type X1Reply, type X1ResponseHeader, type X1ResponseMessage } from './x1-writer.js';

export const X1_SCHEMA_FILE_NAME = 'li-x1.xsd';
/** An X1 request is a few tasks or destinations: 64 KiB is generous, and bounds what the gate and XSD see. */
export const X1_MAX_BYTES = 64 * 1024;
/** The schema's deepest path is 6 elements; anything much deeper is hostile. */
export const X1_MAX_DEPTH = 12;

let x1SchemaText: string | undefined;
function x1Schema(): string {
  x1SchemaText ??= readFileSync(findSchemaPath(X1_SCHEMA_FILE_NAME), 'utf8');
  return x1SchemaText;
}

export interface X1Answer {
  /** 200 when the document was read (message errors are in it); 4xx when it could not be */
  status: number;
  xml: string;
}

const STATUS_BY_KIND: Partial<Record<DomainErrorKind, number>> = {
  'payload-too-large': 413,
  'unsupported-media-type': 415,
};

const CODE_BY_KIND: Partial<Record<DomainErrorKind, number>> = {
  'invalid-input': X1_ERROR.invalidRequest,
  'not-found': X1_ERROR.unknownXid,
  conflict: X1_ERROR.conflict,
  forbidden: X1_ERROR.forbidden,
};

/**
 * The X1 endpoint: an X1Request document in, an X1Response document out. The body goes through
 * the hostile-input gate (size, encoding, no DTD or entity other than the predefined ones, depth)
 * before any parser, then libxml2's validation against li-x1.xsd, then the tree parser. A document
 * that fails any of those is answered with one ErrorResponse naming the problem; otherwise each
 * message is carried out on its own (its own transaction) and answered in order.
 */
@Injectable()
export class X1Endpoint {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly tasks: LiTasks,
    private readonly destinations: LiDestinations,
    private readonly audit: LiAuditLog,
  ) {}

  async handle(by: LiAdministrator, body: Buffer): Promise<X1Answer> {
    let messages: X1RawMessage[];
    try {
      const text = assertSafeXml(body, { maxBytes: X1_MAX_BYTES, maxDepth: X1_MAX_DEPTH, what: 'X1 request' });
      const errors = await schemaErrorsAgainst(text, X1_SCHEMA_FILE_NAME, x1Schema());
      if (errors.length) {
        const described = errors
          .slice(0, 3)
          .map((e) => (e.line === null ? e.message : `line ${e.line}: ${e.message}`))
          .join('; ');
        return this.refuseDocument(by, 400, `X1 request is not valid against ${X1_SCHEMA_FILE_NAME}: ${described}`);
      }
      messages = x1Messages(parseXmlTree(text, 'X1 request'));
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      return this.refuseDocument(by, STATUS_BY_KIND[error.kind] ?? 400, error.message);
    }
    const replies: X1ResponseMessage[] = [];
    for (const message of messages) replies.push({ header: this.responseHeader(message), reply: await this.answer(by, message) });
    return { status: 200, xml: x1ResponseXml(replies) };
  }

  private async answer(by: LiAdministrator, message: X1RawMessage): Promise<X1Reply> {
    const context = { x1TransactionId: message.header.x1TransactionId, admfIdentifier: message.header.admfIdentifier };
    try {
      return await this.carryOut(by, readOperation(message), context);
    } catch (error) {
      if (error instanceof DomainError) {
        const code = typeof error.details.x1ErrorCode === 'number' ? error.details.x1ErrorCode : CODE_BY_KIND[error.kind];
        return {
          kind: 'error',
          requestMessageType: message.type,
          errorCode: code ?? X1_ERROR.invalidRequest,
          errorDescription: error.message,
        };
      }
      // nothing of it in the normal log (its text may quote LI data): its id, kind and stack go to li_audit
      const errorId = randomUUID();
      await this.audit.recordInternalError(by, errorId, error, context);
      return {
        kind: 'error',
        requestMessageType: message.type,
        errorCode: X1_ERROR.internal,
        errorDescription: `internal error ${errorId}`,
      };
    }
  }

  private async carryOut(by: LiAdministrator, operation: X1Operation, context: Record<string, unknown>): Promise<X1Reply> {
    const ok = (responseType: string, completed = true): X1Reply => ({
      kind: 'ok',
      responseType,
      ok: completed ? 'AcknowledgedAndCompleted' : 'Acknowledged',
    });
    switch (operation.type) {
      case 'ActivateTaskRequest': {
        const task = await this.tasks.activate(by, operation.task, context);
        return ok('ActivateTaskResponse', task.state === 'active');
      }
      case 'ModifyTaskRequest':
        await this.tasks.modify(by, operation.task, context);
        return ok('ModifyTaskResponse');
      case 'DeactivateTaskRequest':
        await this.tasks.deactivate(by, operation.xid, context);
        return ok('DeactivateTaskResponse');
      case 'DeactivateAllTasksRequest':
        await this.tasks.deactivateAll(by, context);
        return ok('DeactivateAllTasksResponse');
      case 'GetTaskDetailsRequest':
        return { kind: 'task', task: await this.tasks.details(by, operation.xid, context) };
      case 'GetAllDetailsRequest': {
        const [tasks, destinations] = await Promise.all([this.tasks.list(), this.destinations.list()]);
        await this.audit.record({ administratorId: by.id, action: 'get-all-details', outcome: 'ok', detail: context });
        return { kind: 'all', tasks, destinations };
      }
      case 'CreateDestinationRequest':
        await this.destinations.create(by, operation.destination, context);
        return ok('CreateDestinationResponse');
      case 'ModifyDestinationRequest':
        await this.destinations.modify(by, operation.destination, context);
        return ok('ModifyDestinationResponse');
      case 'RemoveDestinationRequest':
        await this.destinations.remove(by, operation.did, context);
        return ok('RemoveDestinationResponse');
      case 'GetDestinationDetailsRequest':
        return { kind: 'destination', destination: await this.destinations.details(by, operation.did, context) };
      case 'KeepaliveRequest':
      case 'PingRequest':
        await this.audit.record({ administratorId: by.id, action: 'keepalive', outcome: 'ok', detail: context });
        return ok(operation.type === 'PingRequest' ? 'PingResponse' : 'KeepaliveResponse');
    }
  }

  private responseHeader(message: X1RawMessage): X1ResponseHeader {
    return {
      admfIdentifier: message.header.admfIdentifier,
      neIdentifier: this.config.hub.domain,
      version: message.header.version,
      x1TransactionId: message.header.x1TransactionId,
    };
  }

  /** An ErrorResponse for a whole X1Request that could not be read (audited). */
  async refuseDocument(by: LiAdministrator, status: number, description: string): Promise<X1Answer> {
    await this.audit.record({
      administratorId: by.id,
      action: 'x1-request',
      outcome: 'invalid-input',
      detail: { reason: description },
    });
    const reply: X1Reply = {
      kind: 'error',
      requestMessageType: 'X1Request',
      errorCode: X1_ERROR.invalidRequest,
      errorDescription: description,
    };
    return { status, xml: x1ResponseXml([{ header: { neIdentifier: this.config.hub.domain, version: '1' }, reply }]) };
  }
}
