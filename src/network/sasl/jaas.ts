/** Reads `key="value"` (or `key='value'`) options of a JAAS line: OAuthBearerLoginModule's clientId, clientSecret, scope, extension_*; IAMLoginModule's awsProfileName. */
export function jaasOptions(jaas: string | undefined): Map<string, string> {
  const options = new Map<string, string>()
  if (jaas === undefined) return options
  for (const m of jaas.matchAll(/([A-Za-z_][\w.]*)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) options.set(m[1]!, m[2] ?? m[3]!)
  return options
}
