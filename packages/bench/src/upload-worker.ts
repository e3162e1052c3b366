import { parentPort, workerData } from 'node:worker_threads';
import { upload } from './scenarios/media-uploads.js';

/** What the main thread gives an upload worker. */
export interface UploadWorkerData {
  url: string;
  token: string;
  jpeg: Uint8Array;
  concurrent: number;
}

/** The worker's one answer, after the main thread's 'stop': its counts once every upload under way is answered. */
export interface UploadWorkerCounts {
  uploaded: number;
  refused: number;
  errors: number;
}

/**
 * The uploaders of a busy phase on a thread of their own (see uploadPhases): `concurrent` uploads non-stop until the
 * main thread says 'stop'. Sending 20 bodies of 4 MB is thousands of socket writes and their callbacks; on the thread
 * that also stamps the feed requests, each of them delayed a reader's answer being timed.
 */
const port = parentPort;
if (!port) throw new Error('upload-worker runs as a worker thread');
const data = workerData as UploadWorkerData;
const jpeg = Buffer.from(data.jpeg.buffer, data.jpeg.byteOffset, data.jpeg.byteLength);
const counts: UploadWorkerCounts = { uploaded: 0, refused: 0, errors: 0 };
let stop = false;

const uploaders = Array.from({ length: data.concurrent }, async () => {
  while (!stop) {
    try {
      const r = await upload(data.url, data.token, jpeg);
      if (r.ok) counts.uploaded += 1;
      else if (r.status === 503)
        counts.refused += 1; // the waiting bound: counted, not an error
      else counts.errors += 1;
    } catch {
      counts.errors += 1;
    }
  }
});

port.once('message', () => {
  stop = true;
  void Promise.all(uploaders).then(() => port.postMessage(counts));
});
