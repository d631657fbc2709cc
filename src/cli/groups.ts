/**
 * What `samsa consumer-groups` and `samsa share-groups` share: choosing the
 * one action, the group list (`--group` / `--all-groups`), `--list [--state]`,
 * the "does not exist" report of `--describe`, and the reset plan table.
 *
 * Contract: a group kind names its groups in messages ("Consumer group",
 * "Share group") and knows how to list and describe them; everything printed
 * follows Kafka's tools (tables on stdout, notices on stderr).
 */
import type { Admin } from '../admin/admin.js'
import { KafkaError } from '../errors.js'
import type { TopicPartitionOffset } from '../types.js'
import { UsageError, type ParsedArgs } from './args.js'
import { clientConfig, connectedAdmin, note, out, table } from './tool.js'

export interface GroupKind<D> {
  /** How messages name one group: "Consumer group", "Share group". */
  label: string
  list(admin: Admin): Promise<{ groupId: string; state: string }[]>
  describe(admin: Admin, groupId: string): Promise<D | undefined>
}

/**
 * The one action among `actions` given on the command line, checked (with
 * `--group` or `--all-groups` for all but --list), run with a connected Admin
 * that is closed afterwards.
 */
export async function runGroupAction<A extends string>(
  args: ParsedArgs,
  actions: readonly A[],
  check: (action: A) => void,
  run: (action: A, admin: Admin) => Promise<number>,
): Promise<number> {
  const given = actions.filter((a) => args.has(a))
  if (given.length !== 1) {
    const names = actions.map((a) => `--${a}`)
    throw new UsageError(`give exactly one action: ${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`)
  }
  const action = given[0]!
  if (action !== 'list' && !args.has('group') && !args.has('all-groups')) throw new UsageError(`--${action} needs --group or --all-groups`)
  check(action)
  const admin = await connectedAdmin(clientConfig(args))
  try {
    return await run(action, admin)
  } finally {
    await admin.close()
  }
}

/** The groups named by `--group` (each once), or every group with `--all-groups`. */
export async function groupIds(admin: Admin, args: ParsedArgs, kind: GroupKind<unknown>): Promise<string[]> {
  if (args.has('all-groups')) return (await kind.list(admin)).map((g) => g.groupId)
  return [...new Set(args.values('group'))]
}

/** `--list`: the group ids, or with `--state [states]` a GROUP STATE table (only those states if given). */
export async function listGroups(admin: Admin, args: ParsedArgs, kind: GroupKind<unknown>): Promise<number> {
  const groups = await kind.list(admin)
  if (!args.has('state')) {
    await out(groups.map((g) => `${g.groupId}\n`).join(''))
    return 0
  }
  const wanted = args.value('state')?.split(',').map((s) => s.trim().toLowerCase()).filter((s) => s !== '')
  const rows = groups.filter((g) => !wanted || wanted.includes(g.state.toLowerCase()))
  await out(table([['GROUP', 'STATE'], ...rows.map((g) => [g.groupId, g.state])], [15]) + '\n')
  return 0
}

/** A description, or undefined when the group does not exist (GROUP_ID_NOT_FOUND). */
export async function describeIfExists<D>(describe: () => Promise<D[]>): Promise<D | undefined> {
  try {
    return (await describe())[0]
  } catch (e) {
    if (e instanceof KafkaError && e.type === 'GROUP_ID_NOT_FOUND') return undefined
    throw e
  }
}

/**
 * `--describe`: runs `show` for each existing group; a missing one is
 * reported on stderr and makes the exit code 1.
 */
export async function describeGroups<D>(admin: Admin, args: ParsedArgs, kind: GroupKind<D>, show: (groupId: string, d: D) => Promise<void>): Promise<number> {
  let missing = 0
  for (const groupId of await groupIds(admin, args, kind as GroupKind<unknown>)) {
    const d = await kind.describe(admin, groupId)
    if (d === undefined) {
      note(`Error: ${kind.label} '${groupId}' does not exist.`)
      missing++
      continue
    }
    await show(groupId, d)
  }
  return missing > 0 ? 1 : 0
}

/** Without --execute or --dry-run, --reset-offsets only prints its plan, and says so. */
export function warnDryRun(args: ParsedArgs): void {
  if (!args.has('execute') && !args.has('dry-run')) {
    note('WARN: No action will be performed as the --execute option is missing. Add --execute to reset the offsets, or --dry-run to keep this behaviour without the warning.')
  }
}

/** The GROUP TOPIC PARTITION NEW-OFFSET table of --reset-offsets. */
export function printPlan(groupId: string, plan: TopicPartitionOffset[]): Promise<void> {
  return out('\n' + table([['GROUP', 'TOPIC', 'PARTITION', 'NEW-OFFSET'], ...plan.map((o) => [groupId, o.topic, String(o.partition), String(o.offset)])], [15, 15, 10]) + '\n')
}
