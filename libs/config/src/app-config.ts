import { checkedEnvSchema } from './config.schema.js';

export type QueueBackend = 'redis' | 'postgres';

export interface AppConfig {
  env: 'development' | 'test' | 'production';
  db: { url: string | undefined; poolMax: number; embeddedDir: string; embeddedPort: number | undefined };
  queue: { backend: QueueBackend; redisUrl: string | undefined; prefix: string; concurrency: number };
  hub: {
    domain: string;
    /** absolute base of every URL the hub publishes about itself, without a trailing slash */
    publicBaseUrl: string;
    host: string;
    port: number;
    bootstrapOperatorToken: string | undefined;
    logLevel: string;
    applicationsRateLimitPerMinute: number;
    /** per client address and route, on the other routes callable without credentials */
    publicRateLimitPerMinute: number;
    /** requests with credentials that fail, per minute and client address, before 429 */
    authFailuresPerMinute: number;
    /** Node server timeouts, in ms (slow or idle clients are cut off) */
    timeouts: { headersMs: number; requestMs: number; keepAliveMs: number; idleMs: number };
    trustProxy: boolean;
    /** SIGTERM: readiness 503 for delayMs, then the listener closes and requests in flight get timeoutMs */
    shutdown: { delayMs: number; timeoutMs: number };
    /** set: the hub serves HTTPS itself and asks for (optional) client certificates */
    tls: HubTlsConfig | undefined;
  };
  sip: { enabled: boolean; host: string; port: number };
  /** retryDelayMs: base of the delivery backoff; undefined = the job catalogue's delay */
  webhooks: { timeoutMs: number; retryDelayMs: number | undefined };
  /** scheduleCheckIntervalMs: how often the job schedules are checked and lost ones re-created */
  /** shutdownTimeoutMs: how long jobs in flight may run after SIGTERM before the worker exits anyway */
  worker: { healthPort: number; lockDurationMs: number; scheduleCheckIntervalMs: number; shutdownTimeoutMs: number };
  /** how long PostgreSQL and Redis are retried at start before the process gives up */
  startup: { dependencyTimeoutMs: number };
  messageLog: {
    retentionDays: number;
    acceptPastDays: number;
    partitionsAheadDays: number;
    maintenanceIntervalMs: number;
  };
  /** reconcile*: the reconciler re-dispatches rows whose job left no receipt (see docs/queues.md) */
  outbox: { pollIntervalMs: number; batchSize: number; reconcileIntervalMs: number; reconcileGraceMs: number };
  chat: { sweepIntervalMs: number; push: ChatPushConfig };
  usage: { flushIntervalMs: number };
  /** hubPort: where the hub serves /metrics (undefined: its main port); token: bearer token a scrape must carry (undefined: none) */
  metrics: { hubPort: number | undefined; token: string | undefined };
  /** Delivering interception records to agencies (docs/lawful-interception.md, "Delivery"). */
  liDelivery: LiDeliveryConfig;
  /** secretKey: 32-byte key encrypting the hub's signing keys at rest (undefined: random per process) */
  hubKeys: { secretKey: Buffer | undefined; rotationDays: number };
  /** Every HTTP request the hub sends to members and agencies (libs/outbound). */
  outbound: OutboundConfig;
  /** Lawful interception (docs/lawful-interception.md); undefined: disabled, /li answers 404 everywhere. */
  li: LiConfig | undefined;
}

/** A bootstrap LI administrator: its name and the SHA-256 (hex) of its token and/or client certificate. */
export interface LiBootstrapAdministrator {
  name: string;
  tokenSha256?: string;
  certSha256?: string;
}

export interface LiConfig {
  /** current sealing key (LI_SECRET_KEY) */
  secretKey: Buffer;
  /** older keys that still open sealed values (LI_PREVIOUS_SECRET_KEYS) */
  previousKeys: Buffer[];
  administrators: LiBootstrapAdministrator[];
  fourEyes: boolean;
}

/** Pushing room events to the members' chat gateways (docs/chat.md). */
export interface ChatPushConfig {
  scanIntervalMs: number;
  maxAttempts: number;
  retryBaseMs: number;
  retryMaxMs: number;
  timeoutMs: number;
  batchSize: number;
}

/** Delivering interception records and keepalives to the agencies' destinations. */
export interface LiDeliveryConfig {
  scanIntervalMs: number;
  /** how soon after records were stored the delivery worker looks for them */
  coalesceMs: number;
  keepaliveIntervalMs: number;
  retryBaseMs: number;
  retryMaxMs: number;
  /** failures in a row after which a destination is tried at the cap and each failure is flagged */
  alertAfterFailures: number;
  timeoutMs: number;
  batchSize: number;
}

