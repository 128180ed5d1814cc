import { networkInterfaces } from 'node:os';
import { refusedAddress, savedHostProblem, vettedLookup, type Resolver } from './webhook-address';

const strict = { allowLoopback: false };
const loopbackOn = { allowLoopback: true };

describe('refusedAddress', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['::1', 'loopback'],
    ['0:0:0:0:0:0:0:1', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::127.0.0.1', 'loopback'],
    ['::ffff:0:127.0.0.1', 'loopback'],
    ['64:ff9b::7f00:1', 'loopback'],
    ['169.254.169.254', 'link-local'],
    ['169.254.0.1', 'link-local'],
    ['::ffff:169.254.169.254', 'link-local'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['febf:ffff::1', 'link-local'],
    ['fd00:ec2::254', 'cloud metadata'],
    ['100.100.100.200', 'cloud metadata'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['::', 'unspecified'],
    ['::ffff:0.0.0.0', 'unspecified'],
    ['224.0.0.251', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['ff02::1', 'multicast'],
    ['::ffff:224.0.0.1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
  ])('refuses %s (%s)', (ip, kind) => expect(refusedAddress(ip, strict)).toBe(kind));

  it.each([
    '10.0.0.5',
    '172.16.0.1',
    '172.31.255.254',
    '192.168.1.20',
    '100.64.0.1',
    '93.184.216.34',
    'fd12:3456::1',
    'fc00::1',
    '2001:db8::1',
    '::ffff:10.0.0.5',
    'fec0::1',
    '1:2:3:4:5:6:7:8',
  ])('accepts %s', (ip) => expect(refusedAddress(ip, strict)).toBeNull());

  it('lets loopback through when allowed, and nothing else', () => {
    for (const ip of ['127.0.0.1', '::1', '::ffff:127.0.0.1']) expect(refusedAddress(ip, loopbackOn)).toBeNull();
    expect(refusedAddress('169.254.169.254', loopbackOn)).toBe('link-local');
    expect(refusedAddress('0.0.0.0', loopbackOn)).toBe('unspecified');
  });
});

// Spellings a hand-written parser tends to get wrong: every IPv6 form of a
// refused IPv4 address, zero-compressed and zero-padded groups, uppercase,
// zone ids; and their private/public twins, which stay allowed.
describe('refusedAddress, spelling by spelling', () => {
  it.each<[string, string | null]>([
    // loopback
    ['127.0.0.1', 'loopback'],
    ['127.1.2.3', 'loopback'],
    ['::1', 'loopback'],
    ['0:0:0:0:0:0:0:1', 'loopback'],
    ['0000:0000:0000:0000:0000:0000:0000:0001', 'loopback'],
    ['0::0:1', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::FFFF:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:7F00:0001', 'loopback'],
    ['0:0:0:0:0:ffff:7f00:1', 'loopback'],
    ['::127.0.0.1', 'loopback'],
    ['::7f00:1', 'loopback'],
    ['::ffff:0:127.0.0.1', 'loopback'],
    ['64:ff9b::127.0.0.1', 'loopback'],
    ['64:FF9B::7f00:1', 'loopback'],
    ['2002:7f00:1::', 'loopback'],
    ['2002:7f00:0001:0:0:0:0:1', 'loopback'],
    // unspecified
    ['0.0.0.0', 'unspecified'],
    ['0.255.255.255', 'unspecified'],
    ['::', 'unspecified'],
    ['0:0:0:0:0:0:0:0', 'unspecified'],
    ['::0.0.0.0', 'unspecified'],
    ['::0.1.2.3', 'unspecified'],
    ['::ffff:0.0.0.0', 'unspecified'],
    ['64:ff9b::0.0.0.0', 'unspecified'],
    // link-local and cloud metadata
    ['169.254.169.254', 'link-local'],
    ['::ffff:a9fe:a9fe', 'link-local'],
    ['64:ff9b::169.254.169.254', 'link-local'],
    ['2002:a9fe:a9fe::1', 'link-local'],
    ['fe80::1', 'link-local'],
    ['FE80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['fe80::1%25eth0', 'link-local'],
    ['febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'link-local'],
    ['100.100.100.200', 'cloud metadata'],
    ['::ffff:6464:64c8', 'cloud metadata'],
    ['64:ff9b::6464:64c8', 'cloud metadata'],
    ['fd00:ec2::254', 'cloud metadata'],
    ['FD00:0EC2:0:0:0:0:0:0254', 'cloud metadata'],
    // multicast and broadcast
    ['224.0.0.1', 'multicast'],
    ['239.255.255.255', 'multicast'],
    ['::ffff:e000:1', 'multicast'],
    ['2002:e000:1::', 'multicast'],
    ['ff02::1', 'multicast'],
    ['FF0E::1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['::ffff:255.255.255.255', 'broadcast'],
    // allowed: private networks (also written as IPv6), CGNAT, public, documentation
    ['10.0.0.1', null],
    ['172.16.0.1', null],
    ['172.31.255.255', null],
    ['192.168.0.1', null],
    ['100.64.0.1', null],
    ['100.127.255.255', null],
    ['100.100.100.201', null],
    ['169.253.255.255', null],
    ['169.255.0.1', null],
    ['126.255.255.255', null],
    ['128.0.0.1', null],
    ['1.1.1.1', null],
    ['223.255.255.255', null],
    ['255.255.255.254', null],
    ['::ffff:10.0.0.1', null],
    ['::ffff:a00:1', null],
    ['64:ff9b::10.0.0.1', null],
    ['64:ff9b::c0a8:101', null],
    ['2002:c0a8:101::1', null],
    ['2002:a00:1::', null],
    ['fc00::1', null],
    ['FD12:3456::1', null],
    ['fd00:ec2::253', null],
    ['fec0::1', null],
    ['fe7f:ffff::1', null],
    ['fec0::1%eth0', null],
    ['2001:db8::1', null],
    ['2606:4700:4700::1111', null],
    ['::2:0:0', null],
    ['1::', null],
  ])('%s → %s', (ip, kind) => expect(refusedAddress(ip, strict)).toBe(kind));
});

describe("refusedAddress and this machine's own addresses", () => {
  // The machine's real interfaces, as the running SeatDesk sees them.
  const own = Object.values(networkInterfaces())
    .flat()
    .filter((info) => info !== undefined && !info.internal)
    .map((info) => info!.address);
  const ownV4 = own.find((ip) => !ip.includes(':'));

  it('refuses every address of every interface, unless loopback is allowed', () => {
    expect(own.length).toBeGreaterThan(0);
    for (const ip of own) {
      expect(refusedAddress(ip, strict)).toMatch(/^(this machine|link-local)$/);
      expect(refusedAddress(ip, loopbackOn) === null || refusedAddress(ip, loopbackOn) === 'link-local').toBe(true);
    }
  });

  it('refuses the IPv4 one however it is written', () => {
    if (!ownV4) throw new Error('This machine has no non-loopback IPv4 address to test with');
    const [a, b, c, d] = ownV4.split('.').map(Number);
    const hex = `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
    for (const ip of [ownV4, `::ffff:${ownV4}`, `::ffff:${hex}`, `64:ff9b::${hex}`, `2002:${hex}::1`]) {
      expect([ip, refusedAddress(ip, strict)]).toEqual([ip, 'this machine']);
      expect([ip, refusedAddress(ip, loopbackOn)]).toEqual([ip, null]);
    }
  });
});

describe('savedHostProblem', () => {
  it('refuses IP addresses and localhost, in any spelling the URL parser accepts', () => {
    expect(savedHostProblem('http://127.1:8080/', strict)).toBe('The address 127.0.0.1 is not allowed (loopback).');
    expect(savedHostProblem('http://0x7f000001/', strict)).toBe('The address 127.0.0.1 is not allowed (loopback).');
    expect(savedHostProblem('http://[0::1]/', strict)).toBe('The address ::1 is not allowed (loopback).');
    expect(savedHostProblem('http://LocalHost./', strict)).toBe('The address localhost. is not allowed (loopback).');
    expect(savedHostProblem('http://a.b.localhost/', strict)).toBe(
      'The address a.b.localhost is not allowed (loopback).',
    );
    expect(savedHostProblem('http://169.254.169.254/', loopbackOn)).toBe(
      'The address 169.254.169.254 is not allowed (link-local).',
    );
  });

  it('leaves other names to delivery time', () => {
    expect(savedHostProblem('https://hooks.example.com/', strict)).toBeNull();
    expect(savedHostProblem('https://localhost.example.com/', strict)).toBeNull();
    expect(savedHostProblem('http://localhost/', loopbackOn)).toBeNull();
    expect(savedHostProblem('http://10.1.2.3/', strict)).toBeNull();
  });
});

describe('vettedLookup', () => {
  const answering =
    (...addresses: string[]): Resolver =>
    (_host, _options, callback) =>
      callback(
        null,
        addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
      );
  const run = (resolve: Resolver, all: boolean, policy = strict) =>
    new Promise<{ err: NodeJS.ErrnoException | null; address: unknown; family?: number }>((done) =>
      vettedLookup(policy, resolve)('hooks.internal', { all } as never, (err, address, family) =>
        done({ err, address, family }),
      ),
    );

  it('refuses a name if any of its addresses is refused', async () => {
    const { err } = await run(answering('10.0.0.5', '127.0.0.1'), true);
    expect(err?.message).toBe('The address 127.0.0.1 of hooks.internal is not allowed (loopback).');
    expect(err?.code).toBe('EWEBHOOKADDRESS');
    expect((await run(answering('fd00::1', 'fe80::2'), false)).err?.message).toBe(
      'The address fe80::2 of hooks.internal is not allowed (link-local).',
    );
  });

  it('hands the socket the addresses it checked', async () => {
    expect(await run(answering('10.0.0.5', 'fd00::5'), true)).toEqual({
      err: null,
      address: [
        { address: '10.0.0.5', family: 4 },
        { address: 'fd00::5', family: 6 },
      ],
      family: undefined,
    });
    expect(await run(answering('10.0.0.5'), false)).toEqual({ err: null, address: '10.0.0.5', family: 4 });
    expect((await run(answering('127.0.0.1'), false, loopbackOn)).address).toBe('127.0.0.1');
  });

  it('passes resolver errors through', async () => {
    const failing: Resolver = (_h, _o, callback) =>
      callback(Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' }), []);
    expect((await run(failing, true)).err?.code).toBe('ENOTFOUND');
    expect((await run(answering(), true)).err?.code).toBe('ENOTFOUND');
  });
});
