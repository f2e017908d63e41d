/**
 * Builds the keys of one store: `{prefix}:{kind}:{{id}}[:{suffix}]`. The id sits inside a hash tag,
 * so every key of one id (and every script touching them) lands in one Redis Cluster slot. An id
 * containing `}` still works: all keys of that id share the same prefix up to the first `}`, hence
 * the same tag. (An empty id gives the empty tag `{}`, which Redis ignores: on a Cluster, keep ids
 * non-empty.)
 */
export class KeySpace {
  constructor(
    private readonly prefix: string,
    private readonly kind: string,
  ) {}

  /** The key of `id`, optionally with a suffix sharing its slot. */
  key(id: string, suffix?: string): string {
    const base = `${this.prefix}:${this.kind}:{${id}}`;
    return suffix === undefined ? base : `${base}:${suffix}`;
  }
}
