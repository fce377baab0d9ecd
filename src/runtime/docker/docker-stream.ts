/**
 * Splits the Engine API's multiplexed stream (logs and exec output of a container without a
 * TTY): frames of an 8-byte header [stream, 0, 0, 0, size (big-endian u32)] then `size` bytes.
 * Stream 1 is stdout, 2 stderr. Chunks may cut a frame anywhere; the rest is kept for the next.
 */
export class StreamDemuxer {
  private pending: Buffer = Buffer.alloc(0);

  constructor(private readonly onFrame: (stream: 'stdout' | 'stderr', payload: Buffer) => void) {}

  push(chunk: Buffer): void {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    while (this.pending.length >= 8) {
      const size = this.pending.readUInt32BE(4);
      if (this.pending.length < 8 + size) break;
      const stream = this.pending[0] === 2 ? 'stderr' : 'stdout';
      this.onFrame(stream, this.pending.subarray(8, 8 + size));
      this.pending = this.pending.subarray(8 + size);
    }
  }
}
