import type { Ref } from 'preact';

interface Props {
  id: string;
  label: string;
  type?: 'text' | 'password';
  value: string;
  onInput: (value: string) => void;
  autoComplete: string;
  hint?: string | undefined;
  /** Messages shown under the field; the field is then marked invalid. */
  errors?: readonly string[] | undefined;
  required?: boolean;
  inputRef?: Ref<HTMLInputElement>;
  /** For one-time codes: "numeric" brings up a number pad on touch screens. */
  inputMode?: 'numeric' | 'text';
  maxLength?: number;
}

export function Field({
  id,
  label,
  type = 'text',
  value,
  onInput,
  autoComplete,
  hint,
  errors = [],
  required = true,
  inputRef,
  inputMode,
  maxLength,
}: Props) {
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = errors.length ? `${id}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(' ') || undefined;
  const common = {
    id,
    name: id,
    value,
    ref: inputRef,
    onInput: (e: Event) => onInput((e.currentTarget as HTMLInputElement).value),
    autoComplete,
    inputMode,
    maxLength,
    autoCapitalize: 'off' as const,
    autoCorrect: 'off' as const,
    spellcheck: false,
    required,
    'aria-invalid': errors.length > 0 ? true : undefined,
    'aria-describedby': describedBy,
  };
  return (
    <div class={errors.length ? 'field field-invalid' : 'field'}>
      <label for={id}>{label}</label>
      {hint && (
        <p class="field-hint" id={hintId}>
          {hint}
        </p>
      )}
      {errors.length > 0 && (
        <p class="field-error" id={errorId}>
          {errors.join(' ')}
        </p>
      )}
      {type === 'password' ? <input type="password" {...common} /> : <input type="text" {...common} />}
    </div>
  );
}
