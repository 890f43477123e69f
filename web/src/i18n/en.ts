import type { Messages } from './index';

export const en: Messages = {
  'app.name': 'Palermo',
  'app.tagline': 'National information system for combating human trafficking',
  'app.loading': 'Loading…',
  'app.skip_to_content': 'Skip to main content',
  'app.start_failed': 'Could not reach the server.',
  'app.retry': 'Try again',

  'lang.label': 'Language',
  'lang.az': 'Azərbaycanca',
  'lang.en': 'English',
  'lang.ru': 'Русский',

  'nav.label': 'Main navigation',
  'nav.home': 'Home',
  'nav.sign_out': 'Sign out',
  'nav.signed_in_as': 'Signed in as {name}',

  'signin.title': 'Sign in',
  'signin.intro': 'Enter your login and password to continue.',
  'signin.login': 'Login',
  'signin.password': 'Password',
  'signin.submit': 'Sign in',
  'signin.submitting': 'Checking…',

  'password.title': 'Change your password',
  'password.intro': 'You signed in with a one-time password. Set a new password to continue.',
  'password.current': 'Current password',
  'password.new': 'New password',
  'password.new_hint': 'At least {min} characters. Choose a long phrase; do not include your login.',
  'password.repeat': 'Repeat the new password',
  'password.submit': 'Change password',
  'password.submitting': 'Saving…',
  'password.changed': 'Your password has been changed.',
  'password.fix_errors': 'The form has errors. Correct them and submit again.',

  'home.title': 'Home',
  'home.welcome': 'Welcome, {name}!',
  'home.roles': 'Your roles',
  'home.no_roles': 'No roles have been assigned to you yet.',
  'home.login': 'Login: {login}',

  'notfound.title': 'Page not found',
  'notfound.body': 'The page you are looking for does not exist or has moved.',

  'role.admin': 'Administrator',

  'error.network': 'Could not connect to the server. Check the network connection.',
  'error.unknown': 'An unexpected error occurred. Try again a little later.',
  'error.request_id': 'Request ID: {id}',
  'error.auth.invalid_credentials': 'The login or the password is wrong.',
  'error.auth.locked':
    'The account is locked for a while after repeated failed sign-ins. Try again in {minutes} min.',
  'error.auth.throttled':
    'Too many failed sign-ins from this address. Try again in {minutes} min.',
  'error.auth.csrf': 'The session security check failed. Reload the page.',
  'error.auth.password_change_required': 'Change your one-time password first.',
  'error.auth.required': 'Your session has ended. Sign in again.',
  'error.auth.forbidden': 'You are not allowed to do this.',
  'error.validation.failed': 'Some of the entered data is not valid.',

  'field.required': 'This field is required.',
  'field.too_short': 'Must be at least {min} characters.',
  'field.too_long': 'The password is too long.',
  'field.mismatch': 'This is not your current password.',
  'field.repeat_mismatch': 'The passwords do not match.',
  'field.contains_login': 'The password must not contain your login.',
  'field.repeated': 'The password must not be one character repeated.',
  'field.unchanged': 'The new password must differ from the current one.',
};
