// The statuses of the seeds' right-hand panel, in their order, with the seeds' wording and descriptions.
// The codes are the API's; the CMS derives them, the console only names and colours them.
export const RECORDING_STATUSES = [
  { code: 'normal_protected', label: 'Normal, protected', tone: 'ok',
    description: 'This recording server is functional, and is able to be taken over by a standby server.' },
  { code: 'normal_unprotected', label: 'Normal, unprotected', tone: 'warn',
    description: 'This recording server is functional, but no standby server could take it over (none available, or not enough license channels or space).' },
  { code: 'abnormal_protected', label: 'Abnormal, protected', tone: 'alert',
    description: 'This recording server is not functioning properly, and is taken over by a standby server now.' },
  { code: 'abnormal_unprotected', label: 'Abnormal, unprotected', tone: 'bad',
    description: 'This recording server is not functioning properly, and no standby server could take it over.' },
  { code: 'disabled', label: 'Disabled', tone: 'off', description: 'This recording server is disabled in the failover group.' },
];

export const STANDBY_STATUSES = [
  { code: 'normal_ready', label: 'Normal, protection ready', tone: 'ok',
    description: 'This standby server is functional, and is ready to take over a recording server.' },
  { code: 'normal_protecting', label: 'Normal, protecting', tone: 'busy',
    description: 'This standby server is functional, and is currently taking over a recording server.' },
  { code: 'warning', label: 'Warning', tone: 'warn',
    description: 'This standby server is functional, but is unable to take over a recording server because it does not have an empty recording space.' },
  { code: 'abnormal', label: 'Abnormal', tone: 'bad', description: 'This standby server is not functioning properly, and is unable to take over a recording server.' },
  { code: 'abnormal_protection_failed', label: 'Abnormal, protection failed', tone: 'bad',
    description: 'This standby server is not functioning properly, and has failed to take over a recording server.' },
  { code: 'disabled', label: 'Disabled', tone: 'off', description: 'This standby server is disabled in the failover group.' },
];

export function statusesOf(role) {
  return role === 'standby' ? STANDBY_STATUSES : RECORDING_STATUSES;
}

export function toneOf(role, code) {
  return statusesOf(role).find((s) => s.code === code)?.tone ?? 'off';
}

export const PHASES = {
  detected: 'Failure detected',
  assigning: 'Choosing a standby',
  takingover: 'Standby taking over',
  active: 'Standby recording',
  failingback: 'Handing back',
  restoring: 'Restoring recordings',
  cleaning: 'Removing the standby\'s copy',
  completed: 'Completed',
  stopped: 'Stopped',
  failed: 'Failed',
  interrupted: 'Interrupted',
};
