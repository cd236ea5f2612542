/**
 * A generated edge fleet for scale tests (issue #15): `sites` identical sites of 8 devices — one
 * L4, one Jetson AGX Orin, two Orin Nanos and four Raspberry Pi 5 behind a site switch — joined
 * by a metro switch, which is the fleet's one ingress (the regional gateway every request enters
 * by). Load grows with the fleet: per site 20 camera frames/s (segmentation) and 0.5 chat
 * requests/s (LLM), so the per-device load is the same at every size and the wall time per
 * request measures the simulator, not a changed operating point.
 * The mix is the measurement setup; device and link types are catalog keys.
 */
export interface FleetOptions {
  readonly sites: number;
  readonly horizonS?: number;
  readonly policy?: string;
  readonly seed?: number;
}

export const DEVICES_PER_SITE = 8;

/** The raw scenario object (what a YAML file would hold), validated by `validateScenarioObject`. */
export function fleetScenario(opt: FleetOptions): Record<string, unknown> {
  const { sites } = opt;
  if (!Number.isInteger(sites) || sites < 1)
    throw new Error(`fleet: --sites must be a positive integer (got ${sites})`);
  const switches = ['metro'];
  const devices: Record<string, unknown>[] = [];
  const links: Record<string, unknown>[] = [];
  for (let s = 0; s < sites; s++) {
    const sw = `site-${s}`;
    switches.push(sw);
    devices.push(
      { id: `s${s}-l4`, type: 'l4' },
      { id: `s${s}-agx`, type: 'jetson-agx-orin-64gb' },
      { id: `s${s}-nano`, type: 'jetson-orin-nano-8gb', count: 2 },
      { id: `s${s}-pi`, type: 'raspberry-pi-5-8gb', count: 4 },
    );
    links.push(
      { a: `s${s}-l4`, b: sw, type: '10gbe' },
      { a: `s${s}-agx`, b: sw, type: '1gbe' },
      { a: `s${s}-nano`, b: sw, type: '1gbe' },
      { a: `s${s}-pi`, b: sw, type: 'wifi6' },
      { id: `metro-${s}`, a: sw, b: 'metro', type: '10gbe', latency_ms: 1 },
    );
  }
  return {
    name: `fleet-${sites * DEVICES_PER_SITE}`,
    seed: opt.seed ?? 42,
    horizon_s: opt.horizonS ?? 300,
    timeline_bucket_s: 60,
    policy: { name: opt.policy ?? 'least-loaded' },
    switches,
    devices,
    links,
    services: [
      {
        name: 'chat',
        kind: 'llm',
        model: 'llama-3.1-8b-q4',
        ingress: 'metro',
        slo: { ttft_s: 2, tpot_s: 0.2 },
        arrivals: { process: 'poisson', rate_per_s: 0.5 * sites },
        prompt_tokens: { dist: 'lognormal', mean: 512, cv: 1, max: 4096 },
        output_tokens: { dist: 'lognormal', mean: 128, cv: 1, max: 1024 },
      },
      {
        name: 'cameras',
        kind: 'segmentation',
        model: 'yolo11n-seg',
        ingress: 'metro',
        slo: { deadline_s: 0.2 },
        arrivals: { process: 'periodic', streams: 4 * sites, fps: 5 }, // four 5 fps cameras per site
      },
    ],
    faults: [],
  };
}
