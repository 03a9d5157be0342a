/** X1 error codes this hub answers with (docs/lawful-interception.md). */
export const X1_ERROR = {
  invalidRequest: 1000,
  unsupportedMessage: 1001,
  unknownXid: 2001,
  unknownDid: 2002,
  xidExists: 3001,
  didExists: 3002,
  conflict: 3000,
  forbidden: 4000,
  internal: 5000,
} as const;
