import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createHibpCheck, HibpUnavailableError } from './hibp.js';

// SHA-1("password") = 5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8
const SUFFIX = '1E4C9B93F3F0682250B6CF8331B7EE68FD8';

interface Fake {
  url: string;
  requests: { url: string; headers: IncomingHttpHeaders }[];
  close(): Promise<void>;
}

let fake: Fake | undefined;
afterEach(async () => fake?.close());

async function startFake(answers: { status: number; body: string }[]): Promise<Fake> {
  const requests: Fake['requests'] = [];
  const server = createServer((req, res) => {
    requests.push({ url: req.url ?? '', headers: req.headers });
    const answer = answers[Math.min(requests.length - 1, answers.length - 1)]!;
    res.writeHead(answer.status, { 'content-type': 'text/plain' }).end(answer.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  fake = { url: `http://127.0.0.1:${port}/`, requests, close: () => new Promise((resolve) => server.close(() => resolve())) };
  return fake;
}

const noSleep = async (): Promise<void> => undefined;

describe('createHibpCheck', () => {
  it('sends only the five-character prefix, asks for padding and finds a listed suffix', async () => {
    const f = await startFake([{ status: 200, body: `0018A45C4D1DEF81644B54AB7F969B88D65:1\r\n${SUFFIX}:3861493\r\n` }]);
    expect(await createHibpCheck({ baseUrl: f.url })('password')).toBe(true);
    expect(f.requests).toHaveLength(1);
    expect(f.requests[0]!.url).toBe('/range/5BAA6');
    expect(f.requests[0]!.headers['add-padding']).toBe('true');
  });

  it('ignores padding lines (count 0) and unlisted suffixes', async () => {
    const f = await startFake([{ status: 200, body: `${SUFFIX}:0\n0018A45C4D1DEF81644B54AB7F969B88D65:2` }]);
    expect(await createHibpCheck({ baseUrl: f.url })('password')).toBe(false);
  });

  it('retries a 429 three times, then gives up', async () => {
    const f = await startFake([{ status: 429, body: '' }, { status: 200, body: `${SUFFIX}:1` }]);
    const slept: number[] = [];
    expect(await createHibpCheck({ baseUrl: f.url, sleep: async (ms) => void slept.push(ms) })('password')).toBe(true);
    expect(slept).toEqual([3000]);
    const g = await startFake([{ status: 429, body: '' }]);
    await expect(createHibpCheck({ baseUrl: g.url, sleep: noSleep })('password')).rejects.toBeInstanceOf(HibpUnavailableError);
    expect(g.requests).toHaveLength(4);
    await f.close();
  });

  it('fails on any other status and when the API cannot be reached', async () => {
    const f = await startFake([{ status: 503, body: 'down' }]);
    await expect(createHibpCheck({ baseUrl: f.url, sleep: noSleep })('password')).rejects.toBeInstanceOf(HibpUnavailableError);
    await expect(createHibpCheck({ baseUrl: 'http://127.0.0.1:1', sleep: noSleep })('password')).rejects.toBeInstanceOf(HibpUnavailableError);
  });
});
