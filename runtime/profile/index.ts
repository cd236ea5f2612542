/** runtime/profile — measuring a live agent (profiler.ts, round-trip.ts) into the profile-table CSV (catalog row format): reader, writer, injection into a scenario. */
export {
  PROFILE_COLUMNS,
  profileCsv,
  writeProfileCsv,
  parseProfileCsv,
  readProfileCsv,
  withProfiles,
  type ProfileReadResult,
} from './profile-csv.js';
export {
  profileAgent,
  profileDevice,
  DEFAULT_PLAN,
  type ProfilePlan,
  type ProfileProgress,
  type ProfileRun,
} from './profiler.js';
export {
  fitOverhead,
  overheadSamples,
  idleOverheadSamples,
  backToBack,
  ROUND_TRIP_TAIL_SAMPLES,
  ROUND_TRIP_IDLE_SAMPLES,
  ROUND_TRIP_IDLE_GAPS_MS,
  overheadCsv,
  writeOverheadCsv,
  OVERHEAD_COLUMNS,
  type OverheadRow,
  type OverheadFit,
} from './round-trip.js';
