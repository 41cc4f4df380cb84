// Small fixture files for the browser journeys; each test builds the world it needs.
import { ALICE, BOB } from './fixture-users'

/** Everything an app might put in `state` that a careless encoder would break. */
export const TRICKY_STATE = 'a b+c&d=e#f?g 中文 🧬%20'


export function sample(id: string, type = 'Lowpass', status = 1, project = 'Healthy Gut') {
  return { biosample_id: id, type, status, sample_time: '2024-03-19T07:00:41Z', project_name: project }
}

/**
 * `count` samples E-M0001, E-M0002, …, of three types: a list the consent page starts collapsed
 * when longer than COLLAPSE_ABOVE (src/components/consent/biosample-picker.tsx).
 */
export function manySamples(count: number) {
  const types = ['Lowpass', 'Full', '16S']
  return Array.from({ length: count }, (_, i) => sample(`E-M${String(i + 1).padStart(4, '0')}`, types[i % types.length], (i % 4) + 1))
}

export function webApp(origin: string, overrides: Record<string, unknown> = {}) {
  return {
    client_id: 'web-app',
    name: 'Gene Insight',
    logo: '',
    description: 'Reads your variants to explain your ancestry.',
    redirect_uris: [`${origin}/sandbox/callback`, `${origin}/sandbox/callback?source=portal`],
    scopes: ['profile.default', 'sample.default:read', 'variant.rsid'],
    wxmp_app_id: '',
    blocked: false,
    ...overrides,
  }
}

export function basicWorld(origin: string) {
  return {
    users: [
      { ...ALICE, biosamples: [sample('E-A0001', 'Lowpass'), sample('E-A0002', 'Full', 2), sample('E-A0003', '16S', 3, 'Gut 2024')] },
      { ...BOB, biosamples: [sample('E-B0001', 'Lowpass')] },
    ],
    applications: [webApp(origin)],
    grants: [],
  }
}
