import { DestinationPolicy, machineAddresses } from './destination-policy.js';
import { RefusedDestinationError } from './outbound-errors.js';

// 8.8.4.4 stands for a public address of the machine the hub runs on
const strict = new DestinationPolicy({
  allowLoopback: false,
  ownAddresses: ['127.0.0.1', '8.8.4.4'],
  ownNames: ['hub.example.net'],
});
const development = new DestinationPolicy({ allowLoopback: true, ownAddresses: [], ownNames: ['hub.example.net'] });

describe(DestinationPolicy.name, () => {
  describe('urlRefusal', () => {
    // the WHATWG URL parser turns every spelling of an IPv4 address into the dotted form first
    const internal: Array<[string, RegExp]> = [
      ['https://127.0.0.1/hook', /loopback/],
      ['https://2130706433/hook', /loopback/],
      ['https://0x7f000001/hook', /loopback/],
      ['https://0177.0.0.1/hook', /loopback/],
      ['https://127.1/hook', /loopback/],
      ['https://[::1]/hook', /loopback/],
      ['https://[::ffff:127.0.0.1]/hook', /loopback/],
      ['https://[::ffff:7f00:1]/hook', /loopback/],
      ['https://localhost/hook', /loopback name/],
      ['https://api.localhost./hook', /loopback name/],
      ['https://10.0.0.1/hook', /private/],
      ['https://[::ffff:192.168.1.1]/hook', /private/],
      ['https://[fd00::1]/hook', /unique local/],
      ['https://169.254.169.254/latest/meta-data', /link-local/],
      ['https://[fe80::1]/hook', /link-local/],
      ['https://100.64.0.1/hook', /CGNAT/],
      ['https://224.0.0.1/hook', /multicast/],
      ['https://0.0.0.0/hook', /unspecified/],
      ['https://[::]/hook', /unspecified/],
      ['https://8.8.4.4/hook', /the hub itself/],
      ['https://hub.example.net/hook', /the hub itself/],
      ['https://HUB.example.net./hook', /the hub itself/],
      ['http://receiver.example/hook', /must be https:/],
      ['ftp://receiver.example/hook', /must be https:, not ftp:/],
      ['https://user:secret@receiver.example/hook', /credentials/],
      ['not a url', /not a URL/],
    ];
    it.each(internal)('should refuse %s', (uri, reason) => {
      expect(strict.urlRefusal(uri)).toMatch(reason);
    });

    it('should accept an https URL with a public name or address', () => {
      expect(strict.urlRefusal('https://receiver.example/hooks/pip?token=x')).toBeUndefined();
      expect(strict.urlRefusal('https://93.184.215.14:8443/hook')).toBeUndefined();
    });

    it('should allow loopback, and http: to loopback only, with the development setting', () => {
      expect(development.urlRefusal('http://127.0.0.1:4000/hook')).toBeUndefined();
      expect(development.urlRefusal('http://[::1]:4000/hook')).toBeUndefined();
      expect(development.urlRefusal('http://localhost:4000/hook')).toBeUndefined();
      expect(development.urlRefusal('https://127.0.0.1:4000/hook')).toBeUndefined();
      expect(development.urlRefusal('http://receiver.example/hook')).toMatch(/loopback addresses only/);
      expect(development.urlRefusal('http://10.0.0.1/hook')).toMatch(/loopback addresses only/);
      expect(development.urlRefusal('https://10.0.0.1/hook')).toMatch(/private/);
      expect(development.urlRefusal('https://hub.example.net/hook')).toMatch(/the hub itself/);
    });
  });

  describe('checkAddress', () => {
    it('should refuse a resolved address in a refused range with a RefusedDestinationError', () => {
      expect(() => strict.checkAddress('10.0.0.1', 'https:')).toThrow(RefusedDestinationError);
      expect(() => strict.checkAddress('::ffff:127.0.0.1', 'https:')).toThrow(/loopback/);
      expect(() => strict.checkAddress('8.8.4.4', 'https:')).toThrow(/8\.8\.4\.4 is an address of the hub itself/);
      expect(() => strict.checkAddress('::ffff:8.8.4.4', 'https:')).toThrow(/the hub itself/);
    });

    it('should refuse http: to any address but loopback, and that only in development', () => {
      expect(() => strict.checkAddress('93.184.215.14', 'http:')).toThrow(/http: is allowed to loopback addresses only/);
      expect(() => strict.checkAddress('127.0.0.1', 'http:')).toThrow(RefusedDestinationError);
      expect(() => development.checkAddress('93.184.215.14', 'http:')).toThrow(/loopback addresses only/);
      expect(() => development.checkAddress('127.0.0.1', 'http:')).not.toThrow();
    });

    it('should give an own address in a refused range the reason of its range', () => {
      expect(() => strict.checkAddress('127.0.0.1', 'https:')).toThrow(/127\.0\.0\.1 is a loopback address/);
    });

    it('should accept a public address over https', () => {
      expect(() => strict.checkAddress('93.184.215.14', 'https:')).not.toThrow();
    });
  });
});

describe('machineAddresses', () => {
  it("should list this machine's interface addresses and the listen hosts given as addresses", () => {
    const addresses = machineAddresses(['192.0.2.44', '0.0.0.0', 'hub.example.net']);
    expect(addresses).toEqual(expect.arrayContaining(['127.0.0.1', '192.0.2.44', '0.0.0.0']));
    expect(addresses).not.toContain('hub.example.net');
  });
});
