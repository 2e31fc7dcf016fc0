import t from 'tap';
import { LoginThrottle } from '../../../control-plane/src/auth/login-throttle.js';

t.test(
  'blocks an account after the limit, per account and (more loosely) per address, then forgets',
  async (t) => {
    let now = 0;
    const throttle = new LoginThrottle(3, 60_000, () => now);
    for (let i = 0; i < 3; i++) throttle.recordFailure('10.0.0.1', 'ann');
    t.equal(throttle.retryAfter('10.0.0.9', 'ann'), 60, 'the account is blocked from any address');
    t.equal(throttle.retryAfter('10.0.0.1', 'bob'), 0, 'the address is not yet blocked for other accounts');
    for (const user of ['b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'])
      throttle.recordFailure('10.0.0.1', user);
    t.ok(throttle.retryAfter('10.0.0.1', 'zoe') > 0, 'an address guessing many accounts is blocked');
    now = 61_000;
    t.equal(throttle.retryAfter('10.0.0.9', 'ann'), 0, 'failures expire with the window');
    throttle.recordFailure('10.0.0.2', 'kim');
    throttle.recordFailure('10.0.0.2', 'kim');
    throttle.recordSuccess('kim');
    throttle.recordFailure('10.0.0.2', 'kim');
    t.equal(throttle.retryAfter('10.0.0.3', 'kim'), 0, 'a success resets the account count');
  },
);
