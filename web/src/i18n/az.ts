// Azerbaijani (Latin script): the default language and the source of the key set.
// Every other language must have exactly these keys (checked by TypeScript in index.ts).
// Placeholders are written {name} and must be the same in every language.
export const az = {
  'app.name': 'Palermo',
  'app.tagline': 'İnsan alverinə qarşı mübarizə üzrə milli informasiya sistemi',
  'app.loading': 'Yüklənir…',
  'app.skip_to_content': 'Əsas məzmuna keç',
  'app.start_failed': 'Serverlə əlaqə qurmaq mümkün olmadı.',
  'app.retry': 'Yenidən cəhd et',

  'lang.label': 'Dil',
  'lang.az': 'Azərbaycanca',
  'lang.en': 'English',
  'lang.ru': 'Русский',

  'nav.label': 'Əsas naviqasiya',
  'nav.home': 'Əsas səhifə',
  'nav.sign_out': 'Çıxış',
  'nav.signed_in_as': '{name} olaraq daxil olmusunuz',

  'signin.title': 'Sistemə giriş',
  'signin.intro': 'Davam etmək üçün istifadəçi adınızı və şifrənizi daxil edin.',
  'signin.login': 'İstifadəçi adı',
  'signin.password': 'Şifrə',
  'signin.submit': 'Daxil ol',
  'signin.submitting': 'Yoxlanılır…',

  'password.title': 'Şifrənin dəyişdirilməsi',
  'password.intro':
    'Birdəfəlik şifrə ilə daxil olmusunuz. İşə davam etmək üçün yeni şifrə təyin edin.',
  'password.current': 'Hazırkı şifrə',
  'password.new': 'Yeni şifrə',
  'password.new_hint': 'Ən azı {min} simvol. Uzun ifadə seçin; istifadəçi adınızı daxil etməyin.',
  'password.repeat': 'Yeni şifrəni təkrarlayın',
  'password.submit': 'Şifrəni dəyişdir',
  'password.submitting': 'Saxlanılır…',
  'password.changed': 'Şifrəniz dəyişdirildi.',
  'password.fix_errors': 'Formada səhvlər var. Onları düzəldib yenidən göndərin.',

  'home.title': 'Əsas səhifə',
  'home.welcome': 'Xoş gəlmisiniz, {name}!',
  'home.roles': 'Rollarınız',
  'home.no_roles': 'Sizə hələ heç bir rol təyin edilməyib.',
  'home.login': 'İstifadəçi adı: {login}',

  'notfound.title': 'Səhifə tapılmadı',
  'notfound.body': 'Axtardığınız səhifə mövcud deyil və ya köçürülüb.',

  'role.admin': 'Administrator',

  'error.network': 'Serverə qoşulmaq mümkün olmadı. Şəbəkə bağlantısını yoxlayın.',
  'error.unknown': 'Gözlənilməz xəta baş verdi. Bir qədər sonra yenidən cəhd edin.',
  'error.request_id': 'Sorğu kodu: {id}',
  'error.auth.invalid_credentials': 'İstifadəçi adı və ya şifrə yanlışdır.',
  'error.auth.locked':
    'Bir neçə uğursuz cəhddən sonra hesab müvəqqəti bloklanıb. {minutes} dəqiqədən sonra yenidən cəhd edin.',
  'error.auth.throttled':
    'Bu ünvandan həddən artıq uğursuz giriş cəhdi olub. {minutes} dəqiqədən sonra yenidən cəhd edin.',
  'error.auth.csrf': 'Sessiyanın təhlükəsizlik yoxlaması uğursuz oldu. Səhifəni yeniləyin.',
  'error.auth.password_change_required': 'Əvvəlcə birdəfəlik şifrənizi dəyişdirin.',
  'error.auth.required': 'Sessiyanın müddəti bitib. Yenidən daxil olun.',
  'error.auth.forbidden': 'Bu əməliyyat üçün icazəniz yoxdur.',
  'error.validation.failed': 'Daxil edilən məlumatlarda səhvlər var.',

  'field.required': 'Bu sahə doldurulmalıdır.',
  'field.too_short': 'Ən azı {min} simvol olmalıdır.',
  'field.too_long': 'Şifrə çox uzundur.',
  'field.mismatch': 'Hazırkı şifrə düzgün deyil.',
  'field.repeat_mismatch': 'Şifrələr üst-üstə düşmür.',
  'field.contains_login': 'Şifrədə istifadəçi adı olmamalıdır.',
  'field.repeated': 'Şifrə eyni simvolun təkrarından ibarət olmamalıdır.',
  'field.unchanged': 'Yeni şifrə hazırkı şifrədən fərqlənməlidir.',
} as const satisfies Record<string, string>;
