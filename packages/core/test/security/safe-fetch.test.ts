import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo } from 'node:net';
import { BotkeelError, createSafeFetch, type LookupFunction, type SafeFetchOptions } from '@botkeel/core';
import { createManualClock } from '@botkeel/core/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
let server: Server;
let port = 0;
let handler: Handler = () => undefined;
const seen: { url: string; host: string | undefined }[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    seen.push({ url: request.url ?? '', host: request.headers.host });
    handler(request, response);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  seen.length = 0;
});

function fetcher(overrides: Partial<SafeFetchOptions> & { lookups?: string[] } = {}) {
  const lookups = overrides.lookups ?? [];
  const lookup: LookupFunction = (hostname) => {
    lookups.push(hostname);
    // A rebinding resolver: the first answer is the test server, every later one a private address.
    return Promise.resolve([{ address: lookups.length === 1 ? '127.0.0.1' : '10.0.0.7', family: 4 }]);
  };
  return createSafeFetch({
    lookup,
    allowedPorts: [port],
    allowAddress: (ip) => ip === '127.0.0.1',
    ...overrides,
  });
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (BotkeelError.isInstance(error)) return error.code;
    throw error;
  }
  throw new Error('expected a BotkeelError');
}

describe('createSafeFetch', () => {
  it('connects only to the checked address: one lookup, the request reaches the pinned server', async () => {
    handler = (_request, response) => {
      response.writeHead(200, { 'content-type': 'image/png; charset=binary' });
      response.end(png);
    };
    const lookups: string[] = [];
    const result = await fetcher({ lookups })(`http://images.test:${port}/shirt.png`);
    expect(Buffer.from(result.bytes)).toEqual(png);
    expect(result).toMatchObject({
      contentType: 'image/png',
      finalUrl: `http://images.test:${port}/shirt.png`,
    });
    expect(lookups).toEqual(['images.test']);
    expect(seen).toEqual([{ url: '/shirt.png', host: `images.test:${port}` }]);
  });

  it('re-validates every redirect hop and refuses one that rebinds to a private address', async () => {
    handler = (request, response) => {
      response.writeHead(302, { location: `http://images.test:${port}/final.png` });
      response.end();
    };
    const lookups: string[] = [];
    expect(await codeOf(fetcher({ lookups })(`http://images.test:${port}/start`))).toBe('SSRF_BLOCKED');
    expect(lookups).toEqual(['images.test', 'images.test']);
    expect(seen.map((request) => request.url)).toEqual(['/start']);
  });

  it('follows a redirect to an allowed target', async () => {
    handler = (request, response) => {
      if (request.url === '/start') {
        response.writeHead(301, { location: '/final.png' });
        return void response.end();
      }
      response.writeHead(200, { 'content-type': 'image/png' });
      response.end(png);
    };
    const safeFetch = createSafeFetch({ allowedPorts: [port], allowAddress: (ip) => ip === '127.0.0.1' });
    const result = await safeFetch(`http://127.0.0.1:${port}/start`);
    expect(result.finalUrl).toBe(`http://127.0.0.1:${port}/final.png`);
    expect(seen.map((request) => request.url)).toEqual(['/start', '/final.png']);
  });

  it('refuses a redirect to the cloud metadata address without connecting to it', async () => {
    handler = (_request, response) => {
      response.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' });
      response.end();
    };
    const safeFetch = createSafeFetch({ allowedPorts: [port, 80], allowAddress: (ip) => ip === '127.0.0.1' });
    expect(await codeOf(safeFetch(`http://127.0.0.1:${port}/img`))).toBe('SSRF_BLOCKED');
  });

  it('stops after maxRedirects', async () => {
    handler = (_request, response) => {
      response.writeHead(302, { location: '/again' });
      response.end();
    };
    const safeFetch = createSafeFetch({
      allowedPorts: [port],
      allowAddress: (ip) => ip === '127.0.0.1',
      maxRedirects: 2,
    });
    expect(await codeOf(safeFetch(`http://127.0.0.1:${port}/loop`))).toBe('SSRF_BLOCKED');
    expect(seen).toHaveLength(3);
  });

  it('refuses a body larger than maxBytes, declared or streamed', async () => {
    const safeFetch = createSafeFetch({ allowedPorts: [port], allowAddress: () => true, maxBytes: 1_000 });
    handler = (_request, response) => {
      response.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': '5000' });
      response.end(Buffer.alloc(5_000));
    };
    expect(await codeOf(safeFetch(`http://127.0.0.1:${port}/declared`))).toBe('PAYLOAD_TOO_LARGE');
    handler = (_request, response) => {
      response.writeHead(200, { 'content-type': 'image/jpeg' });
      for (let index = 0; index < 10; index++) response.write(Buffer.alloc(500));
      response.end();
    };
    expect(await codeOf(safeFetch(`http://127.0.0.1:${port}/chunked`))).toBe('PAYLOAD_TOO_LARGE');
  });

  it('refuses content types outside the allow-list', async () => {
    handler = (_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html' });
      response.end('<html>');
    };
    const safeFetch = createSafeFetch({ allowedPorts: [port], allowAddress: () => true });
    expect(await codeOf(safeFetch(`http://127.0.0.1:${port}/page`))).toBe('UNSUPPORTED_CONTENT_TYPE');
  });

  it('reports a non-2xx answer as PROVIDER_ERROR', async () => {
    handler = (_request, response) => {
      response.writeHead(404);
      response.end();
    };
    const safeFetch = createSafeFetch({ allowedPorts: [port], allowAddress: () => true });
    expect(await codeOf(safeFetch(`http://127.0.0.1:${port}/missing.png`))).toBe('PROVIDER_ERROR');
  });

  it('times out by the injected clock and really closes the connection', async () => {
    const clock = createManualClock();
    let closed: Promise<unknown> = Promise.resolve();
    const arrived = new Promise<void>((resolve) => {
      handler = (request) => {
        closed = once(request.socket, 'close');
        resolve();
      };
    });
    const safeFetch = createSafeFetch({
      allowedPorts: [port],
      allowAddress: () => true,
      clock,
      timeoutMs: 5_000,
    });
    const pending = codeOf(safeFetch(`http://127.0.0.1:${port}/slow.png`));
    await arrived;
    clock.advance(5_000);
    expect(await pending).toBe('TIMEOUT');
    await closed;
  });

  it('stops at once when the caller aborts', async () => {
    const arrived = new Promise<void>((resolve) => {
      handler = () => resolve();
    });
    const controller = new AbortController();
    const safeFetch = createSafeFetch({ allowedPorts: [port], allowAddress: () => true });
    const pending = codeOf(safeFetch(`http://127.0.0.1:${port}/slow.png`, { signal: controller.signal }));
    await arrived;
    controller.abort();
    expect(await pending).toBe('ABORTED');
  });

  it('rejects invalid options naming the field', () => {
    expect(() => createSafeFetch({ maxBytes: -1 })).toThrow(/createSafeFetch: maxBytes/);
  });
});
