/**
 * `parasim serial-emulator`: run the FPGA device emulator (runtime/backends/serial/emulator.ts)
 * on a serial port — typically one end of a socat PTY pair — until SIGINT/SIGTERM. Prints
 * `{"ready":true,...}` on stdout once the port is open, and its counters as JSON on stderr at exit.
 */
import type { CommandModule } from 'yargs';
import { SerialPort } from 'serialport';
import { DeviceEmulator } from '../../runtime/index.js';
import { CliError } from '../cli-error.js';

export interface SerialEmulatorArgs {
  device: string;
  baud: number;
  'latency-ms': number;
  'corrupt-every'?: number;
  'drop-every'?: number;
  name?: string;
}

const positiveInt = (name: string, v: number | undefined): void => {
  if (v !== undefined && (!Number.isInteger(v) || v < 1))
    throw new CliError(`--${name} must be a positive integer, got ${v}`, 2);
};

export const serialEmulatorCommand: CommandModule<object, SerialEmulatorArgs> = {
  command: 'serial-emulator',
  describe: 'Emulate an HC-05/FPGA device speaking docs/serial-protocol.md on a serial port (e.g. a socat PTY)',
  builder: (y) =>
    y
      .option('device', { type: 'string', demandOption: true, describe: 'port path, e.g. /dev/pts/3' })
      .option('baud', { type: 'number', default: 115200, describe: 'line rate to emulate (8N1)' })
      .option('latency-ms', { type: 'number', default: 5, describe: 'pipeline latency per inference' })
      .option('corrupt-every', { type: 'number', describe: 'flip one byte of every K-th frame sent' })
      .option('drop-every', { type: 'number', describe: 'discard every K-th frame received' })
      .option('name', { type: 'string', describe: 'device name reported in CAPS' }),
  handler: async (args) => {
    if (!(args.baud > 0)) throw new CliError(`--baud must be positive, got ${args.baud}`, 2);
    if (!(args['latency-ms'] >= 0)) throw new CliError(`--latency-ms must be >= 0, got ${args['latency-ms']}`, 2);
    positiveInt('corrupt-every', args['corrupt-every']);
    positiveInt('drop-every', args['drop-every']);
    const port = new SerialPort({ path: args.device, baudRate: args.baud, autoOpen: false });
    await new Promise<void>((resolve, reject) =>
      port.open((e) => (e ? reject(new CliError(`cannot open ${args.device}: ${e.message}`, 1)) : resolve())),
    );
    const emu = new DeviceEmulator(
      (b) => {
        port.write(Buffer.from(b));
      },
      {
        baud: args.baud,
        latencyMs: args['latency-ms'],
        ...(args['corrupt-every'] !== undefined ? { corruptEvery: args['corrupt-every'] } : {}),
        ...(args['drop-every'] !== undefined ? { dropEvery: args['drop-every'] } : {}),
        ...(args.name !== undefined ? { name: args.name } : {}),
      },
    );
    port.on('data', (b: Buffer) => emu.receive(b));
    process.stdout.write(
      `${JSON.stringify({ ready: true, device: args.device, baud: args.baud, pid: process.pid })}\n`,
    );
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
      port.once('close', resolve);
    });
    emu.close();
    process.stderr.write(`${JSON.stringify({ emulatorStats: emu.stats() })}\n`);
    if (port.isOpen) await new Promise<void>((r) => port.close(() => r()));
  },
};
