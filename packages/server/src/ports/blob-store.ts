export interface Blob {
  bytes: Buffer;
  contentType: string;
}

/** Binary objects (profile images): files under DATA_DIR here, S3 in the AWS shape. */
export interface BlobStore {
  put(key: string, blob: Blob): Promise<void>;
  get(key: string): Promise<Blob | null>;
  delete(key: string): Promise<void>;
}
