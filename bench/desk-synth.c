/* desk-synth.c: realistic synthetic inbox data, for benchmarks and screenshots
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A small Ljubljana coffee roaster answers its customers on Bluesky, Mastodon, Telegram and X.
 * Customers write in English, Slovenian, Russian and Persian, about parcels, refunds, discount
 * codes and mugs; agents sign their replies with their initials. Everything is drawn from one
 * GRand seeded by the caller, so a seed always gives the same data (times are relative to the
 * `now` the caller passes).
 *
 * The data goes into the store only through the core API, the way a sync would put it there:
 * desk_store_ingest() in batches, then tags and hand-set statuses.
 */
#define G_LOG_DOMAIN "desk-synth"

#include "config.h"

#include <math.h>
#include <string.h>

#include "desk-store-private.h"
#include "desk-synth.h"

#define MINUTE (G_USEC_PER_SEC * G_GINT64_CONSTANT (60))
#define HOUR   (60 * MINUTE)
#define DAY    (24 * HOUR)
#define DAYS_OF_HISTORY 14
#define LOCAL_OFFSET HOUR  /* the shop keeps Central European hours */
#define FILL_CHUNK 1000    /* conversations generated, stored and tagged at a time */

typedef enum
{
  LANG_EN,
  LANG_SL,
  LANG_RU,
  LANG_FA,
  N_LANGS
} Lang;

typedef enum
{
  CAT_FIRST = -2,  /* a first reply when there is none for the category */
  CAT_ANY = -1,    /* a customer's follow-up, a later reply */
  CAT_SHIPPING,
  CAT_LATE,
  CAT_ADDRESS,
  CAT_DAMAGED,
  CAT_STOCK,
  CAT_BILLING,
  CAT_CODE,
  CAT_WHOLESALE,
  CAT_RETURN,
  CAT_ACCOUNT,
  CAT_PRODUCT,
  CAT_PRAISE,
  N_CATS
} Category;

typedef struct
{
  Category    category;
  const char *text;
} Template;

typedef struct
{
  const char *name;
  const char *latin;
  gboolean    female;
} Given;

typedef struct
{
  const char *male;
  const char *female;
  const char *latin;
} Family;

typedef struct
{
  const char *network;
  const char *remote_id;
  const char *handle;
  const char *display_name;
  const char *server_url;
  const char *mention;     /* how customers address it in a public post; NULL: no public posts */
  guint       weight;      /* share of the conversations */
  guint       dm_percent;
} AccountSeed;

static const AccountSeed account_seeds[] = {
  { "bluesky", "did:plc:4u7gwcq2nh6o5lxqzjbsv3ky", "@lipacoffee.si", "Lipa Coffee",
    "https://bsky.social", "@lipacoffee.si", 20, 15 },
  { "mastodon", "109384512637650112", "@lipa@mastodon.social", "Lipa Coffee",
    "https://mastodon.social", "@lipa", 15, 20 },
  { "mastodon", "110215978446032871", "@lipa_help@mastodon.online", "Lipa Coffee Help",
    "https://mastodon.online", "@lipa_help", 8, 25 },
  { "telegram", "6143987215", "@LipaCoffeeBot", "Lipa Coffee Support",
    "", NULL, 22, 100 },
  { "x", "1453829674107162624", "@lipacoffee", "Lipa Coffee ☕",
    "", "@lipacoffee", 25, 35 },
  { "x", "1590377231548370944", "@lipa_help", "Lipa Coffee Help",
    "", "@lipa_help", 10, 40 },
};
#define N_ACCOUNTS G_N_ELEMENTS (account_seeds)

static const char * const mastodon_servers[] = {
  "mastodon.social", "mastodon.online", "mstdn.social", "fosstodon.org", "mas.to",
  "toot.community", "social.vivaldi.net", "chaos.social", "mastodon.world",
};

/* Names */

static const Given given_en[] = {
  { "Emma", "Emma", TRUE }, { "Olivia", "Olivia", TRUE }, { "Sophie", "Sophie", TRUE },
  { "Lena", "Lena", TRUE }, { "Chloé", "Chloe", TRUE }, { "Giulia", "Giulia", TRUE },
  { "Sofia", "Sofia", TRUE }, { "Hannah", "Hannah", TRUE }, { "Mia", "Mia", TRUE },
  { "Laura", "Laura", TRUE }, { "Elif", "Elif", TRUE }, { "Aisha", "Aisha", TRUE },
  { "Priya", "Priya", TRUE }, { "Zuzana", "Zuzana", TRUE }, { "Ingrid", "Ingrid", TRUE },
  { "Liam", "Liam", FALSE }, { "Noah", "Noah", FALSE }, { "Lukas", "Lukas", FALSE },
  { "Jonas", "Jonas", FALSE }, { "Lucas", "Lucas", FALSE }, { "Marco", "Marco", FALSE },
  { "Mateo", "Mateo", FALSE }, { "Daniel", "Daniel", FALSE }, { "Tom", "Tom", FALSE },
  { "Felix", "Felix", FALSE }, { "Ben", "Ben", FALSE }, { "Oskar", "Oskar", FALSE },
  { "Kenji", "Kenji", FALSE }, { "Tomás", "Tomas", FALSE }, { "Jakub", "Jakub", FALSE },
};

static const Family family_en[] = {
  { "Smith", "Smith", "Smith" }, { "Müller", "Müller", "Mueller" },
  { "Rossi", "Rossi", "Rossi" }, { "García", "García", "Garcia" },
  { "Dubois", "Dubois", "Dubois" }, { "Jensen", "Jensen", "Jensen" },
  { "O'Brien", "O'Brien", "OBrien" }, { "Schmidt", "Schmidt", "Schmidt" },
  { "Bianchi", "Bianchi", "Bianchi" }, { "Fernández", "Fernández", "Fernandez" },
  { "Kowalski", "Kowalska", "Kowalski" }, { "Andersson", "Andersson", "Andersson" },
  { "Weber", "Weber", "Weber" }, { "Costa", "Costa", "Costa" },
  { "Yılmaz", "Yılmaz", "Yilmaz" }, { "Taylor", "Taylor", "Taylor" },
  { "Hughes", "Hughes", "Hughes" }, { "Dvořák", "Dvořáková", "Dvorak" },
  { "Nakamura", "Nakamura", "Nakamura" }, { "Virtanen", "Virtanen", "Virtanen" },
};

static const Given given_sl[] = {
  { "Ana", "Ana", TRUE }, { "Maja", "Maja", TRUE }, { "Nina", "Nina", TRUE },
  { "Eva", "Eva", TRUE }, { "Tjaša", "Tjasa", TRUE }, { "Urška", "Urska", TRUE },
  { "Špela", "Spela", TRUE }, { "Tina", "Tina", TRUE }, { "Katja", "Katja", TRUE },
  { "Mojca", "Mojca", TRUE }, { "Petra", "Petra", TRUE }, { "Nataša", "Natasa", TRUE },
  { "Luka", "Luka", FALSE }, { "Žiga", "Ziga", FALSE }, { "Matej", "Matej", FALSE },
  { "Jure", "Jure", FALSE }, { "Nejc", "Nejc", FALSE }, { "Rok", "Rok", FALSE },
  { "Blaž", "Blaz", FALSE }, { "Gregor", "Gregor", FALSE }, { "Primož", "Primoz", FALSE },
  { "Anže", "Anze", FALSE }, { "Miha", "Miha", FALSE }, { "Jaka", "Jaka", FALSE },
};

static const Family family_sl[] = {
  { "Novak", "Novak", "Novak" }, { "Horvat", "Horvat", "Horvat" },
  { "Kovačič", "Kovačič", "Kovacic" }, { "Krajnc", "Krajnc", "Krajnc" },
  { "Zupančič", "Zupančič", "Zupancic" }, { "Potočnik", "Potočnik", "Potocnik" },
  { "Kovač", "Kovač", "Kovac" }, { "Mlakar", "Mlakar", "Mlakar" },
  { "Vidmar", "Vidmar", "Vidmar" }, { "Golob", "Golob", "Golob" },
  { "Turk", "Turk", "Turk" }, { "Kos", "Kos", "Kos" },
  { "Božič", "Božič", "Bozic" }, { "Hribar", "Hribar", "Hribar" },
  { "Žagar", "Žagar", "Zagar" }, { "Kralj", "Kralj", "Kralj" },
  { "Rozman", "Rozman", "Rozman" }, { "Bizjak", "Bizjak", "Bizjak" },
  { "Zupan", "Zupan", "Zupan" }, { "Mežnar", "Mežnar", "Meznar" },
};

static const Given given_ru[] = {
  { "Анна", "Anna", TRUE }, { "Мария", "Maria", TRUE }, { "Екатерина", "Ekaterina", TRUE },
  { "Ольга", "Olga", TRUE }, { "Наталья", "Natalia", TRUE }, { "Юлия", "Yulia", TRUE },
  { "Татьяна", "Tatiana", TRUE }, { "Ксения", "Ksenia", TRUE }, { "Дарья", "Daria", TRUE },
  { "Дмитрий", "Dmitry", FALSE }, { "Алексей", "Alexey", FALSE }, { "Сергей", "Sergey", FALSE },
  { "Иван", "Ivan", FALSE }, { "Павел", "Pavel", FALSE }, { "Михаил", "Mikhail", FALSE },
  { "Артём", "Artem", FALSE }, { "Никита", "Nikita", FALSE }, { "Егор", "Egor", FALSE },
};

