/**
 * The reference the M/M/1 figure is compared with: SimPy on the same machine, in the same
 * bench run (Debian's python3-simpy, which is SimPy 2.x; its process-interaction M/M/1 is the
 * textbook one). Absent python3 or simpy, the figure is null and the bench says why.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Debian's python3 (where python3-simpy installs), not a pyenv shim that cannot see it. */
const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

const SCRIPT = `
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

export interface SimpyFigures {
  readonly simpyCustomersPerSec: number | null;
  readonly simpyVersion: string | null;
  readonly simpyNote: string;
}

export function simpyReference(customers = 100_000): SimpyFigures {
  const version = spawnSync(PYTHON, ['-c', 'import SimPy; print(SimPy.__version__)'], { encoding: 'utf8' });
  if (version.status !== 0) {
    return { simpyCustomersPerSec: null, simpyVersion: null, simpyNote: 'python3-simpy not installed (apt-get install python3-simpy)' };
  }
  const run = spawnSync(PYTHON, ['-c', SCRIPT, String(customers)], { encoding: 'utf8', timeout: 600_000 });
  if (run.status !== 0) {
    return { simpyCustomersPerSec: null, simpyVersion: version.stdout.trim(), simpyNote: `SimPy run failed: ${run.stderr.trim().slice(0, 200)}` };
  }
  const [rate] = run.stdout.trim().split(/\s+/).map(Number);
  return {
    simpyCustomersPerSec: Math.round(rate ?? 0),
    simpyVersion: version.stdout.trim(),
    simpyNote: `SimPy ${version.stdout.trim()} M/M/1 (λ=0.9, μ=1), ${customers} customers, same machine, same bench run`,
  };
}
