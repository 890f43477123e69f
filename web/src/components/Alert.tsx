import type { ComponentChildren } from 'preact';

interface Props {
  kind: 'error' | 'success' | 'info';
  children: ComponentChildren;
}

/** A message announced by screen readers when it appears. */
export function Alert({ kind, children }: Props) {
  return (
    <div class={`alert alert-${kind}`} role={kind === 'error' ? 'alert' : 'status'} data-alert={kind}>
      {children}
    </div>
  );
}
