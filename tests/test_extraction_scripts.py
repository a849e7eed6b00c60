"""Text rules in every script: sizes, sentence ends and languages of pages not in English.

Small hand-written news pages (navigation, related links, a newsletter box) in Chinese,
Japanese, Thai, Arabic, Hindi and Russian: the article is kept whole, the boilerplate goes,
and no paragraph is taken for a teaser, a headline or a call to action because its script
has no spaces or ends its sentences with "。" or "।".
"""

from __future__ import annotations

import lxml.html
import pytest

from ainews.scraper.extraction import extract
from ainews.scraper.extraction.choose import prose_words
from ainews.scraper.extraction.labels import name_line
from ainews.scraper.extraction.language import guess
from ainews.scraper.extraction.paragraphs import drop_headline, drop_teasers
from ainews.scraper.extraction.text import ends_sentence, tokens, word_count


def _page(lang_title: str, paragraphs: list[str], *, head: str = "", before: str = "",
          inside: str = "", after: str = "", nav: tuple[str, ...] = (),
          related: tuple[str, ...] = (), newsletter: str = "") -> str:
    """A news page without a declared language: nav, article, related links, newsletter."""
    links = "".join(f'<li><a href="/section/{i}">{n}</a></li>' for i, n in enumerate(nav))
    rel = "".join(f'<li><a href="/story/{i}">{r}</a></li>' for i, r in enumerate(related[1:]))
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>{lang_title}</title>
{head}</head><body><header><nav><ul>{links}</ul></nav></header>
<main><article><h1>{lang_title}</h1>{before}<div class="article-body">{inside}{body}{after}</div>
</article>
<section class="related"><h2>{related[0] if related else ""}</h2><ul>{rel}</ul></section>
<div class="newsletter"><p>{newsletter}</p><form><input type="email"><button>OK</button>
</form></div></main><footer><p>© 2026</p></footer></body></html>"""


def _teaser(label: str, headline: str) -> str:
    """A "read also" line inside the text: a label and a link to another story."""
    return f'<p><strong>{label}</strong> <a href="/story/99">{headline}</a></p>'


def _assert_whole(body: str, paragraphs: list[str], *boilerplate: str) -> None:
    kept = body.split("\n\n")
    for p in paragraphs:
        assert p in kept, f"lost: {p}"
    for text in boilerplate:
        assert text not in body, f"kept boilerplate: {text}"


# --- sizes and sentence ends ------------------------------------------------------------

def test_word_count_keeps_indic_vowel_signs_inside_words():
    assert word_count("हिन्दी भाषा") == 2  # \w+ alone: five "words"
    assert word_count("ภาษาไทย") == pytest.approx(7 / 4)


def test_word_count_sizes_unspaced_scripts_like_their_english_translation():
    # 30 Chinese characters are about 20 English words, not one "word" per clause
    assert word_count("国家统计局周二公布的数据显示，第三季度国内生产总值同比增长百分") == 20
    assert word_count("The ferry will run every ten minutes from May.") == 9


def test_tokens_are_characters_in_unspaced_scripts_and_words_elsewhere():
    assert tokens("东京 2026年, हिन्दी!") == ["东", "京", "2026", "年", "हिन्दी"]


@pytest.mark.parametrize("sentence", ["这是一个句子。", "これは文です。」", "यह एक वाक्य है।",
                                      "هل هذا سؤال؟", "Սա նախադասություն է։", "ይህ ዓረፍተ ነገር ነው።"])
def test_sentence_ends_of_many_scripts(sentence):
    assert ends_sentence(sentence)


def test_chinese_prose_counts_as_prose():
    page = lxml.html.document_fromstring(
        "<html><body><p>国家统计局周二公布的数据显示，第三季度国内生产总值同比增长百分之四点八，"
        "略高于市场此前的预期。</p></body></html>")
    assert prose_words(page) >= 10  # a clause-counting \w+ saw 3 "words": no prose at all


# --- paragraph rules --------------------------------------------------------------------

def test_japanese_paragraph_after_related_links_is_not_a_teaser_headline():
    prose = ("一方、財源の確保については議会から慎重な意見も出ている。"
             "都は効果を検証しながら制度を見直す。")
    kept = drop_teasers(["都内では少子化が全国を上回るペースで進んでいる。", "関連記事",
                         "待機児童、過去最少に", prose])
    assert kept == ["都内では少子化が全国を上回るペースで進んでいる。", prose]


@pytest.mark.parametrize("line", [
    "相关阅读", "延伸閱讀", "関連ニュース", "관련기사", "Читайте также", "اقرأ أيضا", "यह भी पढ़ें",
    "ข่าวที่เกี่ยวข้อง", "Baca juga", "相关阅读：央行宣布下调存款准备金率",
    "यह भी पढ़ें: मुंबई में भारी बारिश", "Читайте также: Рубль укрепился"])
def test_read_also_labels_and_teasers_in_other_languages_are_dropped(line):
    prose = ["国家统计局周二公布了最新的经济数据。", "分析人士认为，消费回升是主要动力。"]
    assert drop_teasers([prose[0], line, prose[1]]) == prose


def test_hindi_lede_sentence_starting_with_the_title_is_kept():
    title = "दिल्ली में प्रदूषण का स्तर फिर खतरनाक श्रेणी में पहुंचा"
    lede = f"{title}, मौसम विभाग ने बताया।"
    assert drop_headline([lede, "दूसरा अनुच्छेद यहां है।"], title)[0] == lede


def test_chinese_headline_with_kicker_is_dropped():
    title = "国家统计局：第三季度经济同比增长4.8%"
    prose = "国家统计局周二公布的数据显示，第三季度国内生产总值同比增长百分之四点八。"
    assert drop_headline([f"快讯｜{title}", prose], title) == [prose]


def test_bold_name_after_chinese_prose_is_a_subheading_not_a_byline():
    page = lxml.html.document_fromstring(
        "<html><body><h1>统计局公布数据</h1><p>国家统计局周二公布的数据显示，第三季度国内生产总值"
        "同比增长百分之四点八。</p><p><strong>Li Qiang Wang</strong></p></body></html>")
    assert name_line(page.find(".//h1")) == []  # the text had begun: 30 characters of prose


# --- whole pages ------------------------------------------------------------------------

ZH = ["国家统计局周二公布的数据显示，第三季度国内生产总值同比增长百分之四点八，"
      "略高于市场此前的预期。",
      "分析人士认为，消费和投资的回升是推动经济增长的主要动力，但出口仍然面临较大的下行压力。",
      "统计局发言人在新闻发布会上表示，下一阶段将继续加大对中小企业的支持力度，努力稳定就业和物价。",
      "多家研究机构随后上调了全年增长预测，并提醒投资者关注房地产市场和地方债务带来的风险。"]
ZH_TITLE = "国家统计局：第三季度经济同比增长4.8%"


def test_chinese_page():
    html = _page(ZH_TITLE, ZH, head=f'<meta name="description" content="{ZH[0]}">',
                 inside=f"<p>快讯｜{ZH_TITLE}</p>",
                 nav=("首页", "国内", "国际", "财经", "科技", "体育"),
                 related=("相关新闻", "央行宣布下调存款准备金率", "沪深股市周一全线上涨"),
                 newsletter="订阅我们的每日新闻简报，第一时间获取重要消息。")
    article = extract(html, "https://news.example.cn/2026/10/21/gdp.html")
    _assert_whole(article.body, ZH, "央行宣布", "订阅我们", "首页", "快讯")
    assert article.lede == ZH[0]  # the summary is the first paragraph (it stays in the body)
    assert article.language == "zh"


JA = ["小池百合子知事が二十日の記者会見で明らかにした。"
      "対象は0歳から5歳までの子どもで、所得による制限は設けない。",
      "都内では少子化が全国を上回るペースで進んでおり、子育て世代の負担を減らすことで出生数の回復につなげたい考えだ。",
      "一方、財源の確保については議会から慎重な意見も出ている。都は事業の効果を検証しながら制度を見直すとしている。",
      "保育の現場からは、無償化で利用希望者が増えれば保育士の不足がさらに深刻になるとの声も上がっており、都は処遇改善を急ぐ。",
      "国も同様の支援策を検討しているが、対象年齢や所得制限の扱いをめぐって与党内の調整が続いている。"]
JA_LEAD = ("東京都は来年度から、都内に住むすべての子どもの保育料を無償にする方針を固めた。"
           "財源は約1600億円を見込む。")


def test_japanese_page():
    html = _page("東京都、来年度から保育料を完全無償化へ", JA,
                 before=f'<p class="lead">{JA_LEAD}</p>',
                 nav=("ホーム", "社会", "政治", "経済", "国際"),
                 related=("関連記事", "待機児童、過去最少に", "出生数、8年連続で減少"),
                 newsletter="ニュースレターに登録すると、毎朝最新のニュースをお届けします。")
    article = extract(html, "https://www.example.jp/articles/20261020/k1.html")
    _assert_whole(article.body, JA, "待機児童", "ニュースレター", "ホーム")
    assert article.lede == JA_LEAD  # the standfirst: 50 characters, not "3 words"
    assert article.language == "ja"


TH = ["คณะรัฐมนตรีมีมติอนุมัติงบประมาณกว่าสองแสนล้านบาทสำหรับการก่อสร้างรถไฟความเร็วสูงสายใหม่ "
      "ที่จะเชื่อมกรุงเทพฯ กับเชียงใหม่",
      "โฆษกรัฐบาลกล่าวว่าโครงการนี้จะช่วยลดเวลาการเดินทางลงเหลือเพียงสามชั่วโมงครึ่ง "
      "และจะสร้างงานให้กับประชาชนหลายหมื่นตำแหน่ง",
      "อย่างไรก็ตาม นักวิชาการบางส่วนตั้งข้อสังเกตเกี่ยวกับความคุ้มค่าของการลงทุน "
      "และเรียกร้องให้เปิดเผยรายละเอียดการศึกษาความเป็นไปได้"]


def test_thai_page():
    html = _page("ครม.อนุมัติงบสร้างรถไฟความเร็วสูงสายเหนือ", TH, after=_teaser(
                     "อ่านเพิ่มเติม:", "ราคาน้ำมันปรับขึ้นอีกครั้งในรอบสัปดาห์"),
                 nav=("หน้าแรก", "การเมือง", "เศรษฐกิจ", "กีฬา"),
                 related=("ข่าวที่เกี่ยวข้อง", "ราคาน้ำมันปรับขึ้นอีกครั้ง", "ตลาดหุ้นไทยปิดบวก"),
                 newsletter="สมัครรับจดหมายข่าวของเราเพื่อรับข่าวสารล่าสุดทุกเช้า")
    article = extract(html, "https://www.example.co.th/news/politics/123456")
    _assert_whole(article.body, TH, "ราคาน้ำมัน", "อ่านเพิ่มเติม", "สมัครรับ", "หน้าแรก")
    assert article.language == "th"


AR = ["أعلنت وزارة المالية اليوم الثلاثاء عن خطة جديدة لدعم "
      "الشركات الصغيرة والمتوسطة بقيمة ملياري دولار.",
      "وقال وزير المالية في مؤتمر صحفي إن الخطة تهدف إلى توفير "
      "فرص عمل جديدة للشباب وتشجيع الاستثمار المحلي.",
      "هل تكفي هذه الخطة لمواجهة الركود؟ يرى خبراء الاقتصاد "
      "أن نجاحها يعتمد على سرعة التنفيذ وشفافية التوزيع."]


def test_arabic_page():
    html = _page("الحكومة تعلن خطة لدعم الشركات الصغيرة", AR, after=_teaser(
                     "اقرأ أيضا:", "البنك المركزي يرفع أسعار الفائدة"),
                 nav=("الرئيسية", "سياسة", "اقتصاد", "رياضة"),
                 related=("أخبار ذات صلة", "ارتفاع أسعار النفط", "البورصة تغلق على ارتفاع"),
                 newsletter="اشترك في نشرتنا الإخبارية لتصلك آخر الأخبار كل صباح.")
    article = extract(html, "https://www.example.com.eg/economy/2026/10/20/plan")
    _assert_whole(article.body, AR, "أسعار النفط", "البنك المركزي", "اشترك", "الرئيسية")
    assert article.language == "ar"


HI_TITLE = "दिल्ली में प्रदूषण का स्तर फिर खतरनाक श्रेणी में पहुंचा"
HI = [f"{HI_TITLE}, मौसम विभाग ने मंगलवार सुबह बताया।",
      "विभाग के अनुसार अगले तीन दिनों तक हवा की गुणवत्ता में सुधार की "
      "कोई संभावना नहीं है और लोगों को घर में रहने की सलाह दी गई है।",
      "सरकार ने निर्माण कार्यों पर अस्थायी रोक लगा दी है तथा "
      "स्कूलों को ऑनलाइन कक्षाएं चलाने का निर्देश दिया है।"]


def test_hindi_page():
    html = _page(HI_TITLE, HI, after=_teaser("यह भी पढ़ें:", "मुंबई में भारी बारिश से जनजीवन ठप"),
                 nav=("होम", "देश", "दुनिया", "खेल"),
                 related=("संबंधित खबरें", "मुंबई में भारी बारिश", "शेयर बाजार में तेजी"),
                 newsletter="हमारे न्यूज़लेटर की सदस्यता लें और हर सुबह ताज़ा खबरें पाएं।")
    article = extract(html, "https://www.example.in/delhi/pollution-123.html")
    _assert_whole(article.body, HI, "भारी बारिश", "पढ़ें", "न्यूज़लेटर", "दुनिया")
    assert article.language == "hi"


RU = ["Центральный банк во вторник сохранил ключевую ставку "
      "на уровне шестнадцати процентов годовых.",
      "По словам председателя банка, инфляция замедляется, однако давление на цены сохраняется.",
      "Аналитики ожидают, что снижение ставки может начаться не раньше весны следующего года."]


def test_russian_page():
    html = _page("Центробанк сохранил ключевую ставку", RU,
                 after=_teaser("Читайте также:", "Рубль укрепился к доллару и евро"),
                 nav=("Главная", "Политика", "Экономика", "Спорт"),
                 related=("Читайте также", "Нефть подорожала", "Рубль укрепился"),
                 newsletter="Подпишитесь на нашу рассылку и получайте новости каждое утро.")
    article = extract(html, "https://www.example.ru/economy/2026/10/20/rate")
    _assert_whole(article.body, RU, "Нефть", "Рубль", "Подпишитесь", "Главная")
    assert article.language == "ru"


# --- languages of undeclared pages ------------------------------------------------------

@pytest.mark.parametrize(("text", "lang"), [
    ("東京都知事選、小池氏が3選を果たした", "ja"),  # kanji-heavy and short
    ("美国大选结果公布", "zh"),  # a Chinese headline: 8 characters are evidence
    ("台湾的便利店推出了新的おにぎり产品，受到消费者的欢迎，销售量持续增长。", "zh"),  # a kana word
    ("دولت ایران امروز برنامه جدیدی برای کمک به اقتصاد کشور اعلام کرد", "fa"),
    ("서울시는 오늘 새로운 교통 정책을 발표했다", "ko"),
    ("OpenAI发布了新的GPT-5 model，支持更多的API功能和Python SDK。", "zh"),
])
def test_language_of_undeclared_text(text, lang):
    assert guess(text) == lang


def test_stored_word_count_sizes_unspaced_text_like_spaced_text():
    """articles.word_count: a Chinese body is not one "word" per paragraph."""
    from ainews.scraper.article import Article

    chinese = Article(url="https://example.cn/a",
                      body="国家统计局周二公布的数据显示，第三季度国内生产总值同比增长百分")
    english = Article(url="https://example.com/a",
                      body="The ferry will run every ten minutes from May.")
    assert chinese.word_count == 20
    assert english.word_count == 9
