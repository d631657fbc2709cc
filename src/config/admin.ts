/** Admin client options: the common ones (Java AdminClientConfig). */
import { z } from 'zod'
import { commonShape } from './common.js'

export const adminSchema = z.strictObject({ ...commonShape })
export type AdminConfig = z.output<typeof adminSchema>
/** What a user passes: every option optional but `bootstrap.servers`; numbers may be numeric strings. */
export type AdminConfigInput = z.input<typeof adminSchema>