static const Family family_ru[] = {
  { "Иванов", "Иванова", "Ivanov" }, { "Смирнов", "Смирнова", "Smirnov" },
  { "Кузнецов", "Кузнецова", "Kuznetsov" }, { "Попов", "Попова", "Popov" },
  { "Соколов", "Соколова", "Sokolov" }, { "Лебедев", "Лебедева", "Lebedev" },
  { "Козлов", "Козлова", "Kozlov" }, { "Новиков", "Новикова", "Novikov" },
  { "Морозов", "Морозова", "Morozov" }, { "Волков", "Волкова", "Volkov" },
  { "Орлов", "Орлова", "Orlov" }, { "Белов", "Белова", "Belov" },
};

static const Given given_fa[] = {
  { "مریم", "Maryam", TRUE }, { "زهرا", "Zahra", TRUE }, { "سارا", "Sara", TRUE },
  { "نگار", "Negar", TRUE }, { "نیلوفر", "Niloofar", TRUE }, { "پریسا", "Parisa", TRUE },
  { "شیرین", "Shirin", TRUE }, { "علی", "Ali", FALSE }, { "رضا", "Reza", FALSE },
  { "محمد", "Mohammad", FALSE }, { "امیر", "Amir", FALSE }, { "حسین", "Hossein", FALSE },
  { "آرش", "Arash", FALSE }, { "کاوه", "Kaveh", FALSE },
};

static const Family family_fa[] = {
  { "احمدی", "احمدی", "Ahmadi" }, { "محمدی", "محمدی", "Mohammadi" },
  { "حسینی", "حسینی", "Hosseini" }, { "رضایی", "رضایی", "Rezaei" },
  { "کریمی", "کریمی", "Karimi" }, { "موسوی", "موسوی", "Mousavi" },
  { "جعفری", "جعفری", "Jafari" }, { "رحیمی", "رحیمی", "Rahimi" },
  { "صادقی", "صادقی", "Sadeghi" }, { "کاظمی", "کاظمی", "Kazemi" },
};

static const char * const name_emoji[] = {
  "☕", "🌿", "🌸", "🚲", "📚", "🎧", "🐈", "✨", "🏔️", "🌲", "🌻", "🍵",
};

/* Slot values. Cities are in the same order in every language, each in the case the templates
 * need ("dostavljate v Ljubljano?", "доставляете в Любляну?"). */

static const char * const cities[N_LANGS][12] = {
  { "Ljubljana", "Maribor", "Koper", "Zagreb", "Vienna", "Graz", "Trieste", "Berlin", "Prague",
    "Milan", "Belgrade", "Riga" },
  { "Ljubljano", "Maribor", "Koper", "Zagreb", "Dunaj", "Gradec", "Trst", "Berlin", "Prago",
    "Milano", "Beograd", "Rigo" },
  { "Любляну", "Марибор", "Копер", "Загреб", "Вену", "Грац", "Триест", "Берлин", "Прагу",
    "Милан", "Белград", "Ригу" },
  { "لیوبلیانا", "ماریبور", "کوپر", "زاگرب", "وین", "گراتس", "تریست", "برلین", "پراگ",
    "میلان", "بلگراد", "ریگا" },
};

static const char * const products[] = {
  "Ethiopia Guji beans", "Kenya AA 1 kg", "V60 dripper", "hand grinder", "stoneware mug",
  "gift card", "matcha starter kit", "Lipa house blend", "Colombia decaf", "espresso cups set",
  "cold brew bottle", "Brazil Cerrado 500 g", "ceramic pour-over set", "Rwanda Nyamasheke",
};

static const char * const codes[] = {
  "SPRING15", "WELCOME10", "LIPA20", "FREESHIP", "BLACKFRIDAY", "HELLO5",
};

static const char * const companies[] = {
  "Kavarna Lipa d.o.o.", "Bean There GmbH", "Café Nord s.r.o.", "Kofein d.o.o.",
  "Roast & Co. Ltd", "Pekarna Kruh d.o.o.",
};

static const char * const agents[] = { "MJ", "TK", "AH", "LP", "NR", "ŠB" };

/* Customer messages that open a conversation */

static const Template openers_en[] = {
  { CAT_SHIPPING, "Do you ship to {city}?" },
  { CAT_SHIPPING, "What's the shipping cost to {city}? Couldn't find it on the site." },
  { CAT_SHIPPING, "Any chance you deliver on Saturdays in {city}?" },
  { CAT_SHIPPING, "Just got my parcel, the mug is perfect! Quick question: do you ship outside the EU?" },
  { CAT_LATE, "My order {order} hasn't arrived yet. It's been {days} days 😕" },
  { CAT_LATE, "Hi! I ordered the {product} last week (order {order}). Any idea when it ships?" },
  { CAT_LATE, "Tracking number {tracking} says delivered but nothing's here. Help?" },
  { CAT_LATE, "Order {order} is stuck in 'processing' for {days} days now. Is everything ok?" },
  { CAT_ADDRESS, "Can I change the delivery address for order {order}? I moved to {city} 🙈" },
  { CAT_ADDRESS, "I made a typo in my street name on order {order}, can you fix it before it ships?" },
  { CAT_DAMAGED, "The {product} arrived broken. The box was crushed. What now?" },
  { CAT_DAMAGED, "Parcel came today but the bag of beans was torn open, coffee everywhere 😩 order {order}" },
  { CAT_STOCK, "Is the {product} back in stock anytime soon?" },
  { CAT_STOCK, "The {product} has been sold out for weeks. Will you restock it?" },
  { CAT_BILLING, "I was charged twice for order {order} ({amount} each). Can you refund one?" },
  { CAT_BILLING, "Where is my refund for order {order}? You said 5 days, it's been {days}." },
  { CAT_BILLING, "Hi, I need an invoice with our VAT number for order {order}, company {company}." },
  { CAT_BILLING, "Can I pay by bank transfer? My card keeps getting declined at checkout." },
  { CAT_CODE, "Your discount code {code} says it's expired but the post says it's valid until Sunday?" },
  { CAT_CODE, "Does {code} work on subscriptions too?" },
  { CAT_WHOLESALE, "Do you offer wholesale prices for cafés? We're a small place in {city}." },
  { CAT_WHOLESALE, "We'd like 20 kg of the house blend every month for our office. Who do I talk to?" },
  { CAT_RETURN, "How do I return the {product}? It's not what I expected, sorry!" },
  { CAT_RETURN, "Ordered the {product} but got a {product2} instead 😅 order {order}" },
  { CAT_ACCOUNT, "Website won't let me log in, the password reset email never comes." },
  { CAT_ACCOUNT, "Checkout keeps showing 'payment session expired'. Tried 3 times." },
  { CAT_ACCOUNT, "The app crashes when I open my order history. Android 14." },
  { CAT_PRODUCT, "Is the {product} dishwasher safe?" },
  { CAT_PRODUCT, "Are your beans roasted to order? When was the current batch of {product} roasted?" },
  { CAT_PRODUCT, "Can I get the {product} ground for espresso?" },
  { CAT_PRODUCT, "Is there a subscription option? I go through 1 kg a month 😄" },
  { CAT_PRODUCT, "Do you have gift wrapping? Need it by Friday for a birthday 🎁" },
  { CAT_PRAISE, "Love the {product} ☕❤️ Do you have it in a bigger size?" },
  { CAT_PRAISE, "Best coffee I've had in {city}, seriously. Where can I buy it in person?" },
};

static const Template openers_sl[] = {
  { CAT_SHIPPING, "Pozdravljeni, ali dostavljate v {city}?" },
  { CAT_SHIPPING, "Koliko stane poštnina v {city}? Na spletni strani tega ne najdem." },
  { CAT_SHIPPING, "Imate prevzem v Ljubljani? Bi prišla osebno." },
  { CAT_LATE, "Moje naročilo {order} še ni prispelo, minilo je že {days} dni." },
  { CAT_LATE, "Sledilna številka {tracking} kaže, da je paket dostavljen, a ga ni." },
  { CAT_ADDRESS, "Ali lahko spremenim naslov za dostavo pri naročilu {order}?" },
  { CAT_DAMAGED, "Paket je prišel poškodovan, skodelica je razbita 😢" },
  { CAT_STOCK, "Kdaj bo {product} spet na zalogi?" },
  { CAT_BILLING, "Kartico ste mi bremenili dvakrat za naročilo {order}. Prosim za vračilo." },
  { CAT_BILLING, "Ali lahko dobim račun z ID za DDV za naročilo {order}? Podjetje {company}." },
  { CAT_CODE, "Koda za popust {code} ne deluje, piše da je potekla." },
  { CAT_WHOLESALE, "Ali imate veleprodajne cene za kavarne? Smo v {city}." },
  { CAT_RETURN, "Kako vrnem izdelek? Ni to, kar sem pričakovala." },
  { CAT_ACCOUNT, "Ne morem se prijaviti, e-pošta za ponastavitev gesla ne pride." },
  { CAT_PRODUCT, "Ali imate darilno embalažo? Potrebujem do petka 🎁" },
  { CAT_PRODUCT, "Ali lahko {product} zmeljete za džezvo?" },
  { CAT_PRAISE, "Hvala za hitro dostavo! Ali imate tudi naročnino na kavo? ☕" },
};

