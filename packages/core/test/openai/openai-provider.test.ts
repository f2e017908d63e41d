import { BotkeelError, ProviderError } from '@botkeel/core';
import { openAiProvider } from '@botkeel/core/openai';
import { type FakeOpenAIServer, startFakeOpenAI } from '@botkeel/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';

const ask = { messages: [{ role: 'user' as const, content: 'Hi' }] };
let server: FakeOpenAIServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function failure(promise: Promise<unknown>): Promise<ProviderError | BotkeelError> {
  try {
    await promise;
  } catch (error) {
    if (BotkeelError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a failure');
}

describe('openAiProvider over real HTTP', () => {
  it('completes through the real openai client and reports model and usage', async () => {
    server = await startFakeOpenAI({
      script: [{ reply: 'Hello!', usage: { promptTokens: 7, completionTokens: 2 } }],
    });
    const provider = openAiProvider({
      baseURL: server.baseURL,
      apiKey: 'sk-test-secret-1234',
      model: 'gpt-test',
    });
    const completion = await provider.complete(
      {
        messages: [
          { role: 'system', content: 'Be brief.' },
          {
            role: 'user',
            content: [
              { type: 'text', text: 'What is this?' },
              { type: 'image', url: 'https://example.com/cat.png' },
            ],
          },
        ],
        temperature: 0.2,
        maxTokens: 50,
      },
      new AbortController().signal,
    );
    expect(completion).toEqual({
      text: 'Hello!',
      model: 'gpt-test',
      usage: { promptTokens: 7, completionTokens: 2 },
    });
    const request = server.requests[0]!;
    expect(request.path).toBe('/v1/chat/completions');
    expect(request.authorization).toBe('****1234');
    expect(request.body).toMatchObject({
      model: 'gpt-test',
      temperature: 0.2,
      max_completion_tokens: 50,
      messages: [
        { role: 'system', content: 'Be brief.' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image_url', image_url: { url: 'https://example.com/cat.png' } },
          ],
        },
      ],
    });
    expect(provider.name).toBe('openai');
  });

  it('maps a 429 to a rate-limit fault with retry-after-ms, without retrying inside the SDK', async () => {
    server = await startFakeOpenAI({
      script: [{ status: 429, retryAfterMs: 1_500, sendRetryAfterMs: true }],
    });
    const provider = openAiProvider({ baseURL: server.baseURL, apiKey: 'k', model: 'm' });
    const error = (await failure(provider.complete(ask, new AbortController().signal))) as ProviderError;
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ kind: 'rate-limit', status: 429, retryAfterMs: 1_500, retryable: true });
    expect(server.requests).toHaveLength(1);
  });

  it('reads a retry-after in seconds', async () => {
    server = await startFakeOpenAI({ script: [{ status: 429, retryAfterMs: 3_000 }] });
    const provider = openAiProvider({ baseURL: server.baseURL, apiKey: 'k', model: 'm' });
    expect(await failure(provider.complete(ask, new AbortController().signal))).toMatchObject({
      retryAfterMs: 3_000,
    });
  });

  it.each([
    [500, 'server', true, true],
    [503, 'server', true, true],
    [400, 'bad-request', false, false],
    [401, 'authentication', false, true],
    [403, 'authentication', false, true],
  ] as const)('maps HTTP %i to %s', async (status, kind, retryable, isProviderFault) => {
    server = await startFakeOpenAI({ script: [{ status }] });
    const provider = openAiProvider({ baseURL: server.baseURL, apiKey: 'k', model: 'm' });
    const error = await failure(provider.complete(ask, new AbortController().signal));
    expect(error).toMatchObject({ code: 'PROVIDER_ERROR', kind, status, retryable, isProviderFault });
    expect(error.message).not.toContain('k ');
    expect(server.requests).toHaveLength(1);
  });

  it('maps a malformed JSON body to malformed-response and a reset to connection', async () => {
    server = await startFakeOpenAI({ script: [{ malformed: true }, { reset: true }] });
    const provider = openAiProvider({ baseURL: server.baseURL, apiKey: 'k', model: 'm' });
    expect(await failure(provider.complete(ask, new AbortController().signal))).toMatchObject({
      kind: 'malformed-response',
    });
    expect(await failure(provider.complete(ask, new AbortController().signal))).toMatchObject({
      kind: 'connection',
    });
  });

  it('maps a content_filter finish to content-filter', async () => {
    server = await startFakeOpenAI({ script: [{ reply: '', finishReason: 'content_filter' }] });
    const provider = openAiProvider({ baseURL: server.baseURL, apiKey: 'k', model: 'm' });
    expect(await failure(provider.complete(ask, new AbortController().signal))).toMatchObject({
      kind: 'content-filter',
      isProviderFault: false,
    });
  });

  it('aborts: the server sees the connection close and the error is ABORTED', async () => {
    server = await startFakeOpenAI({ script: [{ hang: true }] });
    const provider = openAiProvider({ baseURL: server.baseURL, apiKey: 'k', model: 'm' });
    const controller = new AbortController();
    const call = provider.complete(ask, controller.signal);
    while (server.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    controller.abort();
    expect(await failure(call)).toMatchObject({ code: 'ABORTED' });
    await server.waitForAborts(1);
    expect(server.requests[0]!.wasAborted).toBe(true);
  });

  it('sends the zod schema as a json_schema response format', async () => {
    server = await startFakeOpenAI({ script: [{ reply: '{"city":"Oslo"}' }] });
    const provider = openAiProvider({ baseURL: server.baseURL, apiKey: 'k', model: 'm' });
    await provider.complete(
      { ...ask, schema: z.object({ city: z.string() }), schemaName: 'place' },
      new AbortController().signal,
    );
    expect(server.requests[0]!.body?.response_format).toMatchObject({
      type: 'json_schema',
      json_schema: {
        name: 'place',
        schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
      },
    });
  });

  it('streams deltas and usage over server-sent events', async () => {
    server = await startFakeOpenAI({
      script: [{ reply: 'one two three', usage: { promptTokens: 4, completionTokens: 3 } }],
    });
    const provider = openAiProvider({ baseURL: server.baseURL, apiKey: 'k', model: 'm' });
    const texts: string[] = [];
    let usage: unknown;
    for await (const chunk of provider.stream!(ask, new AbortController().signal)) {
      if (chunk.text !== undefined) texts.push(chunk.text);
      if (chunk.usage !== undefined) usage = chunk.usage;
    }
    expect(texts).toEqual(['one ', 'two ', 'three']);
    expect(usage).toEqual({ promptTokens: 4, completionTokens: 3 });
    expect(server.requests[0]!.body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
  });

  it('rejects invalid options naming the field', () => {
    expect(() => openAiProvider({ model: '' })).toThrow(/model/);
    expect(() => openAiProvider({ model: 'm', baseURL: 'not a url' })).toThrow(/baseURL/);
  });
});
