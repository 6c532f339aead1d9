import { useEffect, useRef, useState } from 'react';
import { MAX_TEXT_LENGTH } from '../sdk.js';

export interface ComposerProps {
  disabled: boolean;
  onSend(text: string): void;
  onTyping(typing: boolean): void;
}

/** Enter sends, Shift+Enter makes a new line; typing state is sent at most every few seconds. */
export function Composer({ disabled, onSend, onTyping }: ComposerProps) {
  const [text, setText] = useState('');
  const typing = useRef(false);
  const stopTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const inputRef = useRef<HTMLTextAreaElement>(null);

  const stopTyping = () => {
    clearTimeout(stopTimer.current);
    if (typing.current) {
      typing.current = false;
      onTyping(false);
    }
  };

  const stopRef = useRef(stopTyping);
  stopRef.current = stopTyping;
  // Tell the partner we stopped when the chat view goes away mid-sentence.
  useEffect(() => () => stopRef.current(), []);

  const submit = () => {
    const t = text.trim();
    if (!t || disabled) return;
    onSend(t);
    setText('');
    stopTyping();
    inputRef.current?.focus();
  };

  return (
    <form
      className="composer"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <label htmlFor="composer-input" className="sr-only">
        Message
      </label>
      <textarea
        id="composer-input"
        ref={inputRef}
        rows={1}
        maxLength={MAX_TEXT_LENGTH}
        placeholder={disabled ? 'This chat has ended' : 'Write a message…'}
        disabled={disabled}
        value={text}
        autoComplete="off"
        data-testid="composer-input"
        onChange={(e) => {
          setText(e.target.value);
          if (!typing.current && e.target.value) {
            typing.current = true;
            onTyping(true);
          }
          clearTimeout(stopTimer.current);
          stopTimer.current = setTimeout(stopTyping, 3000);
        }}
        onBlur={stopTyping}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
            e.preventDefault();
            submit();
          }
        }}
      />
      <button
        type="submit"
        className="btn btn-primary send-btn"
        disabled={disabled || !text.trim()}
        aria-label="Send message"
        data-testid="send-button"
      >
        <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
          <path
            d="M4 12 20 4l-6 16-3-7-7-1z"
            fill="none"
            stroke="currentColor"
            strokeWidth="1.8"
            strokeLinejoin="round"
          />
        </svg>
      </button>
    </form>
  );
}
