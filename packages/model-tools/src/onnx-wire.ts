import protobuf from 'protobufjs';

/*
 * The protobuf wire format, as the ONNX rewrites (external-data.ts, quantize-embedding.ts)
 * read and write it: decoding into a schema and encoding again would drop any field that
 * schema does not know (a newer opset's, a training_info), so they work on the wire format
 * and copy every field they do not change byte for byte.
 */
export const VARINT = 0;
export const LENGTH_DELIMITED = 2;
export const FIXED32 = 5;

export interface Field {
  number: number;
  wireType: number;
  /** The whole field, tag included, as it was read. */
  raw: Buffer;
  /** The payload of a length-delimited field. */
  payload?: Buffer;
  /** The value of a varint field. */
  varint?: number;
}

export const tag = (number: number, wireType: number) => (number << 3) | wireType;

/** The fields of one message, in order. */
export function fields(message: Buffer): Field[] {
  const reader = protobuf.Reader.create(message);
  const out: Field[] = [];
  while (reader.pos < reader.len) {
    const start = reader.pos;
    const key = reader.uint32();
    const number = key >>> 3;
    const wireType = key & 7;
    let payload: Buffer | undefined;
    let varint: number | undefined;
    if (wireType === LENGTH_DELIMITED) {
      const bytes = reader.bytes();
      payload = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    } else if (wireType === VARINT) varint = Number(reader.int64());
    else reader.skipType(wireType);
    out.push({ number, wireType, raw: message.subarray(start, reader.pos), payload, varint });
  }
  return out;
}

/** A length-delimited field: its tag and length, then the payload (kept apart, so a large payload is not copied). */
export function lengthDelimited(number: number, payload: Uint8Array): Buffer[] {
  const head = protobuf.Writer.create().uint32(tag(number, LENGTH_DELIMITED)).uint32(payload.byteLength).finish();
  return [Buffer.from(head), Buffer.from(payload)];
}
