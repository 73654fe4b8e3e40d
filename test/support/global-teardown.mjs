export default async function globalTeardown() {
  await globalThis.__ROUKEY_DDB__?.stop();
}