static const Template openers_ru[] = {
  { CAT_SHIPPING, "Здравствуйте! Вы доставляете в {city}?" },
  { CAT_SHIPPING, "Сколько стоит доставка в {city}?" },
  { CAT_LATE, "Мой заказ {order} до сих пор не пришёл, прошло уже {days} дней." },
  { CAT_LATE, "Трек-номер {tracking} не отслеживается уже неделю. Где посылка?" },
  { CAT_ADDRESS, "Добрый день, можно изменить адрес доставки для заказа {order}?" },
  { CAT_DAMAGED, "Посылка пришла повреждённой, кружка разбита 😢 Что делать?" },
  { CAT_STOCK, "Подскажите, когда снова будет в наличии {product}?" },
  { CAT_BILLING, "С карты списали деньги дважды за заказ {order}. Верните, пожалуйста, лишнее." },
  { CAT_BILLING, "Можно оплатить по счёту для юрлица? Компания {company}." },
  { CAT_CODE, "Промокод {code} не работает, пишет что истёк." },
  { CAT_RETURN, "Как оформить возврат? Товар не подошёл." },
  { CAT_ACCOUNT, "Не могу войти в личный кабинет, письмо для сброса пароля не приходит." },
  { CAT_PRODUCT, "А {product} можно помолоть под турку?" },
  { CAT_PRAISE, "Спасибо за быструю доставку! Есть ли у вас подписка на кофе? ☕" },
};

static const Template openers_fa[] = {
  { CAT_SHIPPING, "سلام، به {city} ارسال دارید؟" },
  { CAT_LATE, "سفارش {order} من هنوز نرسیده. {days} روز گذشته." },
  { CAT_ADDRESS, "سلام وقت بخیر، می‌خواستم آدرس ارسال سفارش {order} رو عوض کنم." },
  { CAT_DAMAGED, "بسته آسیب دیده رسید 😔 لیوان شکسته بود." },
  { CAT_STOCK, "{product} کی دوباره موجود میشه؟" },
  { CAT_BILLING, "مبلغ سفارش {order} دوبار از کارتم کم شده." },
  { CAT_CODE, "کد تخفیف {code} کار نمی‌کنه." },
  { CAT_RETURN, "چطور می‌تونم مرجوع کنم؟ سفارش {order}" },
  { CAT_PRAISE, "قهوه‌تون عالیه ☕ اشتراک ماهانه هم دارید؟" },
};

/* Customer follow-ups: more detail, impatience, or thanks (category: CAT_PRAISE) */

static const Template followups_en[] = {
  { CAT_ANY, "Any update on this?" },
  { CAT_ANY, "The order number is {order}." },
  { CAT_ANY, "Sorry, forgot to say: it's order {order}." },
  { CAT_ANY, "Here's a photo of the box, the corner is crushed." },
  { CAT_ANY, "Still nothing here…" },
  { CAT_ANY, "Hmm, the link doesn't open for me." },
  { CAT_ANY, "Sent you a DM with the details." },
  { CAT_ANY, "Ok, and how long does that usually take?" },
  { CAT_ANY, "hello?? 😕" },
  { CAT_PRAISE, "Thanks, that worked! 🙏" },
  { CAT_PRAISE, "Great, thank you so much!" },
  { CAT_PRAISE, "Perfect 👍" },
  { CAT_PRAISE, "Got it today, all good. Thanks!" },
};

static const Template followups_sl[] = {
  { CAT_ANY, "Kaj novega?" },
  { CAT_ANY, "Številka naročila je {order}." },
  { CAT_ANY, "Še vedno nič…" },
  { CAT_ANY, "Pošiljam sliko paketa." },
  { CAT_PRAISE, "Hvala, zdaj deluje! 🙏" },
  { CAT_PRAISE, "Super, hvala!" },
  { CAT_PRAISE, "Paket je prišel, vse v redu. Hvala!" },
};

static const Template followups_ru[] = {
  { CAT_ANY, "Есть новости?" },
  { CAT_ANY, "Номер заказа {order}." },
  { CAT_ANY, "Всё ещё ничего…" },
  { CAT_ANY, "Отправил(а) фото в личку." },
  { CAT_PRAISE, "Спасибо, всё получилось!" },
  { CAT_PRAISE, "Хорошо, жду. Спасибо 🙏" },
  { CAT_PRAISE, "Посылка пришла, всё отлично!" },
};

static const Template followups_fa[] = {
  { CAT_ANY, "خبری نشد؟" },
  { CAT_ANY, "شماره سفارش {order} هست." },
  { CAT_ANY, "هنوز هیچی…" },
  { CAT_PRAISE, "ممنون، درست شد 🙏" },
  { CAT_PRAISE, "باشه، منتظر می‌مونم. مرسی!" },
};

/* Replies from the business; {agent} signs them */

static const Template replies_en[] = {
  { CAT_SHIPPING, "Hi {first}! Yes, we ship to {city}: usually 2–4 working days, with tracking. —{agent}" },
  { CAT_SHIPPING, "Hi {first}, shipping to {city} is €4.90, free over €40. —{agent}" },
  { CAT_LATE, "Sorry about the wait, {first}! Order {order} left our warehouse on Monday, tracking {tracking}. If it's not there by Friday we'll send a new one. —{agent}" },
  { CAT_LATE, "I've asked the courier about {tracking} and opened a claim. I'll update you as soon as I hear back. —{agent}" },
  { CAT_ADDRESS, "No problem, I've updated the address on order {order}. It hasn't shipped yet, so you're all set. —{agent}" },
  { CAT_DAMAGED, "Oh no, so sorry! 😟 Could you send a photo of the parcel? We'll ship a replacement right away. —{agent}" },
  { CAT_STOCK, "The {product} is back in about two weeks. Want me to put one aside for you? —{agent}" },
  { CAT_BILLING, "You're right, the second charge was a duplicate. Refund of {amount} issued today; it can take 3–5 business days to show. —{agent}" },
  { CAT_BILLING, "Done: the invoice for {company} is in your inbox. —{agent}" },
  { CAT_CODE, "Thanks for flagging! {code} was set to expire early by mistake. Fixed now, please try again. —{agent}" },
  { CAT_WHOLESALE, "We'd love to! I've emailed you our wholesale price list. —{agent}" },
  { CAT_RETURN, "Sure: we'll email you a prepaid return label for order {order}. —{agent}" },
  { CAT_ACCOUNT, "Sorry about that! We found the bug and deployed a fix an hour ago, could you try again? —{agent}" },
  { CAT_PRODUCT, "Good question! The {product} is dishwasher safe, but hand washing keeps the glaze nicer. —{agent}" },
  { CAT_PRODUCT, "We roast every Tuesday and Friday, so your beans are never older than a few days. —{agent}" },
  { CAT_PRAISE, "Thank you, {first}! That made our day ☕ —{agent}" },
  { CAT_FIRST, "Thanks for reaching out, {first}! Let me check and get back to you today. —{agent}" },
  { CAT_FIRST, "Could you DM us your order number so we can look into it? —{agent}" },
  { CAT_ANY, "Thanks! I've passed it on to our warehouse, you'll hear from us by tomorrow. —{agent}" },
  { CAT_ANY, "Glad it worked out! Enjoy ☕ —{agent}" },
  { CAT_ANY, "Just checked: it's on the way and should be with you tomorrow. —{agent}" },
  { CAT_ANY, "I've sent you the details by email. —{agent}" },
};

static const Template replies_sl[] = {
  { CAT_SHIPPING, "Pozdravljeni, {first}! Da, dostavljamo v {city}, običajno v 2–3 delovnih dneh. —{agent}" },
  { CAT_LATE, "Opravičujemo se za zamudo! Naročilo {order} je bilo odposlano, sledilna številka {tracking}. —{agent}" },
  { CAT_DAMAGED, "Res nam je žal! Prosimo, pošljite fotografijo paketa, takoj pošljemo novega. —{agent}" },
  { CAT_BILLING, "Vračilo {amount} je bilo izvedeno danes, na računu bo v 3–5 dneh. —{agent}" },
  { CAT_CODE, "Hvala za opozorilo! Koda {code} zdaj spet deluje. —{agent}" },
  { CAT_RETURN, "Seveda, po e-pošti vam pošljemo nalepko za brezplačno vračilo. —{agent}" },
  { CAT_FIRST, "Hvala za sporočilo, {first}! Preverim in se vam oglasim še danes. —{agent}" },
  { CAT_ANY, "Z veseljem! Lep dan ☕ —{agent}" },
  { CAT_ANY, "Preverila sem: paket je na poti in bo pri vas jutri. —{agent}" },
};

