import { type Readable } from 'node:stream';

/** What reading a capped body gives: the bytes, or `undefined` when the cap was exceeded. */
export type CappedBody = Uint8Array | undefined;

/**
 * Reads a node:http request body, stopping as soon as more than `maxBytes` arrived: the rest is
 * never buffered, and the socket stays usable so a 413 can still be answered.
 *
 * @example
 * ```ts
 * const body = await readCapped(request, 1_048_576);
 * ```
 */
export function readCapped(request: Readable, maxBytes: number): Promise<CappedBody> {
  return new Promise((resolve) => {
    const parts: Buffer[] = [];
    let total = 0;
    const finish = (body: CappedBody): void => {
      request.off('data', onData);
      request.off('end', onEnd);
      request.off('error', onError);
      request.off('aborted', onError);
      resolve(body);
    };
    const onData = (chunk: Buffer | string): void => {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      total += bytes.byteLength;
      if (total > maxBytes) {
        request.pause();
        finish(undefined);
        return;
      }
      parts.push(bytes);
    };
    const onEnd = (): void => finish(parts.length === 1 ? parts[0] : Buffer.concat(parts, total));
    const onError = (): void => finish(undefined);
    request.on('data', onData);
    request.on('end', onEnd);
    request.on('error', onError);
    request.on('aborted', onError);
  });
}

/**
 * Reads a web `ReadableStream` the same way as {@link readCapped}, cancelling it past the cap.
 *
 * @example
 * ```ts
 * const body = await readCappedStream(request.body, 1_048_576);
 * ```
 */
export async function readCappedStream(
  stream: ReadableStream<Uint8Array> | null,
  maxBytes: number,
): Promise<CappedBody> {
  if (stream === null) return new Uint8Array(0);
  const reader = stream.getReader();
  const parts: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      return undefined;
    }
    parts.push(value);
  }
  return parts.length === 1 ? parts[0] : Buffer.concat(parts, total);
}
