"""System texts on respondent pages, in the languages surveys are answered in.

Why not only Django's gettext catalogues: staff pages come in bokmål, nynorsk and English, but a
survey may be answered in any language it offers (Arabic, Polish, Somali …). These few texts are
kept here per language, and a survey definition may override any of them under "ui"; a language
with no entry falls back to English. Native speakers should review every non-Norwegian line.
Further languages (es, de, fr, ru, lt, fa, ur) are kept per language in ``respondent_langs.py``.
"""

from __future__ import annotations

from collections.abc import Mapping

from .respondent_langs import CATEGORY_TEXTS, MORE_TEXTS

TEXTS: dict[str, dict[str, str]] = {
    "start": {"nb": "Start", "nn": "Start", "en": "Start", "ar": "ابدأ", "pl": "Rozpocznij", "uk": "Почати"},
    "next": {"nb": "Neste", "nn": "Neste", "en": "Next", "ar": "التالي", "pl": "Dalej", "uk": "Далі"},
    "previous": {
        "nb": "Forrige",
        "nn": "Førre",
        "en": "Previous",
        "ar": "السابق",
        "pl": "Wstecz",
        "uk": "Назад",
    },
    "send": {
        "nb": "Send svarene",
        "nn": "Send svara",
        "en": "Send your answers",
        "ar": "أرسل إجاباتك",
        "pl": "Wyślij odpowiedzi",
        "uk": "Надіслати відповіді",
    },
    "page_of": {
        "nb": "Side {n} av {total}",
        "nn": "Side {n} av {total}",
        "en": "Page {n} of {total}",
        "ar": "الصفحة {n} من {total}",
        "pl": "Strona {n} z {total}",
        "uk": "Сторінка {n} з {total}",
    },
    "language": {"nb": "Språk", "nn": "Språk", "en": "Language", "ar": "اللغة", "pl": "Język", "uk": "Мова"},
    "change_language": {
        "nb": "Bytt språk",
        "nn": "Byt språk",
        "en": "Change language",
        "ar": "تغيير اللغة",
        "pl": "Zmień język",
        "uk": "Змінити мову",
    },
    "required": {
        "nb": "må besvares",
        "nn": "må svarast på",
        "en": "required",
        "ar": "مطلوب",
        "pl": "wymagane",
        "uk": "обов’язково",
    },
    "optional_note": {
        "nb": "Alle spørsmål er frivillige med mindre annet står.",
        "nn": "Alle spørsmåla er frivillige om ikkje anna står.",
        "en": "Every question is optional unless marked otherwise.",
        "ar": "جميع الأسئلة اختيارية ما لم يُذكر خلاف ذلك.",
        "pl": "Wszystkie pytania są dobrowolne, chyba że zaznaczono inaczej.",
        "uk": "Усі питання необов’язкові, якщо не зазначено інше.",
    },
    "dont_know": {
        "nb": "Vet ikke / ikke aktuelt",
        "nn": "Veit ikkje / ikkje aktuelt",
        "en": "Don't know / not relevant",
        "ar": "لا أعرف / لا ينطبق",
        "pl": "Nie wiem / nie dotyczy",
        "uk": "Не знаю / не стосується",
    },
    "other_specify": {
        "nb": "Skriv hva",
        "nn": "Skriv kva",
        "en": "Please specify",
        "ar": "يرجى التحديد",
        "pl": "Proszę doprecyzować",
        "uk": "Уточніть, будь ласка",
    },
    "rank_place": {
        "nb": "{n}. plass",
        "nn": "{n}. plass",
        "en": "Place {n}",
        "ar": "المرتبة {n}",
        "pl": "Miejsce {n}",
        "uk": "Місце {n}",
    },
    "err_rank_all": {
        "nb": "Gi hvert alternativ sin egen plass.",
        "nn": "Gi kvart alternativ sin eigen plass.",
        "en": "Give each option a place of its own.",
        "ar": "أعطِ كل خيار مرتبة خاصة به.",
        "pl": "Nadaj każdej opcji osobne miejsce.",
        "uk": "Призначте кожному варіанту окреме місце.",
    },
    "range_value": {
        "nb": "Ditt svar, et tall fra {min} til {max}",
        "nn": "Svaret ditt, eit tal frå {min} til {max}",
        "en": "Your answer, a number from {min} to {max}",
        "ar": "إجابتك، رقم من {min} إلى {max}",
        "pl": "Twoja odpowiedź, liczba od {min} do {max}",
        "uk": "Ваша відповідь, число від {min} до {max}",
    },
    "prefer_not_to_say": {
        "nb": "Vil ikke svare",
        "nn": "Vil ikkje svare",
        "en": "Prefer not to say",
        "ar": "أفضل عدم الإجابة",
        "pl": "Wolę nie odpowiadać",
        "uk": "Не бажаю відповідати",
    },
    "errors_title": {
        "nb": "Noe må rettes før du går videre",
        "nn": "Noko må rettast før du går vidare",
        "en": "Please correct the following",
        "ar": "يرجى تصحيح ما يلي",
        "pl": "Popraw następujące odpowiedzi",
        "uk": "Будь ласка, виправте таке",
    },
    "err_required": {
        "nb": "Svar på spørsmålet.",
        "nn": "Svar på spørsmålet.",
        "en": "Please answer this question.",
        "ar": "يرجى الإجابة عن هذا السؤال.",
        "pl": "Odpowiedz na to pytanie.",
        "uk": "Будь ласка, дайте відповідь на це питання.",
    },
    "err_invalid_choice": {
        "nb": "Velg et av alternativene.",
        "nn": "Vel eitt av alternativa.",
        "en": "Choose one of the options.",
        "ar": "اختر أحد الخيارات.",
        "pl": "Wybierz jedną z opcji.",
        "uk": "Виберіть один із варіантів.",
    },
    "err_out_of_range": {
        "nb": "Skriv et tall fra {min} til {max}.",
        "nn": "Skriv eit tal frå {min} til {max}.",
        "en": "Enter a number from {min} to {max}.",
        "ar": "أدخل رقمًا من {min} إلى {max}.",
        "pl": "Wpisz liczbę od {min} do {max}.",
        "uk": "Введіть число від {min} до {max}.",
    },
    "err_not_a_number": {
        "nb": "Skriv et tall, for eksempel 12.",
        "nn": "Skriv eit tal, til dømes 12.",
        "en": "Enter a number, for example 12.",
        "ar": "أدخل رقمًا، مثل 12.",
        "pl": "Wpisz liczbę, na przykład 12.",
        "uk": "Введіть число, наприклад 12.",
    },
    "err_invalid_date": {
        "nb": "Skriv en gyldig dato (dd.mm.åååå).",
        "nn": "Skriv ein gyldig dato (dd.mm.åååå).",
        "en": "Enter a valid date.",
        "ar": "أدخل تاريخًا صحيحًا.",
        "pl": "Wpisz poprawną datę.",
        "uk": "Введіть правильну дату.",
    },
    "err_too_long": {
        "nb": "Skriv høyst {max} tegn.",
        "nn": "Skriv høgst {max} teikn.",
        "en": "Write at most {max} characters.",
        "ar": "اكتب {max} حرفًا كحد أقصى.",
        "pl": "Wpisz najwyżej {max} znaków.",
        "uk": "Напишіть не більше {max} символів.",
    },
    "resume_title": {
        "nb": "Fortsette senere?",
        "nn": "Halde fram seinare?",
        "en": "Continue later?",
        "ar": "المتابعة لاحقًا؟",
        "pl": "Dokończyć później?",
        "uk": "Продовжити пізніше?",
    },
    "resume_text": {
        "nb": "Svarene lagres for hver side. Ta vare på denne lenken for å fortsette der du slapp:",
        "nn": "Svara blir lagra for kvar side. Ta vare på denne lenkja for å halde fram der du slapp:",
        "en": "Your answers are saved on every page. Keep this link to continue where you left off:",
        "ar": "تُحفظ إجاباتك في كل صفحة. احتفظ بهذا الرابط للمتابعة من حيث توقفت:",
        "pl": "Odpowiedzi są zapisywane na każdej stronie. Zachowaj ten link, aby kontynuować:",
        "uk": "Відповіді зберігаються на кожній сторінці. Збережіть це посилання, щоб продовжити:",
    },
    "thanks": {
        "nb": "Takk for svarene dine!",
        "nn": "Takk for svara dine!",
        "en": "Thank you for your answers!",
        "ar": "شكرًا على إجاباتك!",
        "pl": "Dziękujemy za odpowiedzi!",
        "uk": "Дякуємо за ваші відповіді!",
    },
    "sent": {
        "nb": "Svarene dine er sendt. Du kan lukke denne siden nå.",
        "nn": "Svara dine er sende. Du kan lukke denne sida no.",
        "en": "Your answers have been sent. You can close this page now.",
        "ar": "تم إرسال إجاباتك. يمكنك إغلاق هذه الصفحة الآن.",
        "pl": "Twoje odpowiedzi zostały wysłane. Możesz teraz zamknąć tę stronę.",
        "uk": "Ваші відповіді надіслано. Тепер ви можете закрити цю сторінку.",
    },
    "already_sent": {
        "nb": "Svarene dine er allerede sendt. Takk!",
        "nn": "Svara dine er alt sende. Takk!",
        "en": "Your answers have already been sent. Thank you!",
        "ar": "تم إرسال إجاباتك بالفعل. شكرًا!",
        "pl": "Twoje odpowiedzi zostały już wysłane. Dziękujemy!",
        "uk": "Ваші відповіді вже надіслано. Дякуємо!",
    },
    "closed": {
        "nb": "Denne undersøkelsen er stengt. Takk for at du ville svare!",
        "nn": "Denne undersøkinga er stengd. Takk for at du ville svare!",
        "en": "This survey is closed. Thank you for wanting to take part!",
        "ar": "هذا الاستطلاع مغلق. شكرًا لرغبتك في المشاركة!",
        "pl": "Ta ankieta jest zamknięta. Dziękujemy za chęć udziału!",
        "uk": "Це опитування закрито. Дякуємо за бажання взяти участь!",
    },
    "not_open_yet": {
        "nb": "Undersøkelsen åpner {date}.",
        "nn": "Undersøkinga opnar {date}.",
        "en": "The survey opens on {date}.",
        "ar": "يفتح الاستطلاع في {date}.",
        "pl": "Ankieta zostanie otwarta {date}.",
        "uk": "Опитування відкриється {date}.",
    },
    "kiosk_next": {
        "nb": "Neste person kan starte her",
        "nn": "Neste person kan starte her",
        "en": "The next person can start here",
        "ar": "يمكن للشخص التالي البدء هنا",
        "pl": "Następna osoba może zacząć tutaj",
        "uk": "Наступна особа може почати тут",
    },
    "anonymous_note": {
        "nb": "Svarene er anonyme. Vi lagrer ikke hvem du er eller hvilken maskin du bruker.",
        "nn": "Svara er anonyme. Vi lagrar ikkje kven du er eller kva maskin du bruker.",
        "en": "Your answers are anonymous. We do not store who you are or which device you use.",
        "ar": "إجاباتك مجهولة. لا نحفظ هويتك ولا الجهاز الذي تستخدمه.",
        "pl": "Odpowiedzi są anonimowe. Nie zapisujemy, kim jesteś ani z jakiego urządzenia korzystasz.",
        "uk": "Відповіді анонімні. Ми не зберігаємо, хто ви і яким пристроєм користуєтеся.",
    },
    "code_label": {
        "nb": "Koden fra brevet",
        "nn": "Koden frå brevet",
        "en": "The code from your letter",
        "ar": "الرمز من رسالتك",
        "pl": "Kod z listu",
        "uk": "Код із листа",
    },
    "code_invalid": {
        "nb": "Vi finner ikke denne koden, eller den er brukt. Sjekk at du har skrevet den riktig.",
        "nn": "Vi finn ikkje denne koden, eller han er brukt. Sjekk at du har skrive han rett.",
        "en": "We cannot find this code, or it has been used. Check that you typed it correctly.",
        "ar": "لا نجد هذا الرمز أو تم استخدامه. تحقق من كتابته بشكل صحيح.",
        "pl": "Nie znaleźliśmy tego kodu albo został już użyty. Sprawdź, czy wpisano go poprawnie.",
        "uk": "Ми не знайшли цей код, або його вже використано. Перевірте, чи правильно ви його ввели.",
    },
    "followup": {
        "nb": "Ut fra svaret ditt er det kommet et oppfølgingsspørsmål på denne siden.",
        "nn": "Ut frå svaret ditt har det kome eit oppfølgingsspørsmål på denne sida.",
        "en": "Based on your answer, a follow-up question has appeared on this page.",
        "ar": "بناءً على إجابتك، ظهر سؤال متابعة في هذه الصفحة.",
        "pl": "Na podstawie Twojej odpowiedzi na tej stronie pojawiło się pytanie uzupełniające.",
        "uk": "З огляду на вашу відповідь на цій сторінці з’явилося додаткове питання.",
    },
    "progress": {
        "nb": "Fremdrift",
        "nn": "Framdrift",
        "en": "Progress",
        "ar": "التقدم",
        "pl": "Postęp",
        "uk": "Прогрес",
    },
    "accessibility_statement": {
        "nb": "Tilgjengelighetserklæring",
        "nn": "Tilgjengelegheitserklæring",
        "en": "Accessibility statement",
        "ar": "بيان إمكانية الوصول",
        "pl": "Deklaracja dostępności",
        "uk": "Заява про доступність",
    },
    "privacy": {
        "nb": "Personvern",
        "nn": "Personvern",
        "en": "Privacy",
        "ar": "الخصوصية",
        "pl": "Prywatność",
        "uk": "Конфіденційність",
    },
    "skip": {
        "nb": "Hopp til spørsmålene",
        "nn": "Hopp til spørsmåla",
        "en": "Skip to the questions",
        "ar": "انتقل إلى الأسئلة",
        "pl": "Przejdź do pytań",
        "uk": "Перейти до питань",
    },
    "local_section": {
        "nb": "Spørsmål fra {unit}",
        "nn": "Spørsmål frå {unit}",
        "en": "Questions from {unit}",
        "ar": "أسئلة من {unit}",
        "pl": "Pytania od: {unit}",
        "uk": "Запитання від: {unit}",
    },
    "local_section_note": {
        "nb": "Disse spørsmålene stilles bare her.",
        "nn": "Desse spørsmåla blir berre stilte her.",
        "en": "These questions are asked only here.",
        "ar": "تُطرح هذه الأسئلة هنا فقط.",
        "pl": "Te pytania są zadawane tylko tutaj.",
        "uk": "Ці запитання ставлять лише тут.",
    },
    "invite_hello": {
        "nb": "Hei!",
        "nn": "Hei!",
        "en": "Hello!",
        "ar": "مرحبًا!",
        "pl": "Dzień dobry!",
        "uk": "Вітаємо!",
    },
    "invite_intro": {
        "nb": "{unit} vil gjerne høre hva du mener. Undersøkelsen er anonym og tar noen få minutter.",
        "nn": "{unit} vil gjerne høyre kva du meiner. Undersøkinga er anonym og tek nokre få minutt.",
        "en": "{unit} would like to hear what you think. The survey is anonymous and takes a few minutes.",
        "ar": "يود {unit} معرفة رأيك. الاستطلاع مجهول الهوية ويستغرق بضع دقائق.",
        "pl": "{unit} chce poznać Twoją opinię. Ankieta jest anonimowa i zajmie kilka minut.",
        "uk": "{unit} хоче дізнатися вашу думку. Опитування анонімне і займе кілька хвилин.",
    },
    "invite_link": {
        "nb": "Svar her:",
        "nn": "Svar her:",
        "en": "Answer here:",
        "ar": "أجب هنا:",
        "pl": "Odpowiedz tutaj:",
        "uk": "Відповісти можна тут:",
    },
    "invite_personal": {
        "nb": "Lenken er personlig. Når du har svart, sender vi ingen flere påminnelser.",
        "nn": "Lenkja er personleg. Når du har svart, sender vi ingen fleire påminningar.",
        "en": "The link is personal. Once you have answered, we send no more reminders.",
        "ar": "هذا الرابط شخصي. بعد أن تجيب، لن نرسل لك أي تذكيرات أخرى.",
        "pl": "Link jest osobisty. Po udzieleniu odpowiedzi nie wyślemy więcej przypomnień.",
        "uk": "Посилання персональне. Після того як ви відповісте, ми більше не надсилатимемо нагадувань.",
    },
    "invite_reminder": {
        "nb": "Påminnelse: {title}",
        "nn": "Påminning: {title}",
        "en": "Reminder: {title}",
        "ar": "تذكير: {title}",
        "pl": "Przypomnienie: {title}",
        "uk": "Нагадування: {title}",
    },
}

for _lang, _texts in MORE_TEXTS.items():
    for _key, _text in _texts.items():
        TEXTS[_key][_lang] = _text


def ui(
    key: str, lang: str, overrides: Mapping[str, Mapping[str, str]] | None = None, **params: object
) -> str:
    """Return a respondent-page text in ``lang`` (survey override, shipped text, then English)."""
    source = (overrides or {}).get(key) or {}
    text = source.get(lang) or TEXTS[key].get(lang) or source.get("en") or TEXTS[key]["en"]
    return text.format(**params) if params else text


def category_text(dimension: str, category: str, lang: str) -> str | None:
    """Return a standard background category's label in a further respondent language, if shipped
    (bokmål, nynorsk and English labels live with the dimension in ``common.dimensions``)."""
    return CATEGORY_TEXTS.get(lang, {}).get(f"{dimension}:{category}")
