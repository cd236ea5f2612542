/**
 * The reference the M/M/1 figure is compared with: SimPy on the same machine, in the same
 * bench run. SimPy 3 (Debian's python3-simpy3, 3.0.11: the generation the target's 3.0.8 belongs
 * to) is preferred; SimPy 2 (python3-simpy) is the fallback. Both scripts are the textbook
 * process-interaction M/M/1: a source process, a customer process per arrival, a capacity-1
 * resource. Absent python3 or simpy, the figure is null and the bench says why.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Debian's python3 (where the python3-simpy packages install), not a pyenv shim that cannot see them. */
const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

const SIMPY3 = `
import random, time, sys
import simpy
N = int(sys.argv[1]); lam = 0.9; mu = 1.0
env = simpy.Environment()
server = simpy.Resource(env, capacity=1)
acc = [0.0, 0]
def customer(env, server):
    t = env.now
    with server.request() as req:
        yield req
        acc[0] += env.now - t
        acc[1] += 1
        yield env.timeout(random.expovariate(mu))
def source(env, n, server):
    for i in range(n):
        env.process(customer(env, server))
        yield env.timeout(random.expovariate(lam))
random.seed(1)
env.process(source(env, N, server))
t0 = time.perf_counter()
env.run()
dt = time.perf_counter() - t0
print(N / dt, acc[0] / acc[1])
`;

const SIMPY2 = `
import random, time, sys
import SimPy.Simulation as S
N = int(sys.argv[1]); lam = 0.9; mu = 1.0
class Customer(S.Process):
    def run(self, server, mon):
        t = S.now()
        yield S.request, self, server
        mon.observe(S.now() - t)
        yield S.hold, self, random.expovariate(mu)
        yield S.release, self, server
class Source(S.Process):
    def run(self, n, server, mon):
        for i in range(n):
            c = Customer()
            S.activate(c, c.run(server, mon))
            yield S.hold, self, random.expovariate(lam)
random.seed(1)
S.initialize()
server = S.Resource(capacity=1)
mon = S.Monitor()
src = Source()
S.activate(src, src.run(N, server, mon))
t0 = time.perf_counter()
S.simulate(until=1e12)
dt = time.perf_counter() - t0
print(N / dt, mon.mean())
`;

/** The SimPy generations tried, newest first: module to import and the M/M/1 script for it. */
const GENERATIONS = [
  { module: 'simpy', script: SIMPY3, apt: 'python3-simpy3' },
  { module: 'SimPy', script: SIMPY2, apt: 'python3-simpy' },
] as const;

export interface SimpyFigures {
  readonly simpyCustomersPerSec: number | null;
  readonly simpyVersion: string | null;
  readonly simpyNote: string;
}

export function simpyReference(customers = 100_000): SimpyFigures {
  for (const g of GENERATIONS) {
    const version = spawnSync(PYTHON, ['-c', `import ${g.module}; print(${g.module}.__version__)`], {
      encoding: 'utf8',
    });
    if (version.status !== 0) continue;
    const v = version.stdout.trim();
    const run = spawnSync(PYTHON, ['-c', g.script, String(customers)], { encoding: 'utf8', timeout: 600_000 });
    if (run.status !== 0) {
      return {
        simpyCustomersPerSec: null,
        simpyVersion: v,
        simpyNote: `SimPy ${v} run failed: ${run.stderr.trim().slice(0, 200)}`,
      };
    }
    const [rate] = run.stdout.trim().split(/\s+/).map(Number);
    return {
      simpyCustomersPerSec: Math.round(rate ?? 0),
      simpyVersion: v,
      simpyNote: `SimPy ${v} M/M/1 (λ=0.9, μ=1), ${customers} customers, same machine, same bench run`,
    };
  }
  return {
    simpyCustomersPerSec: null,
    simpyVersion: null,
    simpyNote: `SimPy not installed (apt-get install ${GENERATIONS.map((g) => g.apt).join(' or ')})`,
  };
}
