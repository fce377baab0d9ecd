import type { RecordedRequest, RecordedResponse } from './recorded-exchange.js';

/** One way to send a recorded request again and read its whole answer. */
export interface ReplayConnection {
  send(request: RecordedRequest): Promise<RecordedResponse>;
  close(): Promise<void>;
}