export interface OutboundConfig {
  /** development only: loopback destinations allowed, and http: to them */
  allowLoopback: boolean;
  connectTimeoutMs: number;
  headersTimeoutMs: number;
  bodyTimeoutMs: number;
  maxResponseBytes: number;
  concurrencyPerDestination: number;
  circuit: { failures: number; openMs: number };
}

/** PEM texts read at boot from HUB_TLS_CERT, HUB_TLS_KEY and HUB_TLS_CLIENT_CA. */
export interface HubTlsConfig {
  cert: string;
  key: string;
  /** CAs client certificates must chain to; undefined: pins alone decide (self-signed certificates work) */
  clientCa: string | undefined;
}

export class ConfigError extends Error {}

/**
 * Validates the environment once. The message names every offending variable so an
 * operator can fix the deployment without reading code.
 */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = checkedEnvSchema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  return {
    env: e.NODE_ENV,
    db: { url: e.DATABASE_URL, poolMax: e.DB_POOL_MAX, embeddedDir: e.EMBEDDED_PG_DIR, embeddedPort: e.EMBEDDED_PG_PORT },
    queue: {
      backend: e.REDIS_URL ? 'redis' : 'postgres',
      redisUrl: e.REDIS_URL,
      prefix: e.REDIS_KEY_PREFIX,
      concurrency: e.WORKER_CONCURRENCY,
    },
    hub: {
      domain: e.HUB_DOMAIN,
      publicBaseUrl: e.HUB_PUBLIC_BASE_URL ?? defaultPublicBaseUrl(e.HUB_DOMAIN, e.HUB_HOST, e.HUB_PORT),
      host: e.HUB_HOST,
      port: e.HUB_PORT,
      bootstrapOperatorToken: e.HUB_BOOTSTRAP_OPERATOR_TOKEN,
      logLevel: e.HUB_LOG_LEVEL,
      applicationsRateLimitPerMinute: e.HUB_APPLICATIONS_RATE_LIMIT,
      publicRateLimitPerMinute: e.HUB_PUBLIC_RATE_LIMIT,
      authFailuresPerMinute: e.HUB_AUTH_FAILURE_LIMIT,
      timeouts: {
        headersMs: e.HUB_HEADERS_TIMEOUT_MS,
        requestMs: e.HUB_REQUEST_TIMEOUT_MS,
        keepAliveMs: e.HUB_KEEP_ALIVE_TIMEOUT_MS,
        idleMs: e.HUB_IDLE_TIMEOUT_MS,
      },
      trustProxy: e.HUB_TRUST_PROXY,
      shutdown: {
        // a load balancer needs a few probe periods to see the 503; nothing polls a development hub
        delayMs: e.HUB_SHUTDOWN_DELAY_MS ?? (e.NODE_ENV === 'production' ? 5000 : 0),
        timeoutMs: e.HUB_SHUTDOWN_TIMEOUT_MS,
      },
      tls:
        e.HUB_TLS_CERT && e.HUB_TLS_KEY
          ? { cert: e.HUB_TLS_CERT.pem, key: e.HUB_TLS_KEY.pem, clientCa: e.HUB_TLS_CLIENT_CA?.pem }
          : undefined,
    },
    sip: { enabled: e.HUB_SIP_ENABLED, host: e.HUB_SIP_HOST, port: e.HUB_SIP_PORT },
    webhooks: { timeoutMs: e.WEBHOOK_TIMEOUT_MS, retryDelayMs: e.WEBHOOK_RETRY_DELAY_MS },
    worker: {
      healthPort: e.WORKER_HEALTH_PORT,
      lockDurationMs: e.WORKER_LOCK_DURATION_MS,
      scheduleCheckIntervalMs: e.WORKER_SCHEDULE_CHECK_INTERVAL_MS,
      shutdownTimeoutMs: e.WORKER_SHUTDOWN_TIMEOUT_MS,
    },
    startup: { dependencyTimeoutMs: e.STARTUP_DEPENDENCY_TIMEOUT_MS },
    messageLog: {
      retentionDays: e.MESSAGE_LOG_RETENTION_DAYS,
      acceptPastDays: e.MESSAGE_LOG_ACCEPT_PAST_DAYS,
      partitionsAheadDays: e.MESSAGE_LOG_PARTITIONS_AHEAD_DAYS,
      maintenanceIntervalMs: e.MESSAGE_LOG_MAINTENANCE_INTERVAL_MS,
    },
    outbox: {
      pollIntervalMs: e.OUTBOX_POLL_INTERVAL_MS,
      batchSize: e.OUTBOX_BATCH_SIZE,
      reconcileIntervalMs: e.OUTBOX_RECONCILE_INTERVAL_MS,
      reconcileGraceMs: e.OUTBOX_RECONCILE_GRACE_MS,
    },
    chat: {
      sweepIntervalMs: e.CHAT_SWEEP_INTERVAL_MS,
      push: {
        scanIntervalMs: e.CHAT_PUSH_SCAN_INTERVAL_MS,
        maxAttempts: e.CHAT_PUSH_MAX_ATTEMPTS,
        retryBaseMs: e.CHAT_PUSH_RETRY_BASE_MS,
        retryMaxMs: e.CHAT_PUSH_RETRY_MAX_MS,
        timeoutMs: e.CHAT_PUSH_TIMEOUT_MS,
        batchSize: e.CHAT_PUSH_BATCH_SIZE,
      },
    },
    usage: { flushIntervalMs: e.USAGE_FLUSH_INTERVAL_MS },
    metrics: { hubPort: e.HUB_METRICS_PORT, token: e.METRICS_TOKEN },
    liDelivery: {
      scanIntervalMs: e.LI_DELIVERY_SCAN_INTERVAL_MS,
      coalesceMs: e.LI_DELIVERY_COALESCE_MS,
      keepaliveIntervalMs: e.LI_KEEPALIVE_INTERVAL_MS,
      retryBaseMs: e.LI_DELIVERY_RETRY_BASE_MS,
      retryMaxMs: e.LI_DELIVERY_RETRY_MAX_MS,
      alertAfterFailures: e.LI_DELIVERY_ALERT_AFTER_FAILURES,
      timeoutMs: e.LI_DELIVERY_TIMEOUT_MS,
      batchSize: e.LI_DELIVERY_BATCH_SIZE,
    },
    hubKeys: { secretKey: e.HUB_SECRET_KEY, rotationDays: e.HUB_KEY_ROTATION_DAYS },
    outbound: {
      allowLoopback: e.OUTBOUND_ALLOW_LOOPBACK,
      connectTimeoutMs: e.OUTBOUND_CONNECT_TIMEOUT_MS,
      headersTimeoutMs: e.OUTBOUND_HEADERS_TIMEOUT_MS,
      bodyTimeoutMs: e.OUTBOUND_BODY_TIMEOUT_MS,
      maxResponseBytes: e.OUTBOUND_MAX_RESPONSE_BYTES,
      concurrencyPerDestination: e.OUTBOUND_CONCURRENCY_PER_DESTINATION,
      circuit: { failures: e.OUTBOUND_CIRCUIT_FAILURES, openMs: e.OUTBOUND_CIRCUIT_OPEN_MS },
    },
    li: e.LI_SECRET_KEY
      ? {
          secretKey: e.LI_SECRET_KEY,
          previousKeys: e.LI_PREVIOUS_SECRET_KEYS,
          administrators: e.LI_ADMINISTRATORS,
          fourEyes: e.LI_FOUR_EYES,
        }
      : undefined,
  };
}

