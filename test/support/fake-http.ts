import { createServer, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The whole request body as UTF-8 text. */
export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** One request a fake HTTP peer received. */
export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface FakeAnswer {
  status: number;
  body: string;
  contentType?: string;
}

export interface FakeHttp {
  /** e.g. http://127.0.0.1:PORT */
  origin: string;
  requests: RecordedRequest[];
  /** What the next requests get; change it between steps of a test. */
  answer: (request: RecordedRequest) => FakeAnswer;
  close(): Promise<void>;
}

/** A real HTTP server on 127.0.0.1 standing in for a third-party API, recording every request. */
export async function startFakeHttp(answer: FakeHttp['answer']): Promise<FakeHttp> {
  const fake: FakeHttp = { origin: '', requests: [], answer, close: async () => undefined };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const recorded = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      fake.requests.push(recorded);
      const reply = fake.answer(recorded);
      res.writeHead(reply.status, { 'content-type': reply.contentType ?? 'application/json' }).end(reply.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return fake;
}
