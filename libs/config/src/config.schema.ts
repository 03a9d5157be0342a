import { z } from 'zod';
import { checkTlsPair, pemFile } from './tls-files.js';

const port = z.coerce.number().int().min(0).max(65535);
const optionalUrl = (protocols: string[]) =>
  z
    .string()
    .trim()
    .optional()
    .transform((v) => (v === '' ? undefined : v))
    .refine((v) => v === undefined || protocols.some((p) => v.startsWith(`${p}://`)), {
      message: `must be a URL starting with ${protocols.map((p) => `${p}://`).join(' or ')}`,
    });

/** 32 bytes given as 64 hex characters or as base64/base64url; empty counts as unset. */
const secretKey32 = z
  .string()
  .trim()
  .optional()
  .transform((v, ctx) => {
    if (v === undefined || v === '') return undefined;
    const bytes = /^[0-9a-fA-F]{64}$/.test(v)
      ? Buffer.from(v, 'hex')
      : /^[A-Za-z0-9+/_-]{43}=?$/.test(v)
        ? Buffer.from(v, 'base64')
        : undefined;
    if (bytes?.length !== 32) {
      ctx.addIssue({ code: 'custom', message: 'must be 32 bytes as 64 hex characters or base64 (e.g. `openssl rand -hex 32`)' });
      return z.NEVER;
    }
    return bytes;
  });

/** A comma-separated list of secretKey32 values (older LI keys that still open sealed values). */
const secretKeyList = z
  .string()
  .trim()
  .optional()
  .transform((v, ctx) => {
    const keys: Buffer[] = [];
    for (const item of (v ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '')) {
      const parsed = secretKey32.safeParse(item);
      if (!parsed.success || !parsed.data) {
        ctx.addIssue({ code: 'custom', message: 'must be a comma-separated list of 32-byte keys (64 hex characters or base64)' });
        return z.NEVER;
      }
      keys.push(parsed.data);
    }
    return keys;
  });

const sha256Hex = z
  .string()
  .regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hex characters (a SHA-256)')
  .transform((h) => h.toLowerCase());

/** The first LI administrators: a JSON array of {name, tokenSha256?, certSha256?}, each with at least one credential. */
const liAdministrators = z
  .string()
  .trim()
  .optional()
  .transform((v, ctx) => {
    if (v === undefined || v === '') return [];
    let json: unknown;
    try {
      json = JSON.parse(v);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be a JSON array of {name, tokenSha256?, certSha256?}' });
      return z.NEVER;
    }
    const parsed = z
      .array(
        z
          .object({
            name: z.string().trim().min(1).max(100),
            tokenSha256: sha256Hex.optional(),
            certSha256: sha256Hex.optional(),
          })
          .strict()
          .refine((a) => a.tokenSha256 !== undefined || a.certSha256 !== undefined, 'needs tokenSha256 or certSha256'),
      )
      .max(100)
      .refine((list) => new Set(list.map((a) => a.name)).size === list.length, 'names must be unique')
      .safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      ctx.addIssue({ code: 'custom', message: `${issue.path.join('.') || 'list'}: ${issue.message}` });
      return z.NEVER;
    }
    return parsed.data;
  });

/** An absolute http(s) URL without query, fragment or credentials; the trailing slash is dropped. */
const publicBaseUrl = z
  .string()
  .trim()
  .optional()
  .transform((v, ctx) => {
    if (v === undefined || v === '') return undefined;
    const url = URL.parse(v);
    if (!url || !['http:', 'https:'].includes(url.protocol) || url.search || url.hash || url.username || url.password) {
      ctx.addIssue({ code: 'custom', message: 'must be an http:// or https:// URL without query, fragment or credentials' });
      return z.NEVER;
    }
    return url.href.replace(/\/+$/, '');
  });

