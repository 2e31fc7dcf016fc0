export { type LeaderTask, LeaderTasks } from './leader-tasks.js';
export { type Leadership, SoleLeader } from './leadership.js';
export { LeaseElector, type LeaseElectorOptions } from './lease-elector.js';
export { openLeadership } from './open-leadership.js';
