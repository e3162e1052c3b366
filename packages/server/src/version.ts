/** The server's version as `GET /api/v1/meta` reports it (kept equal to package.json by a test). */
export const SERVER_VERSION = '0.1.0';