/** Every environment variable the hub and worker read. `.env.example` mirrors this list. */
export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  DATABASE_URL: optionalUrl(['postgres', 'postgresql']),
  DB_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  REDIS_URL: optionalUrl(['redis', 'rediss']),
  REDIS_KEY_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9:_-]+$/)
    .default('hub'),
  EMBEDDED_PG_DIR: z.string().default('.data/pg'),
  EMBEDDED_PG_PORT: port.optional(),
  HUB_DOMAIN: z
    .string()
    .regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$/, 'must be a lower-case FQDN')
    .default('clearing-house.localhost'),
  /** Where peers reach the hub (scheme, host, optional port and path); unset: https://HUB_DOMAIN (a .localhost domain: http://HUB_HOST:HUB_PORT). */
  HUB_PUBLIC_BASE_URL: publicBaseUrl,
  HUB_HOST: z.string().default('127.0.0.1'),
  HUB_PORT: port.default(3000),
  HUB_BOOTSTRAP_OPERATOR_TOKEN: z
    .string()
    .min(32, 'must be at least 32 characters')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  HUB_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  HUB_APPLICATIONS_RATE_LIMIT: z.coerce.number().int().min(1).default(10),
  /** Requests per minute per client address and route on the other routes callable without credentials. */
  HUB_PUBLIC_RATE_LIMIT: z.coerce.number().int().min(1).default(300),
  HUB_AUTH_FAILURE_LIMIT: z.coerce.number().int().min(1).default(30),
  /** Time allowed to receive a request's headers, then its whole request (body included), in ms. */
  HUB_HEADERS_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
  HUB_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(3_600_000).default(60_000),
  /** How long a connection may stay idle between requests, and silent at any time, before it is closed (ms). */
  HUB_KEEP_ALIVE_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(72_000),
  HUB_IDLE_TIMEOUT_MS: z.coerce.number().int().min(100).max(3_600_000).default(120_000),
  HUB_TRUST_PROXY: z.stringbool().default(false),
  /** After SIGTERM: how long readiness answers 503 before the listener closes (ms); unset: 5000 in production, 0 otherwise. */
  HUB_SHUTDOWN_DELAY_MS: z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number().int().min(0).max(300_000).optional()),
  /** After the listener closed: how long requests in flight may take before their connections are cut (ms). */
  HUB_SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).max(600_000).default(10_000),
  /** At start: how long PostgreSQL and Redis are retried (with backoff) before the process gives up (ms; 0 = one attempt). */
  STARTUP_DEPENDENCY_TIMEOUT_MS: z.coerce.number().int().min(0).max(3_600_000).default(60_000),
  /** AES-256-GCM key for the hub's signing keys at rest; required in production; unset: a random key per process (dev). */
  HUB_SECRET_KEY: secretKey32,
  /** Days after which the hub's signing key is rotated automatically (0 = only on request). */
  HUB_KEY_ROTATION_DAYS: z.coerce.number().int().min(0).max(3650).default(30),
  /** PEM certificate (chain) and private key: the hub serves HTTPS itself; both or neither. */
  HUB_TLS_CERT: pemFile('certificate'),
  HUB_TLS_KEY: pemFile('private-key'),
  /** PEM CA bundle that client certificates must chain to (pins still decide who the member is). */
  HUB_TLS_CLIENT_CA: pemFile('ca-bundle'),
  HUB_SIP_ENABLED: z.stringbool().default(true),
  HUB_SIP_HOST: z.string().default('127.0.0.1'),
  HUB_SIP_PORT: port.default(5060),
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5000),
  WEBHOOK_RETRY_DELAY_MS: z.coerce.number().int().min(10).max(3_600_000).optional(),
  /** Development only: outbound requests may go to loopback addresses, and over plain http: to loopback only. */
  OUTBOUND_ALLOW_LOOPBACK: z.stringbool().default(false),
  /** Outbound requests: time to open a connection (TLS included), to receive the answer's headers, between body chunks (ms). */
  OUTBOUND_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5000),
  OUTBOUND_HEADERS_TIMEOUT_MS: z.coerce.number().int().min(100).max(300_000).default(10_000),
  OUTBOUND_BODY_TIMEOUT_MS: z.coerce.number().int().min(100).max(300_000).default(10_000),
  /** Largest answer body an outbound request reads (bytes); a longer one is cut off and the request fails. */
  OUTBOUND_MAX_RESPONSE_BYTES: z.coerce.number().int().min(0).max(16_777_216).default(65_536),
  /** Requests in flight to one destination (scheme, host, port) from one process; a delivery finding none free is deferred. */
  OUTBOUND_CONCURRENCY_PER_DESTINATION: z.coerce.number().int().min(1).max(100).default(2),
  /** Consecutive failures that open a destination's circuit, and how long it stays open before one probe (ms). */
  OUTBOUND_CIRCUIT_FAILURES: z.coerce.number().int().min(1).max(1000).default(5),
  OUTBOUND_CIRCUIT_OPEN_MS: z.coerce.number().int().min(10).max(3_600_000).default(60_000),
  /** Set: the hub serves /metrics on this port only (its main port answers 404 there); unset: on the main port. */
  HUB_METRICS_PORT: port
    .min(1)
    .optional()
    .or(z.literal('').transform(() => undefined)),
  /** Set: /metrics (hub and worker) needs `Authorization: Bearer <METRICS_TOKEN>`; unset: no credentials. */
  METRICS_TOKEN: z
    .string()
    .min(32, 'must be at least 32 characters')
    .regex(/^\S+$/, 'must not contain spaces')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  WORKER_HEALTH_PORT: port.default(3001),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(100).default(5),
  OUTBOX_POLL_INTERVAL_MS: z.coerce.number().int().min(10).max(60_000).default(250),
  OUTBOX_BATCH_SIZE: z.coerce.number().int().min(1).max(5000).default(500),
  /** How often the worker looks for dispatched outbox rows whose job left no receipt, in ms (also once at start). */
  OUTBOX_RECONCILE_INTERVAL_MS: z.coerce.number().int().min(50).max(3_600_000).default(30_000),
  /** How long after its dispatch a row without a receipt is first looked at again, in ms. */
  OUTBOX_RECONCILE_GRACE_MS: z.coerce.number().int().min(100).max(86_400_000).default(60_000),
  /** How often the worker checks that every job schedule exists and re-creates a lost one, in ms. */
  WORKER_SCHEDULE_CHECK_INTERVAL_MS: z.coerce.number().int().min(50).max(3_600_000).default(60_000),
  /** How long a worker holds a job before another worker may take it over (a killed worker's jobs wait this long). */
  WORKER_LOCK_DURATION_MS: z.coerce.number().int().min(1000).max(600_000).default(30_000),
  /** After SIGTERM: how long jobs in flight may take before the worker exits anyway (they are then taken over after their lock expires). */
  WORKER_SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).max(600_000).default(10_000),
  /** Days a member's message-log records are kept unless an operator sets the member's own retention. */
  MESSAGE_LOG_RETENTION_DAYS: z.coerce.number().int().min(1).max(36_500).default(90),
  /** How old a record's timestamp may be when it is submitted, in days (older: rejected). */
  MESSAGE_LOG_ACCEPT_PAST_DAYS: z.coerce.number().int().min(1).max(365).default(7),
  /** Daily partitions created ahead of today. */
  MESSAGE_LOG_PARTITIONS_AHEAD_DAYS: z.coerce.number().int().min(1).max(90).default(7),
  /** How often the worker runs partition upkeep and retention, in ms. */
  MESSAGE_LOG_MAINTENANCE_INTERVAL_MS: z.coerce.number().int().min(1000).max(86_400_000).default(3_600_000),
  /** How often the worker re-evaluates every occupied chat room against the policy, in ms (also right after a policy change). */
  CHAT_SWEEP_INTERVAL_MS: z.coerce.number().int().min(1000).max(86_400_000).default(60_000),
  /** How often the worker looks for chat gateways with deliveries due (new ones also wake it at once), in ms. */
  CHAT_PUSH_SCAN_INTERVAL_MS: z.coerce.number().int().min(50).max(600_000).default(1000),
  /** Failed pushes in a row after which a gateway's deliveries are parked until an operator retries them. */
  CHAT_PUSH_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(16),
  /** Wait after a gateway's first failure, doubled (with jitter) after each further one up to CHAT_PUSH_RETRY_MAX_MS, in ms. */
  CHAT_PUSH_RETRY_BASE_MS: z.coerce.number().int().min(10).max(3_600_000).default(1000),
  CHAT_PUSH_RETRY_MAX_MS: z.coerce.number().int().min(10).max(86_400_000).default(600_000),
  /** Deadline of one push to a gateway, answer included, in ms. */
  CHAT_PUSH_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  /** Deliveries a worker reads per gateway at a time. */
  CHAT_PUSH_BATCH_SIZE: z.coerce.number().int().min(1).max(5000).default(200),
  /** Lawful interception: the key sealing tasks, destinations and records at rest; unset: LI is disabled (every /li route 404s). */
  LI_SECRET_KEY: secretKey32,
  /** Earlier LI_SECRET_KEY values, comma-separated: still open what they sealed until it is re-sealed (rotation). */
  LI_PREVIOUS_SECRET_KEYS: secretKeyList,
  /** JSON array of {name, tokenSha256?, certSha256?}: LI administrators created (or refreshed) at boot. */
  LI_ADMINISTRATORS: liAdministrators,
  /** An activated task waits for approval by a second LI administrator. */
  LI_FOUR_EYES: z.stringbool().default(false),
  // how often a hub adds the provisioning fetches it counted in memory to usage_counters
  USAGE_FLUSH_INTERVAL_MS: z.coerce.number().int().min(100).max(3_600_000).default(10_000),
  /** How often the worker looks for interception records to deliver and keepalives due (a stored record also wakes it at once), in ms. */
  LI_DELIVERY_SCAN_INTERVAL_MS: z.coerce.number().int().min(50).max(600_000).default(1000),
  /** How soon after matching stored records the worker delivers them (records stored meanwhile go in the same request), in ms. */
  LI_DELIVERY_COALESCE_MS: z.coerce.number().int().min(0).max(60_000).default(200),
  /** A destination that got nothing for this long gets a keepalive, in ms. */
  LI_KEEPALIVE_INTERVAL_MS: z.coerce.number().int().min(100).max(86_400_000).default(60_000),
  /** Wait after a destination's first failure, doubled after each further one up to LI_DELIVERY_RETRY_MAX_MS, in ms. */
  LI_DELIVERY_RETRY_BASE_MS: z.coerce.number().int().min(10).max(3_600_000).default(1000),
  LI_DELIVERY_RETRY_MAX_MS: z.coerce.number().int().min(10).max(86_400_000).default(300_000),
  /** Failures in a row after which a destination is tried at the cap and every failure is flagged in the delivery log (never parked). */
  LI_DELIVERY_ALERT_AFTER_FAILURES: z.coerce.number().int().min(1).max(1000).default(12),
  LI_DELIVERY_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  /** Records sent to a destination in one POST. */
  LI_DELIVERY_BATCH_SIZE: z.coerce.number().int().min(1).max(5000).default(100),
});

