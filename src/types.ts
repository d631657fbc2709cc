/** Shapes shared by the public API (see API.md). */

export interface TopicPartition {
  topic: string
  partition: number
}

export interface TopicPartitionOffset extends TopicPartition {
  offset: bigint
  metadata?: string
  leaderEpoch?: number
}

export interface Header {
  key: string
  value: Buffer | null
}

/** What an OAUTHBEARER token provider returns (Java's OAuthBearerToken). */
export interface OAuthBearerToken {
  /** The token sent to the broker (a JWT for most identity providers). Never logged. */
  value: string
  /**
   * When the token expires, in ms since the epoch (Java's
   * `OAuthBearerToken.lifetimeMs()`). Optional: read from a JWT's `exp`
   * claim when absent; a token with no known expiry is asked for again at
   * each authentication.
   */
  lifetimeMs?: number
  /** The principal the token names (informational; the broker derives its own). */
  principalName?: string
  /** SASL extensions sent with the token (KIP-342), e.g. Confluent Cloud's logicalCluster and identityPoolId. */
  extensions?: Record<string, string>
}

/** `sasl.oauthbearer.token.provider`: called when the client needs a (new) token. */
export type OAuthBearerTokenProvider = () => OAuthBearerToken | Promise<OAuthBearerToken>

/** AWS credentials for AWS_MSK_IAM. */
export interface AwsCredentials {
  accessKeyId: string
  secretAccessKey: string
  sessionToken?: string | undefined
  /** When temporary credentials expire (the AWS SDK's providers set it); an MSK OAUTHBEARER token never outlives them. */
  expiration?: Date | undefined
}

/** `sasl.aws.credentials.provider`: called at each AWS_MSK_IAM authentication and for each MSK OAUTHBEARER token (e.g. `fromNodeProviderChain()` of @aws-sdk/credential-providers). */
export type AwsCredentialsProvider = () => AwsCredentials | Promise<AwsCredentials>
