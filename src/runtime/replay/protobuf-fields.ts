/**
 * A minimal reader of the protobuf wire format (protobuf.dev/programming-guides/encoding): enough
 * to walk a known message by field numbers without its generated code. Values stay raw: varints
 * as bigint, fixed32/fixed64 as their bytes, length-delimited fields (strings, bytes, embedded
 * messages, packed repeats) as a view of their bytes.
 */
export type ProtobufField =
  | { readonly field: number; readonly wireType: 0; readonly varint: bigint }
  | { readonly field: number; readonly wireType: 1 | 2 | 5; readonly bytes: Uint8Array };

function readVarint(bytes: Uint8Array, start: number): { value: bigint; next: number } {
  let value = 0n;
  let shift = 0n;
  for (let i = start; i < bytes.length && i < start + 10; i++) {
    const byte = bytes[i] as number;
    value |= BigInt(byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) return { value, next: i + 1 };
    shift += 7n;
  }
  throw new Error(`protobuf: a varint at byte ${start} is cut or longer than 10 bytes`);
}

/** Every field of one message, in wire order. Throws on a truncated message or a group (wire types 3, 4). */
export function protobufFields(bytes: Uint8Array): ProtobufField[] {
  const fields: ProtobufField[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    const tag = readVarint(bytes, offset);
    const field = Number(tag.value >> 3n);
    const wireType = Number(tag.value & 7n);
    offset = tag.next;
    if (wireType === 0) {
      const v = readVarint(bytes, offset);
      fields.push({ field, wireType, varint: v.value });
      offset = v.next;
      continue;
    }
    let length: number;
    if (wireType === 1) length = 8;
    else if (wireType === 5) length = 4;
    else if (wireType === 2) {
      const v = readVarint(bytes, offset);
      length = Number(v.value);
      offset = v.next;
    } else throw new Error(`protobuf: field ${field} has wire type ${wireType} (groups are not read)`);
    if (offset + length > bytes.length) throw new Error(`protobuf: field ${field} (${length} bytes) runs past the message's ${bytes.length} bytes`);
    fields.push({ field, wireType, bytes: bytes.subarray(offset, offset + length) });
    offset += length;
  }
  return fields;
}

/** The length-delimited values of `field` (embedded messages, strings), in order. */
export function protobufBytes(message: Uint8Array, field: number): Uint8Array[] {
  return protobufFields(message).flatMap((f) => (f.field === field && f.wireType === 2 ? [f.bytes] : []));
}

/** The last value of a string `field` (protobuf's rule for a repeated scalar read as singular), or undefined. */
export function protobufString(message: Uint8Array, field: number): string | undefined {
  const values = protobufBytes(message, field);
  const last = values[values.length - 1];
  return last === undefined ? undefined : new TextDecoder().decode(last);
}
