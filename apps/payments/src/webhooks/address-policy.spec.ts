import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AddressPolicy, AddressRefused, guardedConnector } from './address-policy';

describe('which addresses a webhook may reach', () => {
  const policy = new AddressPolicy();

  it.each([
    ['127.0.0.1', 'loopback'],
    ['::1', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['169.254.169.254', 'linkLocal'],
    ['fe80::1', 'linkLocal'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['192.168.1.1', 'private'],
    ['::ffff:192.168.1.1', 'private'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['fd00::1', 'uniqueLocal'],
    ['0.0.0.0', 'unspecified'],
    ['224.0.0.1', 'multicast'],
  ])('refuses %s (%s)', (address, range) => {
    expect(() => policy.check(address)).toThrow(AddressRefused);
    expect(() => policy.check(address)).toThrow(range);
  });

  it.each(['8.8.8.8', '203.0.114.1', '2001:4860:4860::8888', '::ffff:8.8.8.8'])(
    'lets %s through',
    (address) => expect(() => policy.check(address)).not.toThrow(),
  );

  it('lets through what WEBHOOK_ALLOWED_CIDRS allows, written as IPv4 or mapped', () => {
    const allowing = new AddressPolicy(['127.0.0.0/8', 'fd00::/8']);
    expect(() => allowing.check('127.0.0.1')).not.toThrow();
    expect(() => allowing.check('::ffff:127.0.0.2')).not.toThrow();
    expect(() => allowing.check('fd00::7')).not.toThrow();
    expect(() => allowing.check('10.0.0.1')).toThrow(AddressRefused);
    expect(() => new AddressPolicy(['10.0.0.0'])).toThrow(/10\.0\.0\.0 is not a CIDR range/);
  });
});

describe('connecting under the policy (a real server on loopback)', () => {
  let server: Server;
  let port: number;
  let connections = 0;
  beforeAll(async () => {
    server = createServer((_req, res) => res.end('ok'));
    server.on('connection', () => connections++);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const get = async (url: string, policy: AddressPolicy) => {
    const agent = new Agent({ connect: guardedConnector(policy) });
    try {
      const res = await request(url, { dispatcher: agent });
      return await res.body.text();
    } finally {
      await agent.close();
    }
  };

  it.each(['http://127.0.0.1', 'http://[::ffff:127.0.0.1]', 'http://localhost'])(
    '%s is refused before any connection is made',
    async (origin) => {
      const before = connections;
      await expect(get(`${origin}:${port}/hook`, new AddressPolicy())).rejects.toThrow(
        AddressRefused,
      );
      expect(connections).toBe(before);
    },
  );

  it('the metadata address is refused without a packet sent', async () => {
    await expect(
      get('http://169.254.169.254/latest/meta-data/', new AddressPolicy()),
    ).rejects.toThrow(/169\.254\.169\.254 is linkLocal/);
  });

  it('an allowed range connects, by address and by name', async () => {
    const allowing = new AddressPolicy(['127.0.0.0/8', '::1/128']);
    const before = connections;
    expect(await get(`http://127.0.0.1:${port}/hook`, allowing)).toBe('ok');
    expect(await get(`http://localhost:${port}/hook`, allowing)).toBe('ok');
    expect(connections).toBe(before + 2);
  });
});