static const Template replies_ru[] = {
  { CAT_SHIPPING, "Здравствуйте, {first}! Да, доставляем в {city}, обычно 3–5 рабочих дней. —{agent}" },
  { CAT_LATE, "Извините за задержку! Заказ {order} отправлен, трек-номер {tracking}. —{agent}" },
  { CAT_DAMAGED, "Очень жаль! Пришлите, пожалуйста, фото посылки, и мы сразу отправим замену. —{agent}" },
  { CAT_BILLING, "Двойное списание вернули, деньги придут в течение 5 рабочих дней. —{agent}" },
  { CAT_CODE, "Спасибо, что сообщили! Промокод {code} снова работает. —{agent}" },
  { CAT_FIRST, "Спасибо за сообщение, {first}! Проверю и отвечу сегодня. —{agent}" },
  { CAT_ANY, "Проверили: посылка уже в пути, завтра будет у вас. —{agent}" },
  { CAT_ANY, "Рады помочь! Хорошего дня ☕ —{agent}" },
};

static const Template replies_fa[] = {
  { CAT_SHIPPING, "سلام {first} عزیز، بله به {city} ارسال داریم. —{agent}" },
  { CAT_LATE, "ببخشید بابت تأخیر! سفارش {order} ارسال شده. کد رهگیری: {tracking} —{agent}" },
  { CAT_BILLING, "مبلغ اضافه برگشت داده شد. —{agent}" },
  { CAT_FIRST, "ممنون از پیامتون، {first}! بررسی می‌کنم و امروز خبر می‌دم. —{agent}" },
  { CAT_ANY, "بسته در راهه و فردا به دستتون می‌رسه. —{agent}" },
  { CAT_ANY, "خوشحالیم که درست شد ☕ —{agent}" },
};

typedef struct
{
  const Template *items;
  guint           n_items;
} TemplateSet;

#define SET(a) { a, G_N_ELEMENTS (a) }

static const TemplateSet openers[N_LANGS] = {
  SET (openers_en), SET (openers_sl), SET (openers_ru), SET (openers_fa),
};
static const TemplateSet followups[N_LANGS] = {
  SET (followups_en), SET (followups_sl), SET (followups_ru), SET (followups_fa),
};
static const TemplateSet replies[N_LANGS] = {
  SET (replies_en), SET (replies_sl), SET (replies_ru), SET (replies_fa),
};

/* Tags, and which ones a conversation's first question earns */

typedef struct
{
  const char *name;
  const char *color;
} TagSeed;

enum { TAG_SHIPPING, TAG_REFUND, TAG_BILLING, TAG_WHOLESALE, TAG_BUG, TAG_VIP, TAG_URGENT };

static const TagSeed tag_seeds[] = {
  { "Shipping", "#3584e4" }, { "Refund", "#e66100" }, { "Billing", "#9141ac" },
  { "Wholesale", "#2ec27e" }, { "Bug", "#e01b24" }, { "VIP", "#f5c211" },
  { "Urgent", "#c01c28" },
};

static const int category_tag[N_CATS] = {
  [CAT_SHIPPING] = TAG_SHIPPING, [CAT_LATE] = TAG_SHIPPING, [CAT_ADDRESS] = TAG_SHIPPING,
  [CAT_DAMAGED] = TAG_REFUND, [CAT_STOCK] = -1, [CAT_BILLING] = TAG_BILLING,
  [CAT_CODE] = TAG_BILLING, [CAT_WHOLESALE] = TAG_WHOLESALE, [CAT_RETURN] = TAG_REFUND,
  [CAT_ACCOUNT] = TAG_BUG, [CAT_PRODUCT] = -1, [CAT_PRAISE] = -1,
};

/* State */

typedef struct
{
  guint        account;
  Lang         lang;
  const Given *given;
  char        *remote_id;
  char        *handle;
  char        *name;
  char        *avatar_url;
  guint        next_message;  /* Telegram message ids count up per chat */
} Customer;

typedef struct
{
  guint                account;
  DeskConversationKind kind;
  char                *thread_id;
  gint64               last_at;
  gboolean             last_in;
  int                  status;   /* the status set by hand, or -1 */
  guint                tags;     /* a bit per tag_seeds index */
} Plan;

struct _DeskSynth
{
  GRand     *rand;
  gint64     now;
  guint      mean;
  int        pending_count;   /* the other half of a balanced pair, or -1 */
  guint64    sequence;
  GPtrArray *accounts;        /* DeskAccountInfo */
  GPtrArray *customers;       /* Customer, owned */
  GPtrArray *by_account[N_ACCOUNTS];
};

static void
customer_free (Customer *customer)
{
  g_free (customer->remote_id);
  g_free (customer->handle);
  g_free (customer->name);
  g_free (customer->avatar_url);
  g_free (customer);
}

static void
plan_clear (Plan *plan)
{
  g_clear_pointer (&plan->thread_id, g_free);
}

/**
 * desk_synth_new:
 * @seed: the same seed gives the same data
 * @now: UNIX microseconds; every message is older, the oldest about two weeks older
 * @per_conversation: the mean length of a conversation (at least 1)
 */
DeskSynth *
desk_synth_new (guint64 seed,
                gint64  now,
                guint   per_conversation)
{
  DeskSynth *self = g_new0 (DeskSynth, 1);
  guint32 seed_words[2] = { (guint32) seed, (guint32) (seed >> 32) };

  self->rand = g_rand_new_with_seed_array (seed_words, 2);
  self->now = now;
  self->mean = MAX (per_conversation, 1);
  self->pending_count = -1;
  self->accounts = g_ptr_array_new_with_free_func ((GDestroyNotify) desk_account_info_free);
  self->customers = g_ptr_array_new_with_free_func ((GDestroyNotify) customer_free);

  for (guint i = 0; i < N_ACCOUNTS; i++)
    {
      DeskAccountInfo *info = desk_account_info_new ();

      info->network = g_strdup (account_seeds[i].network);
      info->remote_id = g_strdup (account_seeds[i].remote_id);
      info->handle = g_strdup (account_seeds[i].handle);
      info->display_name = g_strdup (account_seeds[i].display_name);
      info->server_url = g_strdup (account_seeds[i].server_url);
      info->state = g_strdup ("ok");
      g_ptr_array_add (self->accounts, info);
      self->by_account[i] = g_ptr_array_new ();
    }

  return self;
}

void
desk_synth_free (DeskSynth *self)
{
  if (self == NULL)
    return;

  for (guint i = 0; i < N_ACCOUNTS; i++)
    g_ptr_array_unref (self->by_account[i]);
  g_ptr_array_unref (self->customers);
  g_ptr_array_unref (self->accounts);
  g_rand_free (self->rand);
  g_free (self);
}

guint
desk_synth_get_n_accounts (DeskSynth *self)
{
  return N_ACCOUNTS;
}

const DeskAccountInfo *
desk_synth_get_account (DeskSynth *self,
                        guint      position)
{
  g_return_val_if_fail (position < N_ACCOUNTS, NULL);

  return g_ptr_array_index (self->accounts, position);
}

/* Randomness */

static gboolean
chance (DeskSynth *self,
        double     p)
{
  return g_rand_double (self->rand) < p;
}

static guint
below (DeskSynth *self,
       guint      n)
{
  g_assert (n > 0);
  return (guint) g_rand_int_range (self->rand, 0, (gint32) n);
}

#define PICK(self, array) ((array)[below ((self), G_N_ELEMENTS (array))])

/* A log-normal duration: most are near @median, a few much longer. */
static gint64
duration (DeskSynth *self,
          gint64     median,
          double     sigma,
          gint64     min,
          gint64     max)
{
  double u1 = MAX (g_rand_double (self->rand), 1e-12);
  double u2 = g_rand_double (self->rand);
  double normal = sqrt (-2.0 * log (u1)) * cos (2.0 * G_PI * u2);
  gint64 d = (gint64) (median * exp (sigma * normal));

  return CLAMP (d, min, max);
}

static guint
weighted (DeskSynth    *self,
          const guint  *weights,
          guint         n)
{
  guint total = 0;
  guint r;

  for (guint i = 0; i < n; i++)
    total += weights[i];

  r = below (self, total);
  for (guint i = 0; i < n; i++)
    {
      if (r < weights[i])
        return i;
      r -= weights[i];
    }

  g_assert_not_reached ();
  return 0;
}

static char *
random_chars (DeskSynth  *self,
              const char *alphabet,
              guint       n)
{
  gsize len = strlen (alphabet);
  char *s = g_malloc (n + 1);

  for (guint i = 0; i < n; i++)
    s[i] = alphabet[below (self, len)];
  s[n] = '\0';

  return s;
}

/* Identifiers the way each network spells them. The sequence number keeps them unique. */

static char *
snowflake (DeskSynth *self,
           gint64     time,
           gint64     epoch_ms)
{
  gint64 id = ((time / 1000 - epoch_ms) << 22) | (gint64) (self->sequence++ & 0x3fffff);

  return g_strdup_printf ("%" G_GINT64_FORMAT, id);
}

