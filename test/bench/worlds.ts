// The bench's worlds: the demo world plus one person each with 3, 60 and 1,000 biosamples, each with
// an earlier grant to the demo app that pre-selects their first sample, so the consent page opens as
// a returning person sees it (a sample already ticked, Authorize ready).
import { demoFixturesFor, type FixturesInput } from '../../server/sandbox/fixtures'

/** The sample counts the bench measures consent at. */
export const SAMPLE_COUNTS = [3, 60, 1000] as const
export type SampleCount = (typeof SAMPLE_COUNTS)[number]

const TYPES = ['Lowpass', 'Full', '16S', 'Metagenome'] as const
const PROJECTS = ['Healthy Gut', 'Family Ancestry', '华南肠道队列', 'Longevity Cohort 2024', 'Infant Microbiome'] as const

/** The sandbox user with `count` samples. */
export function userIdWith(count: SampleCount): string {
  return `u-bench-${count}`
}

/** `count` deterministic biosamples, one day apart from 2019-01-01, in the fixtures format. */
export function biosamples(count: number) {
  return Array.from({ length: count }, (_, index) => ({
    biosample_id: `E-${String(190_000_000_000 + index * 7_919).padStart(12, '0')}`,
    type: TYPES[index % TYPES.length] ?? 'Lowpass',
    status: index % 5,
    sample_time: new Date(Date.UTC(2019, 0, 1) + index * 86_400_000).toISOString(),
    project_name: PROJECTS[index % PROJECTS.length] ?? '',
  }))
}

/** A person with `count` samples and an earlier grant to the demo app that shares the first of them. */
function benchPerson(count: SampleCount) {
  const samples = biosamples(count)
  const first = samples[0]
  if (!first) throw new Error('a bench person has at least one sample')
  return {
    user: {
      id: userIdWith(count),
      name: `Bench ${count}`,
      // Sandbox tokens are opaque strings; one per person, unique in the fixtures.
      auth_token: `sbxBench${String(count).padStart(4, '0')}Samples000000000000`,
      biosamples: samples,
    },
    grant: {
      user_id: userIdWith(count),
      client_id: 'demo-app',
      grant_time: '2024-05-12 09:30:00',
      biosample_ids: [{ biosample_id: first.biosample_id, type: first.type }],
    },
  }
}

/** The demo world (its app returning to `origin`) with the bench's people in it. */
export function benchFixtures(origin: string): FixturesInput {
  const demo = demoFixturesFor(origin)
  const people = SAMPLE_COUNTS.map(benchPerson)
  return {
    ...demo,
    users: [...demo.users, ...people.map((person) => person.user)],
    grants: [...demo.grants, ...people.map((person) => person.grant)],
  }
}
