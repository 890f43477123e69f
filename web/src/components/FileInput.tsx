// A file chooser whose button and "no file chosen" are in the page's language (the browser's
// own control words them in the browser's language). The real <input type="file"> stays in the
// page, visually hidden but focusable: keyboard, screen readers and labels work as before.
import { useState } from 'preact/hooks';
import { useI18n } from '../i18n/context';

interface Props {
  id: string;
  accept?: string | undefined;
  disabled?: boolean | undefined;
  onFile: (file: File | undefined) => void;
  [attr: string]: unknown;
}

export function FileInput({ id, accept, disabled, onFile, ...rest }: Props) {
  const { t } = useI18n();
  const [name, setName] = useState('');
  const nameId = `${id}-chosen`;
  const described = [rest['aria-describedby'] as string | undefined, nameId].filter(Boolean).join(' ');
  return (
    <span class="file-picker">
      <input
        {...rest}
        id={id}
        type="file"
        class="file-native"
        accept={accept}
        disabled={disabled}
        aria-describedby={described}
        onChange={(e) => {
          const file = (e.currentTarget as HTMLInputElement).files?.[0];
          setName(file?.name ?? '');
          onFile(file);
        }}
      />
      <label for={id} class={disabled ? 'button button-plain file-button disabled' : 'button button-plain file-button'}>
        {t('form.file_choose')}
      </label>{' '}
      <span class="file-name muted" id={nameId}>
        {name || t('form.file_none')}
      </span>
    </span>
  );
}
