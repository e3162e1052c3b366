// SDK clients built by the server (from config) use the default credential chain: give them dummy
// credentials for the emulators, and quiet the SDK's Node 20 notice.
process.env.AWS_ACCESS_KEY_ID ??= 'local';
process.env.AWS_SECRET_ACCESS_KEY ??= 'local';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

export {};
