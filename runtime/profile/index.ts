/** runtime/profile — the profile-table CSV (ProfileRow columns): reader, writer, injection into a scenario. */
export { PROFILE_COLUMNS, profileCsv, writeProfileCsv, parseProfileCsv, readProfileCsv, withProfiles, type ProfileReadResult } from './profile-csv.js';
export { profileAgent, DEFAULT_PLAN, type ProfilePlan, type ProfileProgress } from './profiler.js';
