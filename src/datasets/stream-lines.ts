import { createReadStream } from 'node:fs';
import type { Hash } from 'node:crypto';

export interface Line {
  /** 1-based, for error messages. */
  readonly lineNo: number;
  readonly text: string;
  /** Where the line starts in the file, in bytes, and its length without the line break. */
  readonly offset: number;
  readonly bytes: number;
}

/**
 * The lines of a UTF-8 file, read in bounded chunks so a corpus of gigabytes never becomes one
 * string (V8 caps a string near 512 MiB). Splits on the byte 0x0A, which never occurs inside a
 * multi-byte UTF-8 sequence. Every byte read also goes into `hash`, so hashing costs no second pass.
 * A trailing "\r" is dropped (files written on Windows); a final empty line is not yielded.
 */
export async function* streamLines(file: string, hash?: Hash): AsyncGenerator<Line> {
  let carry: Buffer = Buffer.alloc(0);
  let lineNo = 0;
  /** The file offset of `bytes[0]` (the carried tail of the previous chunk, then this chunk). */
  let base = 0;
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    hash?.update(chunk);
    const bytes = carry.length ? Buffer.concat([carry, chunk]) : chunk;
    let start = 0;
    for (let nl = bytes.indexOf(10, start); nl !== -1; nl = bytes.indexOf(10, start)) {
      lineNo++;
      yield line(lineNo, bytes, start, nl, base);
      start = nl + 1;
    }
    carry = Buffer.from(bytes.subarray(start));
    base += start;
  }
  if (carry.length) yield line(lineNo + 1, carry, 0, carry.length, base);
}

function line(lineNo: number, bytes: Buffer, start: number, end: number, base: number): Line {
  const stop = end > start && bytes[end - 1] === 13 ? end - 1 : end;
  return { lineNo, text: bytes.toString('utf8', start, stop), offset: base + start, bytes: stop - start };
}
