/** A copy of `array` with twice its length (at least one entry): room for scratch lists that grow. */
export function doubled(array: Int32Array): Int32Array<ArrayBuffer> {
  const grown = new Int32Array(Math.max(1, array.length * 2));
  grown.set(array);
  return grown;
}