static char *
bluesky_tid (DeskSynth *self,
             gint64     time)
{
  static const char alphabet[] = "234567abcdefghijklmnopqrstuvwxyz";
  guint64 value = ((guint64) time << 10) | (self->sequence++ & 0x3ff);
  char tid[14];

  for (int i = 12; i >= 0; i--)
    {
      tid[i] = alphabet[value & 0x1f];
      value >>= 5;
    }
  tid[13] = '\0';

  return g_strdup (tid);
}

static char *
message_id (DeskSynth  *self,
            Customer   *customer,
            guint       account,
            const char *author_id,
            gint64      time)
{
  const char *network = account_seeds[account].network;

  if (g_str_equal (network, "bluesky"))
    {
      g_autofree char *tid = bluesky_tid (self, time);
      return g_strdup_printf ("at://%s/app.bsky.feed.post/%s", author_id, tid);
    }
  if (g_str_equal (network, "telegram"))
    return g_strdup_printf ("%s:%u", customer->remote_id, customer->next_message++);
  if (g_str_equal (network, "mastodon"))
    return snowflake (self, time, 0);

  return snowflake (self, time, G_GINT64_CONSTANT (1288834974657));
}

/* Customers */

static Lang
pick_lang (DeskSynth *self)
{
  static const guint weights[N_LANGS] = { 56, 18, 15, 11 };

  return (Lang) weighted (self, weights, N_LANGS);
}

static void
pick_name (DeskSynth    *self,
           Lang          lang,
           const Given **given,
           const Family **family)
{
  switch (lang)
    {
    case LANG_SL:
      *given = &PICK (self, given_sl);
      *family = &PICK (self, family_sl);
      break;
    case LANG_RU:
      *given = &PICK (self, given_ru);
      *family = &PICK (self, family_ru);
      break;
    case LANG_FA:
      *given = &PICK (self, given_fa);
      *family = &PICK (self, family_fa);
      break;
    case LANG_EN:
    case N_LANGS:
    default:
      *given = &PICK (self, given_en);
      *family = &PICK (self, family_en);
      break;
    }
}

static char *
ascii_lower (const char *latin)
{
  GString *s = g_string_new (NULL);

  for (const char *p = latin; *p != '\0'; p++)
    if (g_ascii_isalnum (*p))
      g_string_append_c (s, g_ascii_tolower (*p));

  return g_string_free (s, FALSE);
}

static char *
make_login (DeskSynth    *self,
            const Given  *given,
            const Family *family,
            const char   *separator)
{
  g_autofree char *g = ascii_lower (given->latin);
  g_autofree char *f = ascii_lower (family->latin);

  switch (below (self, 6))
    {
    case 0:
      return g_strdup_printf ("%s%s%s", g, separator, f);
    case 1:
      return g_strdup_printf ("%s%s", g, f);
    case 2:
      return g_strdup_printf ("%s%s%s%02u", g, separator, f, below (self, 100));
    case 3:
      return g_strdup_printf ("%s%c", g, f[0]);
    case 4:
      return g_strdup_printf ("%s%s%u", f, separator, 1970 + below (self, 38));
    default:
      return g_strdup_printf ("%s%s", g, PICK (self, ((const char * const[]) {
                                 "coffee", "_lj", "_bean", "draws", "runs", "_m", "x" })));
    }
}

static Customer *
new_customer (DeskSynth *self,
              guint      account)
{
  const char *network = account_seeds[account].network;
  Customer *customer = g_new0 (Customer, 1);
  const Family *family;
  g_autofree char *login = NULL;
  const char *last;
  guint n = self->customers->len;

  customer->account = account;
  customer->lang = pick_lang (self);
  /* Persian speakers on X and Telegram, Russian speakers on Telegram: a little more common. */
  if (customer->lang == LANG_EN && g_str_equal (network, "telegram") && chance (self, 0.2))
    customer->lang = LANG_RU;
  pick_name (self, customer->lang, &customer->given, &family);
  last = customer->given->female ? family->female : family->male;

  /* How people name themselves: full name, first name, an initial; a few in Latin letters
   * though they write in Persian or Russian, a few with an emoji. */
  if ((customer->lang == LANG_FA || customer->lang == LANG_RU) && chance (self, 0.25))
    customer->name = g_strdup_printf ("%s %s", customer->given->latin, family->latin);
  else
    {
      switch (below (self, 20))
        {
        case 0:
        case 1:
          customer->name = g_strdup (customer->given->name);
          break;
        case 2:
          customer->name = g_strdup_printf ("%s %.*s.", customer->given->name,
                                            (int) (g_utf8_next_char (last) - last), last);
          break;
        case 3:
          customer->name = g_strdup ("");
          break;
        default:
          customer->name = g_strdup_printf ("%s %s", customer->given->name, last);
          break;
        }
    }
  if (customer->name[0] != '\0' && chance (self, 0.1))
    {
      char *with_emoji = g_strdup_printf ("%s %s", customer->name, PICK (self, name_emoji));
      g_free (customer->name);
      customer->name = with_emoji;
    }

  if (g_str_equal (network, "bluesky"))
    {
      g_autofree char *did = random_chars (self, "abcdefghijklmnopqrstuvwxyz234567", 24);

      login = make_login (self, customer->given, family, "-");
      customer->remote_id = g_strdup_printf ("did:plc:%s", did);
      customer->handle = chance (self, 0.1)
        ? g_strdup_printf ("@%s.%s", login, PICK (self, ((const char * const[]) {
                             "com", "si", "dev", "eu", "net" })))
        : g_strdup_printf ("@%s.bsky.social", login);
      if (chance (self, 0.9))
        {
          g_autofree char *cid = random_chars (self, "abcdefghijklmnopqrstuvwxyz234567", 52);
          customer->avatar_url = g_strdup_printf ("https://cdn.bsky.app/img/avatar/plain/%s/"
                                                  "bafkrei%s@jpeg", customer->remote_id, cid);
        }
    }
  else if (g_str_equal (network, "mastodon"))
    {
      const char *server = PICK (self, mastodon_servers);
      guint64 id = G_GUINT64_CONSTANT (109000000000000000) + (guint64) n * 9973 +
                   below (self, 9973);
      g_autofree char *hash = random_chars (self, "0123456789abcdef", 16);

      login = make_login (self, customer->given, family, "_");
      customer->remote_id = g_strdup_printf ("https://%s/users/%s#%" G_GUINT64_FORMAT,
                                             server, login, id);
      customer->handle = g_strdup_printf ("@%s@%s", login, server);
      if (chance (self, 0.85))
        customer->avatar_url = g_strdup_printf ("https://%s/system/accounts/avatars/%03u/%03u/"
                                                "%03u/original/%s.png", server,
                                                (guint) (id / 1000000000000000 % 1000),
                                                (guint) (id / 1000000000000 % 1000),
                                                (guint) (id / 1000000000 % 1000), hash);
    }
  else if (g_str_equal (network, "telegram"))
    {
      guint64 id = G_GUINT64_CONSTANT (180000000) + (guint64) n * 47 + below (self, 47);

      login = make_login (self, customer->given, family, "_");
      customer->remote_id = g_strdup_printf ("%" G_GUINT64_FORMAT, id);
      /* Telegram users need not have a username. */
      customer->handle = chance (self, 0.75) ? g_strdup_printf ("@%s", login) : g_strdup ("");
      if (customer->name[0] == '\0')
        customer->name = g_strdup (customer->given->name);
      customer->next_message = 1 + below (self, 20);
    }
  else
    {
      guint64 id = G_GUINT64_CONSTANT (1100000000000000000) + (guint64) n * 100003 +
                   below (self, 100003);
      g_autofree char *pic = random_chars (self, "abcdefghijklmnopqrstuvwxyz"
                                                 "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 8);

      login = make_login (self, customer->given, family, "_");
      customer->remote_id = g_strdup_printf ("%" G_GUINT64_FORMAT, id);
      customer->handle = g_strdup_printf ("@%s", login);
      if (chance (self, 0.9))
        customer->avatar_url = g_strdup_printf ("https://pbs.twimg.com/profile_images/"
                                                "%" G_GUINT64_FORMAT "/%s_normal.jpg",
                                                id / 3 + 41, pic);
    }

  g_ptr_array_add (self->customers, customer);
  g_ptr_array_add (self->by_account[account], customer);

  return customer;
}

/* Text */

typedef struct
{
  const Customer *customer;
  Lang            reply_lang;
  char            order[16];
  guint           city;
  const char     *product;
  const char     *product2;
  guint           days;
  char            tracking[24];
  const char     *code;
  char            amount[16];
  const char     *company;
  const char     *agent;
} Slots;

static const char *
slot_value (const Slots *slots,
            Lang         lang,
            const char  *key,
            gsize        len,
            char        *buffer,
            gsize        buffer_size)
{
#define KEY(k) (len == strlen (k) && strncmp (key, k, len) == 0)
  if (KEY ("first"))
    return lang == slots->customer->lang ? slots->customer->given->name
                                         : slots->customer->given->latin;
  if (KEY ("order"))
    return slots->order;
  if (KEY ("city"))
    return cities[lang][slots->city];
  if (KEY ("product"))
    return slots->product;
  if (KEY ("product2"))
    return slots->product2;
  if (KEY ("days"))
    {
      g_snprintf (buffer, buffer_size, "%u", slots->days);
      return buffer;
    }
  if (KEY ("tracking"))
    return slots->tracking;
  if (KEY ("code"))
    return slots->code;
  if (KEY ("amount"))
    return slots->amount;
  if (KEY ("company"))
    return slots->company;
  if (KEY ("agent"))
    return slots->agent;
#undef KEY

  g_assert_not_reached ();
  return "";
}

static char *
expand (const char  *template,
        const Slots *slots,
        Lang         lang)
{
  GString *s = g_string_sized_new (strlen (template) + 32);

  for (const char *p = template; *p != '\0'; )
    {
      const char *end;
      char buffer[32];

      if (*p != '{' || (end = strchr (p, '}')) == NULL)
        {
          g_string_append_c (s, *p++);
          continue;
        }

      g_string_append (s, slot_value (slots, lang, p + 1, end - p - 1, buffer, sizeof buffer));
      p = end + 1;
    }

  return g_string_free (s, FALSE);
}

static const Template *
pick_template (DeskSynth         *self,
               const TemplateSet *set,
               Category           category,
               gboolean           closing)
{
  const Template *matches[64];
  guint n = 0;

  for (guint i = 0; i < set->n_items && n < G_N_ELEMENTS (matches); i++)
    {
      const Template *t = &set->items[i];

      if (closing ? t->category == CAT_PRAISE
                  : (category == CAT_ANY ? t->category == CAT_ANY : t->category == category))
        matches[n++] = t;
    }

  if (n > 0)
    return matches[below (self, n)];
  if (category >= 0 && !closing)
    return pick_template (self, set, CAT_FIRST, FALSE);

  return &set->items[below (self, set->n_items)];
}

static void
append_json_string (GString    *json,
                    const char *text)
{
  g_string_append_c (json, '"');
  for (const char *p = text; p != NULL && *p != '\0'; p++)
    {
      switch (*p)
        {
        case '"':
          g_string_append (json, "\\\"");
          break;
        case '\\':
          g_string_append (json, "\\\\");
          break;
        case '\n':
          g_string_append (json, "\\n");
          break;
        default:
          g_string_append_c (json, *p);
          break;
        }
    }
  g_string_append_c (json, '"');
}

/* A trimmed version of what each network's API returns, as a provider would keep it. */
static char *
make_raw_json (guint              account,
               const DeskMessage *m)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (m->created_at / G_USEC_PER_SEC);
  g_autofree char *iso = g_date_time_format (dt, "%Y-%m-%dT%H:%M:%S.000Z");
  const char *network = account_seeds[account].network;
  GString *json = g_string_sized_new (400);

  g_string_append (json, "{\"id\":");
  append_json_string (json, m->remote_id);
  g_string_append (json, ",\"created_at\":");
  append_json_string (json, iso);
  if (m->reply_to_id != NULL)
    {
      g_string_append (json, ",\"in_reply_to\":");
      append_json_string (json, m->reply_to_id);
    }
  g_string_append (json, ",\"account\":{\"id\":");
  append_json_string (json, m->author_id);
  g_string_append (json, ",\"acct\":");
  append_json_string (json, m->author_handle);
  g_string_append (json, ",\"display_name\":");
  append_json_string (json, m->author_name);
  g_string_append (json, "},");
  if (g_str_equal (network, "mastodon"))
    {
      g_string_append_printf (json, "\"visibility\":\"%s\",\"content\":",
                              m->kind == DESK_CONVERSATION_DM ? "direct" : "public");
      {
        g_autofree char *html = g_strdup_printf ("<p>%s</p>", m->text);
        append_json_string (json, html);
      }
    }
  else
    {
      g_string_append (json, "\"text\":");
      append_json_string (json, m->text);
    }
  g_string_append_c (json, '}');

  return g_string_free (json, FALSE);
}

