/**
 * gRPC's message framing over HTTP/2 (doc/PROTOCOL-HTTP2.md, "Length-Prefixed-Message"): each
 * message is one byte Compressed-Flag, a 4-byte big-endian length, then the message bytes.
 */
const PREFIX = 5;

/** One uncompressed message framed as a gRPC client sends it. */
export function grpcFrame(message: Uint8Array): Uint8Array {
  const framed = new Uint8Array(PREFIX + message.length);
  new DataView(framed.buffer).setUint32(1, message.length);
  framed.set(message, PREFIX);
  return framed;
}

/**
 * The messages in a gRPC body (request or answer DATA, concatenated). Throws on a truncated frame
 * or a compressed one (the Compressed-Flag set): reading those needs the grpc-encoding's codec.
 */
export function grpcMessages(body: Uint8Array): Uint8Array[] {
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const messages: Uint8Array[] = [];
  let offset = 0;
  while (offset < body.length) {
    if (offset + PREFIX > body.length) throw new Error(`gRPC body: a frame prefix is cut at byte ${offset} of ${body.length}`);
    const flag = view.getUint8(offset);
    const length = view.getUint32(offset + 1);
    if (flag !== 0) throw new Error(`gRPC body: the message at byte ${offset} is compressed (flag ${flag})`);
    const end = offset + PREFIX + length;
    if (end > body.length) throw new Error(`gRPC body: a ${length}-byte message at byte ${offset} runs past the body's ${body.length} bytes`);
    messages.push(body.subarray(offset + PREFIX, end));
    offset = end;
  }
  return messages;
}