/** envSchema with the rules between variables (HUB_TLS_CERT and HUB_TLS_KEY: both or neither, matching). */
export const checkedEnvSchema = envSchema.superRefine(checkTlsPair).superRefine((e, ctx) => {
  if (e.HUB_HEADERS_TIMEOUT_MS > e.HUB_REQUEST_TIMEOUT_MS) {
    ctx.addIssue({ code: 'custom', path: ['HUB_HEADERS_TIMEOUT_MS'], message: 'must not exceed HUB_REQUEST_TIMEOUT_MS' });
  }
  // without it every process seals the signing keys with a key of its own: replicas could not open
  // each other's keys, and a restart would publish a new one (docs/security.md)
  if (e.NODE_ENV === 'production' && !e.HUB_SECRET_KEY) {
    ctx.addIssue({
      code: 'custom',
      path: ['HUB_SECRET_KEY'],
      message: 'is required with NODE_ENV=production (32 bytes, e.g. `openssl rand -hex 32`, the same on every hub and worker)',
    });
  }
  if (e.LI_PREVIOUS_SECRET_KEYS.length > 0 && !e.LI_SECRET_KEY) {
    ctx.addIssue({ code: 'custom', path: ['LI_PREVIOUS_SECRET_KEYS'], message: 'needs LI_SECRET_KEY (the current key)' });
  }
  if (e.OUTBOUND_ALLOW_LOOPBACK && e.NODE_ENV === 'production') {
    ctx.addIssue({
      code: 'custom',
      path: ['OUTBOUND_ALLOW_LOOPBACK'],
      message: 'is a development setting: not allowed with NODE_ENV=production',
    });
  }
});

export type Env = z.infer<typeof envSchema>;