/* Conversations */

static gint64
local_hour (gint64 time)
{
  return ((time + LOCAL_OFFSET) % DAY) / HOUR;
}

static gint64
pick_start (DeskSynth *self)
{
  /* Customers write from breakfast to late evening, local time. */
  static const guint hour_weights[24] = {
    1, 1, 1, 1, 1, 1, 2, 3, 5, 8, 8, 8, 7, 7, 7, 7, 7, 6, 6, 6, 6, 5, 3, 2,
  };
  gint64 midnight = self->now - ((self->now + LOCAL_OFFSET) % DAY);

  for (guint attempt = 0; attempt < 16; attempt++)
    {
      gint64 day = below (self, DAYS_OF_HISTORY);
      gint64 start = midnight - day * DAY + weighted (self, hour_weights, 24) * HOUR +
                     (gint64) (g_rand_double (self->rand) * HOUR);

      if (start < self->now - MINUTE)
        return start;
    }

  return self->now - duration (self, 2 * HOUR, 1.0, MINUTE, 12 * HOUR);
}

/* Replies come in the shop's opening hours, 7:00 to 23:00. */
static gint64
during_opening_hours (DeskSynth *self,
                      gint64     time)
{
  gint64 hour = local_hour (time);

  if (hour >= 7)
    return time;

  return time - ((time + LOCAL_OFFSET) % DAY) + 7 * HOUR +
         (gint64) (g_rand_double (self->rand) * 90 * MINUTE);
}

static guint
next_length (DeskSynth *self)
{
  guint length;

  /* Balanced pairs: the total is always the mean times the number of conversations. */
  if (self->pending_count >= 0)
    {
      length = (guint) self->pending_count;
      self->pending_count = -1;
    }
  else
    {
      guint spread = below (self, self->mean);

      length = self->mean + spread;
      self->pending_count = (int) (self->mean - spread);
    }

  return length;
}

static guint
pick_account (DeskSynth *self)
{
  guint weights[N_ACCOUNTS];

  for (guint i = 0; i < N_ACCOUNTS; i++)
    weights[i] = account_seeds[i].weight;

  return weighted (self, weights, N_ACCOUNTS);
}

static const TemplateSet *
set_for (const TemplateSet *sets,
         Lang               lang)
{
  return &sets[lang];
}

