import { useId } from 'react';
import { ageBand, bandLabel, maxTolerance, reachableAges } from '../age-rules.js';

export interface ToleranceControlProps {
  age: number;
  value: number;
  onChange(v: number): void;
  disabled?: boolean;
}

/** Age tolerance slider; for minors it shows honestly that the cap is 2 years within their band. */
export function ToleranceControl({ age, value, onChange, disabled }: ToleranceControlProps) {
  const id = useId();
  const max = maxTolerance(age);
  const range = reachableAges(age, value);
  const minor = age < 18;
  return (
    <div className="tolerance">
      <div className="tolerance-head">
        <label htmlFor={id}>Age difference</label>
        <output htmlFor={id} className="tolerance-value" data-testid="tolerance-value">
          {value === 0 ? 'Same age only' : `± ${value} year${value === 1 ? '' : 's'}`}
        </output>
      </div>
      <input
        id={id}
        type="range"
        min={0}
        max={max}
        step={1}
        value={value}
        disabled={disabled}
        onChange={(e) => onChange(Number(e.target.value))}
        aria-valuetext={`plus or minus ${value} years`}
        aria-describedby={`${id}-hint`}
        list={`${id}-ticks`}
        data-testid="tolerance-slider"
      />
      <datalist id={`${id}-ticks`}>
        {Array.from({ length: max + 1 }, (_, i) => (
          <option key={i} value={i} />
        ))}
      </datalist>
      <div className="tolerance-scale" aria-hidden="true">
        {Array.from({ length: max + 1 }, (_, i) => (
          <span key={i}>{i}</span>
        ))}
      </div>
      <p id={`${id}-hint`} className="hint">
        You are {age}. You can meet people aged{' '}
        <strong>{range.min === range.max ? range.min : `${range.min}–${range.max}`}</strong>, if their own
        setting allows your age too.
      </p>
      {minor ? (
        <p className="info" data-testid="minor-note">
          Because you are under 18, the difference is capped at 2 years and you only meet people aged{' '}
          {bandLabel(ageBand(age))}. Adults can never find or message you.
        </p>
      ) : null}
    </div>
  );
}
