// The Schema Registry the schema-registry integration tests use: SCHEMA_REGISTRY_URL,
// set by the test harness (scripts/test.ts starts Apicurio Registry when it is unset).
export function registryUrl(): string {
  const url = process.env.SCHEMA_REGISTRY_URL
  if (url === undefined || url === '') throw new Error('SCHEMA_REGISTRY_URL is not set: run these tests through `npm test`, which starts a registry, or start one with `npm run registry -- start`')
  return url
}