/* Generates one conversation of @n_messages messages into @per_account. */
static void
generate_conversation (DeskSynth  *self,
                       guint       n_messages,
                       GPtrArray **per_account,
                       Plan       *plan)
{
  const AccountSeed *seed;
  const DeskAccountInfo *account;
  g_autofree gint64 *times = NULL;
  g_autofree gboolean *incoming = NULL;
  g_autofree char *previous_id = NULL;
  Customer *customer = NULL;
  const Template *opener;
  const Template *last_followup = NULL;
  Category category;
  Slots slots = { 0 };
  gboolean replied = FALSE;
  gboolean want_last_in;
  gboolean thanks;
  gint64 start;

  g_assert (n_messages > 0);

  plan->account = pick_account (self);
  seed = &account_seeds[plan->account];
  account = g_ptr_array_index (self->accounts, plan->account);

  plan->kind = seed->mention == NULL || chance (self, seed->dm_percent / 100.0)
                 ? DESK_CONVERSATION_DM : DESK_CONVERSATION_PUBLIC;

  /* Regulars come back, in public threads (a DM is one thread per person, but on Mastodon). */
  if ((plan->kind == DESK_CONVERSATION_PUBLIC || g_str_equal (seed->network, "mastodon")) &&
      self->by_account[plan->account]->len > 0 && chance (self, 0.2))
    {
      GPtrArray *regulars = self->by_account[plan->account];
      customer = g_ptr_array_index (regulars, below (self, regulars->len));
    }
  if (customer == NULL)
    customer = new_customer (self, plan->account);

  /* What it is about */
  opener = pick_template (self, set_for (openers, customer->lang),
                          (Category) below (self, N_CATS), FALSE);
  category = opener->category;

  slots.customer = customer;
  slots.reply_lang = customer->lang == LANG_FA && chance (self, 0.5) ? LANG_EN : customer->lang;
  g_snprintf (slots.order, sizeof slots.order, "#%u", 1000 + below (self, 9000));
  slots.city = below (self, G_N_ELEMENTS (cities[0]));
  slots.product = PICK (self, products);
  slots.product2 = PICK (self, products);
  slots.days = 3 + below (self, 12);
  g_snprintf (slots.tracking, sizeof slots.tracking, "%s%08u%uSI",
              PICK (self, ((const char * const[]) { "RR", "CP", "LP", "PS" })),
              below (self, 100000000), below (self, 10));
  slots.code = PICK (self, codes);
  g_snprintf (slots.amount, sizeof slots.amount, "€%u.%02u", 9 + below (self, 80),
              PICK (self, ((const guint[]) { 0, 50, 90, 99, 40 })));
  slots.company = PICK (self, companies);
  slots.agent = PICK (self, agents);

  /* When: the first message, then the rhythm of a chat; recent ones still waiting more often. */
  start = pick_start (self);
  want_last_in = chance (self, self->now - start < DAY ? 0.6 : 0.25);
  if (n_messages == 1)
    want_last_in = TRUE;
  thanks = want_last_in && n_messages >= 3 && chance (self, 0.35);

  incoming = g_new0 (gboolean, n_messages);
  times = g_new0 (gint64, n_messages);
  incoming[0] = TRUE;
  /* Customers send a second message before the answer now and then; agents rarely do. */
  for (guint j = 1; j < n_messages; j++)
    incoming[j] = chance (self, incoming[j - 1] ? 0.8 : 0.95) ? !incoming[j - 1]
                                                              : incoming[j - 1];
  incoming[n_messages - 1] = want_last_in;
  if (thanks)
    incoming[n_messages - 2] = FALSE;

  times[0] = start;
  for (guint j = 1; j < n_messages; j++)
    {
      gint64 gap;

      if (incoming[j] == incoming[j - 1])
        gap = duration (self, MINUTE, 1.0, 10 * G_USEC_PER_SEC, 10 * MINUTE);
      else if (incoming[j])
        gap = duration (self, 20 * MINUTE, 1.3, 30 * G_USEC_PER_SEC, 2 * DAY);
      else
        gap = duration (self, 35 * MINUTE, 1.1, 90 * G_USEC_PER_SEC, 20 * HOUR);

      times[j] = times[j - 1] + gap;
      if (!incoming[j])
        times[j] = during_opening_hours (self, times[j]);
    }

  /* A conversation that would run into the future is a lively one happening now. */
  if (times[n_messages - 1] > self->now - 30 * G_USEC_PER_SEC && n_messages > 1)
    {
      gint64 end = self->now - duration (self, 4 * MINUTE, 1.2, 5 * G_USEC_PER_SEC, 3 * HOUR);
      double f;

      if (end <= start + n_messages)
        end = start + (gint64) ((self->now - start) * (0.3 + 0.65 * g_rand_double (self->rand)));
      f = (double) (end - start) / (double) (times[n_messages - 1] - start);

      for (guint j = 1; j < n_messages; j++)
        times[j] = start + (gint64) ((times[j] - start) * f) + j;
    }

  /* The messages */
  for (guint j = 0; j < n_messages; j++)
    {
      DeskMessage *m = desk_message_new ();
      g_autofree char *body = NULL;
      const char *prefix = NULL;

      m->kind = plan->kind;
      m->direction = incoming[j] ? DESK_DIRECTION_IN : DESK_DIRECTION_OUT;
      m->created_at = times[j];
      m->remote_id = message_id (self, customer, plan->account,
                                 incoming[j] ? customer->remote_id : account->remote_id,
                                 m->created_at);

      if (incoming[j])
        {
          m->author_id = g_strdup (customer->remote_id);
          m->author_handle = g_strdup (customer->handle);
          m->author_name = g_strdup (customer->name);
          m->author_avatar_url = g_strdup (customer->avatar_url);

          if (j == 0)
            body = expand (opener->text, &slots, customer->lang);
          else
            {
              const TemplateSet *set = set_for (followups, customer->lang);
              gboolean closing = thanks && j == n_messages - 1;
              const Template *t = pick_template (self, set, CAT_ANY, closing);

              /* Nobody writes "Any update?" twice in a row. */
              for (guint retry = 0; retry < 3 && t == last_followup; retry++)
                t = pick_template (self, set, CAT_ANY, closing);
              last_followup = t;
              body = expand (t->text, &slots, customer->lang);
            }

          if (plan->kind == DESK_CONVERSATION_PUBLIC && (j == 0 || chance (self, 0.5)))
            prefix = seed->mention;
        }
      else
        {
          m->author_id = g_strdup (account->remote_id);
          m->author_handle = g_strdup (account->handle);
          m->author_name = g_strdup (account->display_name);
          /* Another agent takes over now and then. */
          if (replied && chance (self, 0.15))
            slots.agent = PICK (self, agents);
          m->agent_initials = g_strdup (slots.agent);

          body = expand (pick_template (self, set_for (replies, slots.reply_lang),
                                        replied ? CAT_ANY : category, FALSE)->text,
                         &slots, slots.reply_lang);
          replied = TRUE;

          /* Bluesky replies carry no mention in their text. */
          if (plan->kind == DESK_CONVERSATION_PUBLIC && customer->handle[0] != '\0' &&
              !g_str_equal (seed->network, "bluesky"))
            prefix = customer->handle;
        }

      if (prefix != NULL && g_str_equal (seed->network, "mastodon") && prefix[0] == '@')
        {
          /* Mastodon shows a mention without the server: "@ana_kovac". */
          g_autofree char *user = g_strdup (prefix);
          char *at = strchr (user + 1, '@');

          if (at != NULL)
            *at = '\0';
          m->text = g_strdup_printf ("%s %s", user, body);
        }
      else if (prefix != NULL)
        m->text = g_strdup_printf ("%s %s", prefix, body);
      else
        m->text = g_steal_pointer (&body);

      if (plan->kind == DESK_CONVERSATION_DM)
        {
          if (g_str_equal (seed->network, "telegram"))
            plan->thread_id = plan->thread_id ? plan->thread_id : g_strdup (customer->remote_id);
          else if (g_str_equal (seed->network, "x"))
            plan->thread_id = plan->thread_id ? plan->thread_id
                                              : g_strdup_printf ("%s-%s", account->remote_id,
                                                                 customer->remote_id);
          else if (g_str_equal (seed->network, "bluesky"))
            plan->thread_id = plan->thread_id ? plan->thread_id
                                              : g_strdup_printf ("3l%s", customer->remote_id + 8);
        }
      if (plan->thread_id == NULL)
        plan->thread_id = g_strdup (m->remote_id);  /* a public thread is named by its root */

      m->thread_id = g_strdup (plan->thread_id);
      m->reply_to_id = g_steal_pointer (&previous_id);
      previous_id = g_strdup (m->remote_id);
      m->raw_json = make_raw_json (plan->account, m);

      g_ptr_array_add (per_account[plan->account], m);
    }

  plan->last_at = times[n_messages - 1];
  plan->last_in = incoming[n_messages - 1];

  /* What the agents did by hand: close old threads, mark thanked ones done. */
  plan->status = -1;
  if (!plan->last_in)
    {
      if (chance (self, self->now - plan->last_at > 2 * DAY ? 0.75 : 0.2))
        plan->status = DESK_CONVERSATION_CLOSED;
    }
  else if (thanks)
    {
      double r = g_rand_double (self->rand);

      if (r < 0.4)
        plan->status = DESK_CONVERSATION_ANSWERED;
      else if (r < 0.85)
        plan->status = DESK_CONVERSATION_CLOSED;
    }
  else if (self->now - plan->last_at > 4 * DAY && chance (self, 0.35))
    plan->status = DESK_CONVERSATION_CLOSED;

  plan->tags = 0;
  if (category_tag[category] >= 0 && chance (self, 0.55))
    plan->tags |= 1u << category_tag[category];
  if (chance (self, 0.03))
    plan->tags |= 1u << TAG_VIP;
  if (chance (self, category == CAT_LATE || category == CAT_DAMAGED ? 0.15 : 0.04))
    plan->tags |= 1u << TAG_URGENT;
}

static int
compare_messages (gconstpointer a,
                  gconstpointer b)
{
  const DeskMessage *ma = *(const DeskMessage * const *) a;
  const DeskMessage *mb = *(const DeskMessage * const *) b;

  if (ma->created_at != mb->created_at)
    return ma->created_at < mb->created_at ? -1 : 1;
  return g_strcmp0 (ma->remote_id, mb->remote_id);
}

static int
compare_batches (gconstpointer a,
                 gconstpointer b)
{
  const DeskSynthBatch *ba = *(const DeskSynthBatch * const *) a;
  const DeskSynthBatch *bb = *(const DeskSynthBatch * const *) b;
  const DeskMessage *ma = g_ptr_array_index (ba->messages, 0);
  const DeskMessage *mb = g_ptr_array_index (bb->messages, 0);

  if (ma->created_at != mb->created_at)
    return ma->created_at < mb->created_at ? -1 : 1;
  return (int) ba->account - (int) bb->account;
}

void
desk_synth_batch_free (DeskSynthBatch *batch)
{
  if (batch == NULL)
    return;

  g_ptr_array_unref (batch->messages);
  g_free (batch->cursor);
  g_free (batch);
}

/* Cuts each account's messages, oldest first, into batches, the way a sync pages through a
 * timeline; the accounts' batches are interleaved in time. Empties @per_account. */
