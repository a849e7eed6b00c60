"""Hand-built pages for the encoding bench and tests: short news articles in seventeen
languages, encoded in each charset a site may serve them in, with right, wrong, missing,
junk and misplaced declarations in the HTTP header and in the page.

Each :class:`Case` carries the bytes, the Content-Type header (or None) and the text the
body must contain; ``cases()`` builds the whole set deterministically.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass


@dataclass(frozen=True)
class Text:
    lang: str
    title: str
    paragraphs: tuple[str, ...]


TEXTS: dict[str, Text] = {t.lang: t for t in (
    Text("ru", "Учёные представили новую языковую модель для медицины", (
        "В понедельник исследователи из Новосибирска представили языковую модель, которая "
        "помогает врачам составлять выписки и искать сведения о редких заболеваниях. По "
        "словам разработчиков, система обучалась на обезличенных историях болезни и "
        "проверялась в трёх городских больницах.",
        "Независимые эксперты отмечают, что модель реже ошибается в дозировках лекарств, "
        "чем предыдущие версии, однако окончательное решение по-прежнему остаётся за врачом. "
        "Клиники планируют расширить испытания до конца года.")),
    Text("uk", "Український стартап отримав інвестиції на розвиток штучного інтелекту", (
        "Київська компанія, що розробляє системи розпізнавання мовлення, залучила нове "
        "фінансування від європейських інвесторів. Гроші підуть на навчання моделей, які "
        "краще розуміють українську мову та її діалекти.",
        "Засновники розповіли, що вже наступної весни сервіс з'явиться в мобільних "
        "застосунках банків і державних установ. Експерти вважають, що це допоможе людям "
        "похилого віку отримувати послуги без черг.")),
    Text("zh", "人工智能公司发布新一代翻译模型", (
        "北京一家人工智能公司周二发布了新一代机器翻译模型，该模型支持四十多种语言，并能在手机上"
        "离线运行。公司表示，新模型的翻译速度比上一代提高了一倍，错误率明显下降。",
        "业内专家认为，离线翻译对于网络条件较差的地区尤其重要。不过也有研究人员指出，模型在处理"
        "方言和专业术语时仍存在不足，需要更多真实数据进行改进。")),
    Text("zh-Hant", "研究團隊開發出可預測颱風路徑的人工智慧系統", (
        "臺灣一所大學的研究團隊日前發表一套人工智慧系統，能夠提前五天預測颱風的移動路徑。研究人員"
        "表示，這套系統結合了衛星影像與歷年氣象資料，準確度高於傳統的數值模式。",
        "氣象專家指出，若能及早掌握颱風動向，地方政府便有更多時間安排疏散與防災工作。團隊計畫明年"
        "與氣象單位合作，將系統正式應用於預報業務。")),
    Text("ja", "国内企業が日本語に特化した大規模言語モデルを公開", (
        "東京に本社を置くソフトウェア企業は十日、日本語の文章作成や要約に特化した大規模言語モデル"
        "を公開した。同社によると、新しいモデルは行政文書や契約書の読み取りで高い精度を示したという。",
        "専門家は、国産モデルの登場によって企業が機密情報を海外のサーバーに送らずに済むようになると"
        "評価している。一方で、学習データの著作権をめぐる議論は今後も続きそうだ。")),
    Text("ko", "국내 연구진, 의료 영상 분석하는 인공지능 개발", (
        "서울의 한 대학병원 연구진이 엑스레이와 컴퓨터단층촬영 영상을 분석해 폐 질환을 찾아내는 "
        "인공지능을 개발했다고 밝혔다. 연구진은 이 시스템이 전문의와 비슷한 수준의 정확도를 "
        "보였다고 설명했다.",
        "병원 측은 내년부터 응급실에서 시범 운영을 시작할 계획이다. 다만 전문가들은 인공지능의 "
        "판단을 그대로 믿기보다는 의사가 최종 확인하는 절차가 반드시 필요하다고 강조했다.")),
    Text("el", "Ελληνική εταιρεία παρουσίασε σύστημα τεχνητής νοημοσύνης για τη γεωργία", (
        "Μια νεοφυής εταιρεία από τη Θεσσαλονίκη παρουσίασε την Τρίτη ένα σύστημα που αναλύει "
        "δορυφορικές εικόνες και προειδοποιεί τους αγρότες για ασθένειες των καλλιεργειών. "
        "Σύμφωνα με την εταιρεία, η εφαρμογή δοκιμάστηκε σε ελαιώνες της Χαλκιδικής.",
        "Οι παραγωγοί που συμμετείχαν στη δοκιμή ανέφεραν ότι μείωσαν τη χρήση φυτοφαρμάκων "
        "κατά σχεδόν ένα τρίτο. Η εταιρεία σχεδιάζει να επεκταθεί στην Κύπρο και την Ιταλία "
        "μέσα στον επόμενο χρόνο.")),
    Text("ar", "شركة ناشئة تطلق مساعدا ذكيا باللغة العربية", (
        "أعلنت شركة ناشئة في دبي يوم الأربعاء عن إطلاق مساعد ذكي يفهم اللهجات العربية المختلفة "
        "ويجيب عن أسئلة العملاء على مدار الساعة. وقال مؤسس الشركة إن النظام تم تدريبه على "
        "ملايين المحادثات من عدة دول عربية.",
        "ويرى خبراء أن دعم اللهجات المحلية يمثل تحديا كبيرا لأنظمة الذكاء الاصطناعي، إذ تختلف "
        "المفردات والتراكيب من بلد إلى آخر. وتخطط الشركة لتوسيع خدماتها إلى مصر والمغرب العام "
        "المقبل.")),
    Text("he", "חברה ישראלית פיתחה מערכת לזיהוי דליפות מים", (
        "חברת הזנק מתל אביב הציגה השבוע מערכת המבוססת על בינה מלאכותית, המזהה דליפות בצנרת "
        "העירונית באמצעות חיישנים קוליים. לדברי החברה, המערכת כבר הותקנה בשלוש ערים ואיתרה "
        "עשרות תקלות לפני שגרמו לנזק.",
        "מומחים בתחום המים אומרים כי דליפות אחראיות לאובדן של כעשרים אחוז מהמים המסופקים "
        "לצרכנים. החברה מתכננת להרחיב את הפעילות לאירופה בשנה הבאה.")),
    Text("tr", "Türk mühendisler depremleri izleyen bir yapay zekâ geliştirdi", (
        "İstanbul'daki bir üniversitenin araştırmacıları, sismik verileri inceleyerek küçük "
        "sarsıntılardaki olağan dışı örüntüleri tespit eden bir yazılım geliştirdi. Ekip, "
        "sistemin son iki yılda bölgede yaşanan depremlerin verileriyle test edildiğini açıkladı.",
        "Uzmanlar ise depremlerin kesin olarak tahmin edilmesinin hâlâ mümkün olmadığını, ancak "
        "bu tür çalışmaların erken uyarı sistemlerini güçlendirebileceğini vurguluyor.")),
    Text("pl", "Polscy naukowcy stworzyli model językowy do analizy dokumentów sądowych", (
        "Zespół badaczy z Politechniki Wrocławskiej zaprezentował w czwartek model językowy, "
        "który pomaga prawnikom przeszukiwać orzeczenia sądów i streszczać akta spraw. Według "
        "autorów narzędzie skraca czas przygotowania opinii nawet o połowę.",
        "Sędziowie, którzy testowali system, zwracają uwagę, że wciąż zdarzają mu się błędy w "
        "cytowaniu przepisów. Twórcy zapowiadają udostępnienie bezpłatnej wersji dla "
        "organizacji pozarządowych jeszcze w tym roku.")),
    Text("de", "Forscher in München stellen KI für die Verkehrsplanung vor", (
        "Ein Team der Technischen Universität München hat am Mittwoch ein System vorgestellt, "
        "das Staus auf den Straßen der Stadt vorhersagen soll. Nach Angaben der Forscher "
        "wertet die Software Daten von Ampeln, Bussen und Baustellen aus und schlägt "
        "Umleitungen vor.",
        "Die Stadtverwaltung will das Verfahren zunächst in zwei Bezirken erproben. Kritiker "
        "bemängeln, dass für die Auswertung große Mengen an Bewegungsdaten nötig seien, und "
        "fordern strenge Regeln für den Datenschutz.")),
    Text("fr", "Une start-up lyonnaise lève des fonds pour son assistant de rédaction", (
        "La jeune entreprise, fondée il y a deux ans à Lyon, a annoncé mardi une levée de "
        "fonds de douze millions d'euros. Son logiciel aide les rédactions à vérifier les "
        "citations et à repérer les erreurs factuelles avant la publication des articles.",
        "Selon le cofondateur, l'outil est déjà utilisé par une dizaine de journaux "
        "régionaux. Il prévoit de recruter une quarantaine d'ingénieurs et de s'implanter en "
        "Belgique et en Suisse d'ici à la fin de l'année.")),
    Text("vi", "Doanh nghiệp Việt Nam ra mắt trợ lý ảo hỗ trợ nông dân", (
        "Một công ty công nghệ tại Thành phố Hồ Chí Minh vừa giới thiệu trợ lý ảo có thể trả "
        "lời câu hỏi của nông dân về thời tiết, sâu bệnh và giá cả nông sản. Theo công ty, "
        "ứng dụng hiểu được giọng nói của nhiều vùng miền khác nhau.",
        "Các chuyên gia cho rằng công cụ này sẽ giúp người dân ở vùng sâu vùng xa tiếp cận "
        "thông tin nhanh hơn. Tuy nhiên, họ cũng lưu ý rằng cần có thêm dữ liệu thực tế để "
        "nâng cao độ chính xác.")),
    Text("th", "นักวิจัยไทยพัฒนาระบบปัญญาประดิษฐ์ตรวจโรคข้าว", (
        "ทีมนักวิจัยจากมหาวิทยาลัยในเชียงใหม่เปิดตัวแอปพลิเคชันที่ใช้ปัญญาประดิษฐ์วิเคราะห์ภาพใบข้าว "
        "เพื่อช่วยเกษตรกรตรวจหาโรคได้ตั้งแต่ระยะแรก นักวิจัยระบุว่าระบบมีความแม่นยำมากกว่าร้อยละ"
        "เก้าสิบในการทดสอบภาคสนาม",
        "เกษตรกรที่เข้าร่วมโครงการกล่าวว่าแอปช่วยลดการใช้สารเคมีและประหยัดค่าใช้จ่ายได้มาก "
        "หน่วยงานรัฐมีแผนจะขยายการใช้งานไปยังจังหวัดอื่นในปีหน้า")),
    Text("hi", "भारतीय वैज्ञानिकों ने किसानों के लिए एआई आधारित मौसम सेवा शुरू की", (
        "बेंगलुरु के एक शोध संस्थान ने मंगलवार को एक नई सेवा शुरू की, जो किसानों को उनके गांव के "
        "लिए अगले दस दिनों के मौसम का अनुमान स्थानीय भाषा में भेजती है। संस्थान के अनुसार, यह "
        "प्रणाली उपग्रह आंकड़ों और स्थानीय मौसम केंद्रों की जानकारी का उपयोग करती है।",
        "कृषि विशेषज्ञों का मानना है कि सही समय पर मिली जानकारी से फसल का नुकसान कम किया जा "
        "सकता है। सरकार इस सेवा को अगले साल तक सभी राज्यों में उपलब्ध कराने की योजना बना "
        "रही है।")),
)}

#: The legacy charsets each language is served in (Python codec, the label a site writes).
LEGACY: dict[str, tuple[tuple[str, str], ...]] = {
    "ru": (("cp1251", "windows-1251"), ("koi8_r", "koi8-r")),
    "uk": (("cp1251", "windows-1251"), ("koi8_u", "koi8-u")),
    "zh": (("gb2312", "gb2312"), ("gbk", "gbk"), ("gb18030", "gb18030")),
    "zh-Hant": (("big5", "big5"),),
    "ja": (("shift_jis", "shift_jis"), ("euc_jp", "euc-jp"), ("iso2022_jp", "iso-2022-jp")),
    "ko": (("cp949", "euc-kr"),),
    "el": (("cp1253", "windows-1253"), ("iso8859_7", "iso-8859-7")),
    "ar": (("cp1256", "windows-1256"), ("iso8859_6", "iso-8859-6")),
    "he": (("cp1255", "windows-1255"), ("iso8859_8", "iso-8859-8")),
    "tr": (("cp1254", "windows-1254"),),
    "pl": (("cp1250", "windows-1250"), ("iso8859_2", "iso-8859-2")),
    "de": (("cp1252", "windows-1252"), ("latin_1", "iso-8859-1")),
    "fr": (("cp1252", "windows-1252"), ("latin_1", "iso-8859-1")),
    "th": (("cp874", "tis-620"),),
    "vi": (),
    "hi": (),
}
#: Charsets whose letters are Latin: declaring cp1252 for them is not a mis-declaration
#: a byte-pattern check can see (a Turkish "ş" read as "þ" is still a letter).
LATIN = {"cp1252", "latin_1", "cp1250", "iso8859_2", "cp1254"}

URL = "https://news.example.org/2026/12/01/article"


@dataclass(frozen=True)
class Case:
    name: str  #: lang/charset/how
    kind: str  #: the class it is counted under in the bench table
    raw: bytes
    content_type: str | None
    text: Text


def page(text: Text, meta: str = "", *, late_meta: bool = False) -> str:
    """A news page around ``text``: menu, article, footer; ``meta`` in the head, at its
    start or (``late_meta``) after 10 KB of inline script (past the 8 KB
    charset_normalizer reads declarations from)."""
    script = "<script>var config = {" + ", ".join(
        f'"key{i}": "value number {i} of the site configuration"' for i in range(200)) + \
        "};</script>"
    head = f"{script}{meta}" if late_meta else f"{meta}{script}"
    paragraphs = "".join(f"<p>{p}</p>" for p in text.paragraphs)
    return (f'<!DOCTYPE html>\n<html lang="{text.lang}"><head>{head}'
            f"<title>{text.title}</title>"
            '<link rel="stylesheet" href="/static/site.css"></head>'
            '<body><header><nav><a href="/">Home</a> <a href="/world">World</a> '
            '<a href="/tech">Technology</a></nav></header>'
            f'<main><article><h1>{text.title}</h1><time datetime="2026-12-01">2026-12-01</time>'
            f"{paragraphs}</article></main>"
            '<footer><a href="/about">About us</a> <a href="/privacy">Privacy</a></footer>'
            "</body></html>")


def meta_charset(label: str) -> str:
    return f'<meta charset="{label}">'


def header(label: str | None) -> str:
    return f"text/html; charset={label}" if label else "text/html"


def _legacy_cases(text: Text, codec: str, label: str) -> list[Case]:
    def case(how: str, kind: str, meta: str, content_type: str | None,
             **kw: bool) -> Case:
        return Case(f"{text.lang}/{codec}/{how}", kind, page(text, meta, **kw).encode(codec),
                    content_type, text)

    western = codec in ("cp1252", "latin_1")
    out = [
        case("header", "legacy, declared right", "", header(label)),
        case("meta", "legacy, declared right", meta_charset(label), None),
        case("undeclared", "legacy, undeclared", "", header(None)),
        case("late-meta", "meta after 8 KB", meta_charset(label), None, late_meta=True),
    ]
    if not western:
        out += [
            case("header-latin1", "declared latin-1, is not", "", header("iso-8859-1")),
            case("meta-cp1252", "declared latin-1, is not", meta_charset("windows-1252"), None),
            case("header-utf8", "declared utf-8, is not", "", header("utf-8")),
            case("header-latin1-meta-right", "header wrong, meta right", meta_charset(label),
                 header("iso-8859-1")),
        ]
    return out


def _utf8_cases(text: Text) -> list[Case]:
    def case(how: str, kind: str, raw: bytes, content_type: str | None) -> Case:
        return Case(f"{text.lang}/utf-8/{how}", kind, raw, content_type, text)

    plain = page(text).encode()
    out = [
        case("header", "utf-8, declared right", plain, header("utf-8")),
        case("meta", "utf-8, declared right", page(text, meta_charset("utf-8")).encode(), None),
        case("undeclared", "utf-8, undeclared", plain, None),
        case("header-latin1", "utf-8 declared single-byte", plain, header("iso-8859-1")),
        case("meta-cp1251", "utf-8 declared single-byte",
             page(text, meta_charset("windows-1251")).encode(), None),
        case("double-encoded", "utf-8 mojibake (double-encoded)",
             page(text).encode().decode("latin-1").encode(), header("utf-8")),
        case("utf16le-bom", "utf-16", codecs.BOM_UTF16_LE + page(text).encode("utf-16-le"),
             None),
        case("utf16be-bom", "utf-16", codecs.BOM_UTF16_BE + page(text).encode("utf-16-be"),
             None),
        case("utf16le-nobom-header", "utf-16", page(text).encode("utf-16-le"),
             header("utf-16")),
        case("utf16le-nobom", "utf-16", page(text).encode("utf-16-le"), None),
        case("utf16be-nobom", "utf-16", page(text).encode("utf-16-be"), None),
        case("bom-vs-header", "BOM disagrees with header", codecs.BOM_UTF8 + plain,
             header("windows-1251")),
        case("utf16-bom-vs-meta", "BOM disagrees with header",
             codecs.BOM_UTF16_LE + page(text, meta_charset("iso-8859-1")).encode("utf-16-le"),
             header("iso-8859-1")),
    ]
    return out


def _junk_cases() -> list[Case]:
    """Charset names with junk, and unknown names (each on the charset it should not
    break)."""
    ru, ja, de = TEXTS["ru"], TEXTS["ja"], TEXTS["de"]
    rows = [
        ("quoted", ru, "utf-8", header('"utf-8"'), ""),
        ("utf8", ru, "utf-8", header("utf8"), ""),
        ("utf-8;", ru, "utf-8", "text/html; charset=utf-8;", ""),
        ("single-quoted-meta", ru, "cp1251", None, "<meta charset='windows-1251'>"),
        ("x-sjis", ja, "shift_jis", header("x-sjis"), ""),
        ("x-sjis-meta", ja, "shift_jis", None, meta_charset("x-sjis")),
        ("unicode", ru, "utf-8", header("unicode"), ""),
        ("none", ru, "cp1251", header("none"), ""),
        ("unknown", ru, "cp1251", header("x-foo-bar"), ""),
        ("idna", ru, "utf-8", header("idna"), ""),
        ("undefined", de, "cp1252", header("undefined"), ""),
        ("rot13-meta", ru, "utf-8", None, meta_charset("rot13")),
        ("utf-7", de, "utf-8", header("utf-7"), ""),
        ("header-cp1251-meta-koi8", ru, "koi8_r", header("windows-1251"),
         meta_charset("koi8-r")),
        ("header-koi8-meta-cp1251", ru, "cp1251", header("koi8-r"),
         meta_charset("windows-1251")),
        ("content-type-meta", ru, "cp1251", None,
         '<meta http-equiv="Content-Type" content="text/html; charset=windows-1251">'),
    ]
    return [Case(f"{text.lang}/{codec}/junk-{how}", "junk or unknown charset names",
                 page(text, meta).encode(codec), content_type, text)
            for how, text, codec, content_type, meta in rows]


#: Texts only for ``_neighbour_cases``: Central European pages declared Western.
NEIGHBOUR_TEXTS: dict[str, Text] = {t.lang: t for t in (
    Text("cs", "Čeští vědci představili nový jazykový model pro nemocnice", (
        "Výzkumníci z Brna v úterý představili jazykový model, který lékařům pomáhá psát "
        "propouštěcí zprávy a hledat údaje o vzácných nemocech. Podle autorů se systém "
        "učil na anonymizovaných záznamech a ověřovali ho ve třech městských nemocnicích.",
        "Nezávislí odborníci upozorňují, že model dělá méně chyb v dávkování léků než "
        "předchozí verze, ale konečné rozhodnutí zůstává na lékaři. Kliniky chtějí "
        "zkoušky rozšířit do konce příštího roku.")),
    Text("hu", "Magyar kutatók új nyelvi modellt mutattak be a kórházaknak", (
        "Szegedi kutatók kedden bemutattak egy nyelvi modellt, amely segít az orvosoknak "
        "a zárójelentések megírásában és a ritka betegségekről szóló adatok keresésében. "
        "A fejlesztők szerint a rendszer névtelenített kórlapokon tanult, és három "
        "városi kórházban próbálták ki.",
        "Független szakértők szerint a modell kevesebbet téved a gyógyszerek adagolásában, "
        "mint a korábbi változatok, de a végső döntés továbbra is az orvosé. A klinikák "
        "jövő év végéig bővítenék a kísérletet.")),
)}


def _neighbour_cases() -> list[Case]:
    """A charset of the right script declared for its neighbour: KOI8 declared
    windows-1251 and back (both Cyrillic: the cases come out the other way round),
    Czech and Hungarian declared windows-1252 or Latin-1 (their windows-1252 reading is
    all Latin letters: "ø" for ř, "õ" for ő)."""
    ru, uk = TEXTS["ru"], TEXTS["uk"]
    cs, hu = NEIGHBOUR_TEXTS["cs"], NEIGHBOUR_TEXTS["hu"]
    rows = [
        ("header-cp1251", ru, "koi8_r", header("windows-1251"), ""),
        ("meta-cp1251", ru, "koi8_r", None, meta_charset("windows-1251")),
        ("header-koi8", ru, "cp1251", header("koi8-r"), ""),
        ("meta-cp1251", uk, "koi8_u", None, meta_charset("windows-1251")),
        ("header-cp1252", cs, "cp1250", header("windows-1252"), ""),
        ("meta-cp1252", cs, "cp1250", None, meta_charset("windows-1252")),
        ("header-latin1", cs, "iso8859_2", header("iso-8859-1"), ""),
        ("meta-cp1252", hu, "cp1250", None, meta_charset("windows-1252")),
        ("header-latin1", hu, "iso8859_2", header("iso-8859-1"), ""),
    ]
    return [Case(f"{text.lang}/{codec}/{how}", "declared a neighbour charset",
                 page(text, meta).encode(codec), content_type, text)
            for how, text, codec, content_type, meta in rows]


def cases() -> list[Case]:
    """Every case, in a fixed order."""
    out: list[Case] = []
    for lang, text in TEXTS.items():
        out += _utf8_cases(text)
        for codec, label in LEGACY[lang]:
            out += _legacy_cases(text, codec, label)
    return out + _junk_cases() + _neighbour_cases()


def normalise(text: str) -> str:
    return " ".join(text.split())


def body_right(body: str, text: Text) -> bool:
    """Every paragraph of the article is in ``body`` exactly (whitespace aside)."""
    got = normalise(body)
    return all(normalise(p) in got for p in text.paragraphs)