/**
 * https on the hub's domain; but a `.localhost` domain (the development default) has no public
 * name, so the hub's own listener is what peers on this machine can reach.
 */
function defaultPublicBaseUrl(domain: string, host: string, port: number): string {
  if (!domain.endsWith('.localhost')) return `https://${domain}`;
  const reachable = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}`;
}

/** Loads the config or exits the process with the validation message (used by both apps' main.ts). */
export function loadConfigOrExit(source: NodeJS.ProcessEnv = process.env): AppConfig {
  try {
    return loadConfig(source);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
}

export function requireDatabaseUrl(config: AppConfig): string {
  if (!config.db.url) {
    throw new ConfigError('DATABASE_URL is not set (npm start sets it when it runs the embedded PostgreSQL)');
  }
  return config.db.url;
}

/** Log-safe description of the database in use (no credentials). */
export function describeDatabase(config: AppConfig): string {
  if (!config.db.url) return 'not configured';
  const u = new URL(config.db.url);
  return `PostgreSQL ${u.hostname}:${u.port || 5432}${u.pathname}`;
}

export function describeQueueBackend(config: AppConfig): string {
  if (config.queue.backend === 'postgres') return 'BullMQ on its PostgreSQL backend (no REDIS_URL)';
  const u = new URL(config.queue.redisUrl as string);
  return `BullMQ on Redis ${u.hostname}:${u.port || 6379}`;
}
