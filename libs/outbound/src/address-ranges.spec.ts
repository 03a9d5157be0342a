import { isLoopbackAddress, refusedAddressReason } from './address-ranges.js';

describe('refusedAddressReason', () => {
  const refused: Array<[string, string, RegExp]> = [
    ['IPv4 loopback', '127.0.0.1', /loopback/],
    ['IPv4 loopback, elsewhere in 127/8', '127.200.3.4', /loopback/],
    ['IPv6 loopback', '::1', /loopback/],
    ['IPv4-mapped loopback', '::ffff:127.0.0.1', /loopback/],
    ['IPv4-mapped loopback, hex form', '::ffff:7f00:1', /loopback/],
    ['RFC 1918 10/8', '10.1.2.3', /private/],
    ['RFC 1918 172.16/12', '172.31.255.254', /private/],
    ['RFC 1918 192.168/16', '192.168.0.1', /private/],
    ['IPv4-mapped private', '::ffff:10.0.0.1', /private/],
    ['unique local fc00::/7', 'fd12:3456::1', /unique local/],
    ['unique local, fc half', 'fc00::1', /unique local/],
    ['IPv4 link-local (cloud metadata)', '169.254.169.254', /link-local/],
    ['IPv6 link-local', 'fe80::1', /link-local/],
    ['IPv4-mapped link-local', '::ffff:169.254.169.254', /link-local/],
    ['CGNAT 100.64/10', '100.64.0.1', /CGNAT/],
    ['CGNAT upper end', '100.127.255.254', /CGNAT/],
    ['IPv4 multicast', '224.0.0.1', /multicast/],
    ['IPv6 multicast', 'ff02::1', /multicast/],
    ['IPv4 broadcast', '255.255.255.255', /broadcast/],
    ['IPv4 unspecified', '0.0.0.0', /unspecified/],
    ['this network 0/8', '0.1.2.3', /unspecified/],
    ['IPv6 unspecified', '::', /unspecified/],
    ['IPv4 documentation', '192.0.2.10', /reserved/],
    ['IPv4 class E', '240.0.0.1', /reserved/],
    ['IPv6 documentation', '2001:db8::1', /reserved/],
    ['NAT64 prefix embedding 127.0.0.1', '64:ff9b::7f00:1', /NAT64/],
    ['6to4 prefix embedding 10.0.0.1', '2002:a00:1::1', /6to4/],
  ];
  it.each(refused)('should refuse %s (%s)', (_name, address, reason) => {
    expect(refusedAddressReason(address)).toMatch(reason);
  });

  it.each(['93.184.215.14', '8.8.8.8', '2606:4700:4700::1111', '::ffff:8.8.8.8', '100.128.0.1', '172.32.0.1'])(
    'should allow the public unicast address %s',
    (address) => {
      expect(refusedAddressReason(address)).toBeUndefined();
    },
  );

  it('should refuse what is not an address', () => {
    expect(refusedAddressReason('example.com')).toMatch(/not an IP address/);
  });
});

describe('isLoopbackAddress', () => {
  it.each(['127.0.0.1', '::1', '::ffff:127.0.0.1', '[::1]'])('should recognise %s', (address) => {
    expect(isLoopbackAddress(address)).toBe(true);
  });
  it.each(['10.0.0.1', '::', '0.0.0.0', 'localhost'])('should not call %s loopback', (address) => {
    expect(isLoopbackAddress(address)).toBe(false);
  });
});
