import { openSync, readSync } from 'node:fs';
import type { DocRecord } from './dataset-manifest.js';
import { DatasetError } from './dataset-error.js';

/**
 * Doc texts left in docs.jsonl and read back when asked for. A million chunks' text is about half a
 * gigabyte of strings, which would sit in the harness beside the vectors for the whole run though
 * only the insert reads it (and Dify's hybrid, for the texts of hits). Each doc remembers where its
 * line is; reading it is one positioned read from the page cache, a few microseconds.
 */
export class DocTextFile {
  /** Opened on the first read and kept for the process: only datasets this large get one. */
  #fd: number | undefined;

  constructor(readonly file: string) {}

  /** The text of the doc whose line is `bytes` long at `offset`; its id proves the file is unchanged. */
  textAt(offset: number, bytes: number, id: string): string {
    this.#fd ??= openSync(this.file, 'r');
    const buffer = Buffer.allocUnsafe(bytes);
    const read = readSync(this.#fd, buffer, 0, bytes, offset);
    let record: { id?: unknown; text?: unknown } | undefined;
    try {
      record = read === bytes ? (JSON.parse(buffer.toString('utf8')) as typeof record) : undefined;
    } catch {
      record = undefined;
    }
    if (record?.id !== id || typeof record.text !== 'string') {
      throw new DatasetError(this.file, `byte ${offset}`, `changed since it was read (doc "${id}" is no longer there)`);
    }
    return record.text;
  }
}

/** A validated doc whose text stays in the file until read (see DocTextFile). */
export class FileTextDoc implements DocRecord {
  constructor(
    readonly id: string,
    readonly document_id: string,
    readonly metadata: Record<string, unknown> | undefined,
    private readonly source: DocTextFile,
    private readonly offset: number,
    private readonly bytes: number,
  ) {}

  get text(): string {
    return this.source.textAt(this.offset, this.bytes, this.id);
  }
}
