import { CircuitBreaker } from './circuit-breaker.js';
import { CircuitOpenError } from './outbound-errors.js';

describe(CircuitBreaker.name, () => {
  let now = 0;
  const dest = 'https://receiver.example';
  const breaker = () => new CircuitBreaker({ failures: 3, openMs: 10_000 }, () => now);
  beforeEach(() => {
    now = 1_000_000;
  });

  it('should stay closed below the failure threshold and forget failures after a success', () => {
    const circuit = breaker();
    circuit.failed(dest);
    circuit.failed(dest);
    circuit.succeeded(dest);
    circuit.failed(dest);
    circuit.failed(dest);
    expect(circuit.position(dest)).toBe('closed');
    expect(() => circuit.admit(dest)).not.toThrow();
  });

  it('should open after consecutive failures and refuse at once, saying when to come back', () => {
    const circuit = breaker();
    for (let i = 0; i < 3; i++) circuit.failed(dest);
    expect(circuit.position(dest)).toBe('open');
    now += 4000;
    expect(() => circuit.admit(dest)).toThrow(CircuitOpenError);
    try {
      circuit.admit(dest);
    } catch (error) {
      expect((error as CircuitOpenError).retryAfterMs).toBe(6000);
    }
  });

  it('should let exactly one probe through once half-open, and close on its success', () => {
    const circuit = breaker();
    for (let i = 0; i < 3; i++) circuit.failed(dest);
    now += 10_000;
    expect(circuit.position(dest)).toBe('half-open');
    circuit.admit(dest);
    expect(() => circuit.admit(dest)).toThrow(CircuitOpenError);
    circuit.succeeded(dest);
    expect(circuit.position(dest)).toBe('closed');
    expect(() => circuit.admit(dest)).not.toThrow();
  });

  it('should open again for a full period when the probe fails', () => {
    const circuit = breaker();
    for (let i = 0; i < 3; i++) circuit.failed(dest);
    now += 10_000;
    circuit.admit(dest);
    circuit.failed(dest);
    expect(circuit.position(dest)).toBe('open');
    now += 9_999;
    expect(() => circuit.admit(dest)).toThrow(CircuitOpenError);
    now += 1;
    expect(() => circuit.admit(dest)).not.toThrow();
  });

  it('should let another probe through when the probe ended without an answer about the destination', () => {
    const circuit = breaker();
    for (let i = 0; i < 3; i++) circuit.failed(dest);
    now += 10_000;
    circuit.admit(dest);
    circuit.released(dest);
    expect(() => circuit.admit(dest)).not.toThrow();
  });

  it('should keep destinations apart', () => {
    const circuit = breaker();
    for (let i = 0; i < 3; i++) circuit.failed(dest);
    expect(() => circuit.admit('https://other.example')).not.toThrow();
  });
});
