// A letter avatar with a hue derived from the name: no pictures are ever exchanged.
export function Avatar({ name, size = 'md' }: { name: string; size?: 'md' | 'lg' }) {
  let h = 0;
  for (const ch of name) h = (h * 31 + (ch.codePointAt(0) ?? 0)) % 360;
  const letter = [...name.trim()][0]?.toUpperCase() ?? '?';
  return (
    <span className={`avatar avatar-${size} hue-${Math.floor(h / 45)}`} aria-hidden="true">
      {letter}
    </span>
  );
}
