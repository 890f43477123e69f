import type { Messages } from './index';

export const ru: Messages = {
  'app.name': 'Palermo',
  'app.tagline': 'Национальная информационная система по борьбе с торговлей людьми',
  'app.loading': 'Загрузка…',
  'app.skip_to_content': 'Перейти к основному содержанию',
  'app.start_failed': 'Не удалось связаться с сервером.',
  'app.retry': 'Повторить',

  'lang.label': 'Язык',
  'lang.az': 'Azərbaycanca',
  'lang.en': 'English',
  'lang.ru': 'Русский',

  'nav.label': 'Основная навигация',
  'nav.home': 'Главная',
  'nav.sign_out': 'Выйти',
  'nav.signed_in_as': 'Вы вошли как {name}',

  'signin.title': 'Вход в систему',
  'signin.intro': 'Чтобы продолжить, введите имя пользователя и пароль.',
  'signin.login': 'Имя пользователя',
  'signin.password': 'Пароль',
  'signin.submit': 'Войти',
  'signin.submitting': 'Проверка…',

  'password.title': 'Смена пароля',
  'password.intro': 'Вы вошли с одноразовым паролем. Чтобы продолжить работу, задайте новый пароль.',
  'password.current': 'Текущий пароль',
  'password.new': 'Новый пароль',
  'password.new_hint':
    'Не менее {min} символов. Выберите длинную фразу; не включайте в неё имя пользователя.',
  'password.repeat': 'Повторите новый пароль',
  'password.submit': 'Сменить пароль',
  'password.submitting': 'Сохранение…',
  'password.changed': 'Ваш пароль изменён.',
  'password.fix_errors': 'В форме есть ошибки. Исправьте их и отправьте снова.',

  'home.title': 'Главная',
  'home.welcome': 'Добро пожаловать, {name}!',
  'home.roles': 'Ваши роли',
  'home.no_roles': 'Вам пока не назначено ни одной роли.',
  'home.login': 'Имя пользователя: {login}',

  'notfound.title': 'Страница не найдена',
  'notfound.body': 'Запрошенная страница не существует или была перемещена.',

  'role.admin': 'Администратор',

  'error.network': 'Не удалось подключиться к серверу. Проверьте сетевое соединение.',
  'error.unknown': 'Произошла непредвиденная ошибка. Повторите попытку немного позже.',
  'error.request_id': 'Код запроса: {id}',
  'error.auth.invalid_credentials': 'Неверное имя пользователя или пароль.',
  'error.auth.locked':
    'После нескольких неудачных попыток учётная запись временно заблокирована. Повторите через {minutes} мин.',
  'error.auth.throttled':
    'Слишком много неудачных попыток входа с этого адреса. Повторите через {minutes} мин.',
  'error.auth.csrf': 'Проверка безопасности сеанса не пройдена. Обновите страницу.',
  'error.auth.password_change_required': 'Сначала смените одноразовый пароль.',
  'error.auth.required': 'Сеанс завершён. Войдите снова.',
  'error.auth.forbidden': 'У вас нет прав на это действие.',
  'error.validation.failed': 'Введённые данные содержат ошибки.',

  'field.required': 'Это поле обязательно.',
  'field.too_short': 'Не менее {min} символов.',
  'field.too_long': 'Пароль слишком длинный.',
  'field.mismatch': 'Текущий пароль указан неверно.',
  'field.repeat_mismatch': 'Пароли не совпадают.',
  'field.contains_login': 'Пароль не должен содержать имя пользователя.',
  'field.repeated': 'Пароль не должен состоять из одного повторяющегося символа.',
  'field.unchanged': 'Новый пароль должен отличаться от текущего.',
};