static GPtrArray *
make_batches (GPtrArray **per_account,
              guint       batch_size)
{
  GPtrArray *batches = g_ptr_array_new_with_free_func ((GDestroyNotify) desk_synth_batch_free);

  for (guint a = 0; a < N_ACCOUNTS; a++)
    {
      GPtrArray *messages = per_account[a];

      g_ptr_array_sort (messages, compare_messages);

      for (guint i = 0; i < messages->len; i += batch_size)
        {
          DeskSynthBatch *batch = g_new0 (DeskSynthBatch, 1);
          guint n = MIN (batch_size, messages->len - i);
          const DeskMessage *last = g_ptr_array_index (messages, i + n - 1);

          batch->account = a;
          batch->messages = g_ptr_array_new_full (n, (GDestroyNotify) desk_message_free);
          for (guint k = 0; k < n; k++)
            g_ptr_array_add (batch->messages, g_ptr_array_index (messages, i + k));
          batch->cursor = g_strdup (last->remote_id);
          g_ptr_array_add (batches, batch);
        }

      /* The batches own the messages now. */
      g_ptr_array_set_free_func (messages, NULL);
      g_ptr_array_set_size (messages, 0);
      g_ptr_array_set_free_func (messages, (GDestroyNotify) desk_message_free);
    }

  g_ptr_array_sort (batches, compare_batches);

  return batches;
}

static void
new_per_account (GPtrArray **per_account)
{
  for (guint a = 0; a < N_ACCOUNTS; a++)
    per_account[a] = g_ptr_array_new_with_free_func ((GDestroyNotify) desk_message_free);
}

static void
free_per_account (GPtrArray **per_account)
{
  for (guint a = 0; a < N_ACCOUNTS; a++)
    g_clear_pointer (&per_account[a], g_ptr_array_unref);
}

/**
 * desk_synth_generate_batches:
 * @n_messages: exactly this many messages
 * @batch_size: messages per batch, at most
 *
 * Generates conversations worth @n_messages messages, without storing them.
 *
 * Returns: (transfer full) (element-type DeskSynthBatch): the batches, in the order a sync of
 *   all accounts would fetch them
 */
GPtrArray *
desk_synth_generate_batches (DeskSynth *self,
                             guint      n_messages,
                             guint      batch_size)
{
  GPtrArray *per_account[N_ACCOUNTS];
  GPtrArray *batches;
  guint done = 0;

  g_return_val_if_fail (batch_size > 0, NULL);

  new_per_account (per_account);

  while (done < n_messages)
    {
      Plan plan = { 0 };
      guint length = MIN (next_length (self), n_messages - done);

      if (length == 0)
        continue;

      generate_conversation (self, length, per_account, &plan);
      done += length;
      plan_clear (&plan);
    }

  batches = make_batches (per_account, batch_size);
  free_per_account (per_account);

  return batches;
}

/* Filling a store */

static gint64
find_conversation (sqlite3     *db,
                   gint64       account_id,
                   const Plan  *plan,
                   GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  gint64 id = 0;
  int rc;

  /* The core API has no lookup by thread yet; read-only, on the store's own connection. */
  rc = sqlite3_prepare_v2 (db, "SELECT id FROM conversations"
                               " WHERE account_id = ?1 AND kind = ?2 AND remote_thread_id = ?3",
                           -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_int64 (stmt, 1, account_id);
      sqlite3_bind_text (stmt, 2, plan->kind == DESK_CONVERSATION_DM ? "dm" : "public", -1,
                         SQLITE_STATIC);
      sqlite3_bind_text (stmt, 3, plan->thread_id, -1, SQLITE_STATIC);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        id = sqlite3_column_int64 (stmt, 0);
    }
  sqlite3_finalize (stmt);

  if (rc != SQLITE_ROW)
    {
      if (rc == SQLITE_DONE)
        g_set_error (error, DESK_STORE_ERROR, DESK_STORE_ERROR_NOT_FOUND,
                     "conversation %s was not stored", plan->thread_id);
      else
        desk_store_set_error_from_sqlite (error, db, rc, "find a conversation");
    }

  return id;
}

static gint64
add_or_find_tag (DeskStore      *store,
                 const TagSeed  *tag,
                 GError        **error)
{
  g_autoptr(GError) local_error = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 id;

  id = desk_store_add_tag (store, tag->name, tag->color, &local_error);
  if (id != 0)
    return id;

  if (!g_error_matches (local_error, DESK_STORE_ERROR, DESK_STORE_ERROR_INVALID))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return 0;
    }

  /* Filling a store again: the tag is there already. */
  if (sqlite3_prepare_v2 (desk_store_get_db (store), "SELECT id FROM tags WHERE name = ?1", -1,
                          &stmt, NULL) == SQLITE_OK)
    {
      sqlite3_bind_text (stmt, 1, tag->name, -1, SQLITE_STATIC);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        id = sqlite3_column_int64 (stmt, 0);
    }
  sqlite3_finalize (stmt);

  if (id == 0)
    g_propagate_error (error, g_steal_pointer (&local_error));

  return id;
}

static guint
count_rows (sqlite3    *db,
            const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  guint n = 0;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    n = (guint) sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);

  return n;
}

/**
 * desk_synth_fill:
 * @n_conversations: how many conversations to add
 * @batch_size: messages per desk_store_ingest() call
 * @progress: (nullable): called after each chunk of conversations
 * @report: (out caller-allocates): what was stored
 *
 * Adds the accounts, the tags and @n_conversations conversations to @store through the core
 * API: desk_store_ingest() per account in batches, then desk_store_tag_conversation() and
 * desk_store_set_status() for the conversations agents tagged, answered or closed.
 */
gboolean
desk_synth_fill (DeskSynth         *self,
                 DeskStore         *store,
                 guint              n_conversations,
                 guint              batch_size,
                 DeskSynthProgress  progress,
                 gpointer           user_data,
                 DeskSynthReport   *report,
                 GError           **error)
{
  GPtrArray *per_account[N_ACCOUNTS] = { NULL, };
  gint64 account_ids[N_ACCOUNTS];
  gint64 tag_ids[G_N_ELEMENTS (tag_seeds)];
  g_autoptr(GArray) plans = NULL;
  sqlite3 *db = desk_store_get_db (store);
  gboolean ret = FALSE;
  guint done = 0;

  g_return_val_if_fail (batch_size > 0, FALSE);

  memset (report, 0, sizeof *report);
  report->oldest = G_MAXINT64;

  for (guint a = 0; a < N_ACCOUNTS; a++)
    {
      account_ids[a] = desk_store_add_account (store, g_ptr_array_index (self->accounts, a),
                                               error);
      if (account_ids[a] == 0)
        return FALSE;
      report->n_accounts++;
    }

  for (guint t = 0; t < G_N_ELEMENTS (tag_seeds); t++)
    {
      tag_ids[t] = add_or_find_tag (store, &tag_seeds[t], error);
      if (tag_ids[t] == 0)
        return FALSE;
      report->n_tags++;
    }

  plans = g_array_new (FALSE, TRUE, sizeof (Plan));
  g_array_set_clear_func (plans, (GDestroyNotify) plan_clear);
  new_per_account (per_account);

  while (done < n_conversations)
    {
      g_autoptr(GPtrArray) batches = NULL;
      guint chunk = MIN (FILL_CHUNK, n_conversations - done);

      g_array_set_size (plans, 0);
      for (guint i = 0; i < chunk; i++)
        {
          Plan plan = { 0 };

          generate_conversation (self, next_length (self), per_account, &plan);
          g_array_append_val (plans, plan);
          report->n_dms += plan.kind == DESK_CONVERSATION_DM;
          report->newest = MAX (report->newest, plan.last_at);
        }

      batches = make_batches (per_account, batch_size);
      for (guint b = 0; b < batches->len; b++)
        {
          DeskSynthBatch *batch = g_ptr_array_index (batches, b);
          const DeskMessage *first = g_ptr_array_index (batch->messages, 0);
          guint added = 0;

          if (!desk_store_ingest (store, account_ids[batch->account], batch->messages,
                                  "inbox", batch->cursor, &added, error))
            goto out;

          report->oldest = MIN (report->oldest, first->created_at);
          report->n_messages += added;
          report->n_batches++;
        }

      for (guint i = 0; i < plans->len; i++)
        {
          const Plan *plan = &g_array_index (plans, Plan, i);
          gint64 id = find_conversation (db, account_ids[plan->account], plan, error);

          if (id == 0)
            goto out;

          for (guint t = 0; t < G_N_ELEMENTS (tag_seeds); t++)
            {
              if ((plan->tags & (1u << t)) == 0)
                continue;
              if (!desk_store_tag_conversation (store, id, tag_ids[t], TRUE, error))
                goto out;
              report->n_tag_links++;
            }

          if (plan->status >= 0)
            {
              if (!desk_store_set_status (store, id, plan->status, error))
                goto out;
              report->n_status_changes++;
            }
        }

      done += chunk;
      if (progress != NULL)
        progress (done, n_conversations, user_data);
    }

  report->n_conversations = count_rows (db, "SELECT count(*) FROM conversations");
  report->n_contacts = count_rows (db, "SELECT count(*) FROM contacts");
  report->n_open = count_rows (db, "SELECT count(*) FROM conversations WHERE status = 'open'");
  report->n_answered = count_rows (db, "SELECT count(*) FROM conversations"
                                       " WHERE status = 'answered'");
  report->n_closed = count_rows (db, "SELECT count(*) FROM conversations WHERE status = 'closed'");
  ret = TRUE;

out:
  free_per_account (per_account);

  return ret;
}
