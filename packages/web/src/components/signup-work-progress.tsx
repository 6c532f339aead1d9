/** Where the sign-up's proof of work stands: counters tried of at most `max`. */
export interface SignupWork {
  tried: number;
  max: number;
}

/**
 * The progress bar shown while the device solves the sign-up challenge (the work that makes mass
 * sign-ups costly for abusers). The server hid the answer somewhere below `max`, so the bar is
 * "tried of at most": on average it finishes about halfway.
 */
export function SignupWorkProgress({ work }: { work: SignupWork }) {
  const pct = work.max > 0 ? Math.min(100, Math.round((work.tried / work.max) * 100)) : 0;
  return (
    <div className="signup-work" data-testid="signup-work">
      <p className="hint" id="signup-work-label">
        Your device is doing a short puzzle that keeps spam accounts out. It usually finishes about halfway.
      </p>
      <div
        className="signup-work-track"
        role="progressbar"
        aria-labelledby="signup-work-label"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={pct}
        data-testid="signup-work-bar"
      >
        <div className="signup-work-fill" style={{ width: `${pct}%` }} />
      </div>
    </div>
  );
}
