const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * True for the text of a UUID (what the hub gives messages, deliveries and receipts). An id from a
 * request is checked before it reaches SQL, where a malformed one would be a cast error, not a miss.
 */
export function isUuid(text: string): boolean {
  return UUID.test(text);
}
